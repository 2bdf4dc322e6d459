// A lean HTTP/1.1 keep-alive client for the load generators of bench/ingest-load.ts.
//
// The load generator shares this 2-core machine with the server it measures, so every microsecond it spends per
// request is taken from the server. undici's Pool spends ~50 µs per request here, and in an open loop over 256
// connections close to 150 µs (about 75 % of a core at 5,000/s): enough to make even a bare endpoint miss its
// schedule. This client writes each request as a prebuilt head plus the body buffer and reads only what it needs
// of the answer (the status and a Content-Length body), which costs a fraction of that. `BENCH_CLIENT=undici`
// switches back to undici for comparison.

import net from 'node:net';

/** One request the load generator sends: a path, headers and a body. */
export interface Shot {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Called once per request: the HTTP status, or 0 if the connection failed before an answer. */
type Done = (status: number) => void;

const HEAD_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection, one request in flight at a time. */
class Connection {
  readonly socket: net.Socket;
  #done: Done | undefined;
  #pending: Buffer | undefined;
  /** Bytes of the current answer's body still to come, once its head is read. */
  #bodyLeft = -1;
  #status = 0;
  closed = false;

  constructor(host: string, port: number, onIdle: (c: Connection) => void, onClosed: (c: Connection) => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      const done = this.#read(chunk);
      if (done === undefined) return;
      // Free first, so that a request sent from `done` can take this connection.
      onIdle(this);
      done(this.#status);
    });
    const fail = () => {
      if (this.closed) return;
      this.closed = true;
      const done = this.#done;
      this.#done = undefined;
      onClosed(this);
      done?.(0);
    };
    this.socket.on('error', fail);
    this.socket.on('close', fail);
  }

  send(head: string, body: Buffer, done: Done): void {
    this.#done = done;
    this.#pending = undefined;
    this.#bodyLeft = -1;
    this.socket.cork();
    this.socket.write(head, 'latin1');
    this.socket.write(body);
    this.socket.uncork();
  }

  /** Consumes a chunk of the answer; when the answer is complete, the request's callback (and the connection is free). */
  #read(chunk: Buffer): Done | undefined {
    let data = chunk;
    if (this.#bodyLeft < 0) {
      if (this.#pending !== undefined) data = Buffer.concat([this.#pending, chunk]);
      const end = data.indexOf(HEAD_END);
      if (end === -1) {
        this.#pending = data;
        return undefined;
      }
      this.#pending = undefined;
      const head = data.toString('latin1', 0, end).toLowerCase();
      this.#status = Number(head.slice(9, 12));
      const at = head.indexOf('\r\ncontent-length:');
      if (at === -1) {
        // Every answer of the servers measured here has a Content-Length; anything else is a failure, loudly.
        this.socket.destroy(new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
        return undefined;
      }
      const eol = head.indexOf('\r\n', at + 2);
      this.#bodyLeft = Number(head.slice(at + 17, eol === -1 ? undefined : eol).trim());
      data = data.subarray(end + 4);
    }
    this.#bodyLeft -= data.length;
    if (this.#bodyLeft > 0) return undefined;
    if (this.#bodyLeft < 0) {
      this.socket.destroy(new Error('more bytes than the answer had: pipelining is not used here'));
      return undefined;
    }
    this.#bodyLeft = -1;
    const done = this.#done;
    this.#done = undefined;
    return done;
  }
}

/** Up to `size` keep-alive connections to `origin`; requests beyond them wait for a free one, in order. */
export class LeanPool {
  readonly #host: string;
  readonly #port: number;
  readonly #hostHeader: string;
  readonly #size: number;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #queue: Array<{ shot: Shot; done: Done }> = [];
  #queueHead = 0;

  constructor(origin: string, size: number) {
    const url = new URL(origin);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#hostHeader = url.host;
    this.#size = size;
  }

  send(shot: Shot, done: Done): void {
    const connection = this.#idle.pop() ?? (this.#all.size < this.#size ? this.#open() : undefined);
    if (connection === undefined) this.#queue.push({ shot, done });
    else this.#write(connection, shot, done);
  }

  close(): void {
    for (const c of this.#all) c.socket.destroy();
    this.#all.clear();
    this.#idle.length = 0;
  }

  #open(): Connection {
    const c = new Connection(
      this.#host,
      this.#port,
      (free) => this.#onIdle(free),
      (gone) => {
        this.#all.delete(gone);
        const i = this.#idle.indexOf(gone);
        if (i !== -1) this.#idle.splice(i, 1);
        // A request waiting for a connection gets a new one.
        if (this.#queueHead < this.#queue.length) this.#onIdle(this.#open());
      },
    );
    this.#all.add(c);
    return c;
  }

  #onIdle(c: Connection): void {
    if (c.closed) return;
    const next = this.#queue[this.#queueHead];
    if (next === undefined) {
      this.#idle.push(c);
      return;
    }
    this.#queue[this.#queueHead++] = undefined as never;
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#queueHead);
      this.#queueHead = 0;
    }
    this.#write(c, next.shot, next.done);
  }

  #write(c: Connection, shot: Shot, done: Done): void {
    let head = `POST ${shot.path} HTTP/1.1\r\nhost: ${this.#hostHeader}\r\n`;
    for (const name in shot.headers) head += `${name}: ${shot.headers[name]}\r\n`;
    head += `content-length: ${shot.body.length}\r\n\r\n`;
    c.send(head, shot.body, done);
  }
}
