import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { streamGarbage } from './stream-garbage.js';

/** Where a delivered body goes: an http.ServerResponse, or anything that writes, ends and signals drain. */
export interface BodySink {
  write(chunk: Buffer): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  readonly writableFinished: boolean;
}

/** The reason a piped body stops when its sink (the caller's connection) closed first. */
export class ClientClosed extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientClosed';
  }
}

/** How much of an unwanted body (a retried 503, a 401 before a refresh) is read to keep the socket; past it, closed. */
const DUMP_LIMIT = 128 * 1024;

type State = 'waiting' | 'held' | 'piping' | 'dumping' | 'done';

/**
 * An undici dispatch handler for a response that is either written straight into a sink or dropped: the
 * proxy's body path without a Readable in between. The head is handed over (`head`) and the body held (the
 * connection paused) until the caller decides: `pipeTo(sink)` writes each chunk into the sink as undici
 * parses it, pausing the upstream while the sink's buffer is full; `dump()` reads and drops it so the
 * keep-alive socket can be reused; `destroy()` aborts it. Compared with `dispatcher.request()` piped into
 * the reply, there is no body stream, no pipe and no end-of-stream bookkeeping per response.
 */
export class DirectBody {
  statusCode = 0;
  headers: IncomingHttpHeaders = {};
  /** Settles with this object once the head is in, or rejects with the transport error before it. */
  readonly head: Promise<DirectBody>;
  #resolveHead!: (body: DirectBody) => void;
  #rejectHead!: (error: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  #state: State = 'waiting';
  #held: Buffer[] = [];
  #sink: BodySink | undefined;
  #dumped = 0;
  #finish: ((error?: Error) => void) | undefined;
  #settled: Array<() => void> = [];
  #resume = () => this.#controller?.resume();

  constructor() {
    this.head = new Promise((resolve, reject) => {
      this.#resolveHead = resolve;
      this.#rejectHead = reject;
    });
  }

  /** Runs once when the exchange is over: the body ended, failed, or was aborted. */
  onSettled(fn: () => void): void {
    if (this.#state === 'done') fn();
    else this.#settled.push(fn);
  }

  /** Write the body into `sink`. Resolves when it ended (sink ended too); rejects when either side failed. */
  pipeTo(sink: BodySink): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#state === 'done') {
        reject(this.#abortReason ?? new Error('the response body is gone'));
        return;
      }
      this.#sink = sink;
      this.#state = 'piping';
      this.#finish = (error) => (error === undefined ? resolve() : reject(error));
      // A caller that goes away mid-answer: stop reading from the vendor.
      sink.once('close', () => {
        if (this.#state === 'piping' && !sink.writableFinished) this.abort(new ClientClosed());
      });
      for (const chunk of this.#held.splice(0)) this.#write(chunk);
      if (this.#state === 'piping') this.#controller?.resume();
    });
  }

  /** Read and drop the body (up to 128 KiB, then abort); never rejects. */
  dump(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#state === 'done') {
        resolve();
        return;
      }
      this.#state = 'dumping';
      this.#finish = () => resolve();
      if (this.#held.includes(ENDED)) {
        this.#end();
        return;
      }
      this.#dumped = this.#held.reduce((n, c) => n + c.length, 0);
      this.#held = [];
      if (this.#dumped > DUMP_LIMIT) this.abort(new Error('response body dropped'));
      else this.#controller?.resume();
    });
  }

  destroy(error?: Error): void {
    this.abort(error ?? new Error('response body dropped'));
  }

  abort(reason: Error): void {
    if (this.#state === 'done') return;
    if (this.#abortReason === undefined) this.#abortReason = reason;
    this.#controller?.abort(reason); // before onRequestStart: done there
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason !== undefined) controller.abort(this.#abortReason);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    this.statusCode = statusCode;
    this.headers = headers;
    this.#state = 'held';
    controller.pause();
    this.#resolveHead(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    switch (this.#state) {
      case 'held':
        this.#held.push(chunk);
        controller.pause();
        return;
      case 'piping':
        this.#write(chunk);
        return;
      case 'dumping':
        this.#dumped += chunk.length;
        if (this.#dumped > DUMP_LIMIT) this.abort(new Error('response body dropped'));
        return;
      default:
        return;
    }
  }

  onResponseEnd(): void {
    if (this.#state === 'held') {
      // Ended before anyone asked for it (a small body in one packet): keep it for pipeTo.
      this.#held.push(ENDED);
      return;
    }
    this.#end();
  }

  #end(): void {
    const sink = this.#state === 'piping' ? this.#sink : undefined;
    this.#done();
    sink?.end();
    this.#finish?.();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#state === 'waiting') {
      this.#done();
      this.#rejectHead(error);
      return;
    }
    const sink = this.#state === 'piping' ? this.#sink : undefined;
    this.#abortReason ??= error;
    this.#done();
    // Headers already went out: the only honest signal left is a cut connection.
    sink?.destroy(error);
    this.#finish?.(error);
  }

  #write(chunk: Buffer): void {
    if (chunk === ENDED) {
      this.#end();
      return;
    }
    streamGarbage.streamed(chunk.length);
    const sink = this.#sink;
    if (sink !== undefined && !sink.write(chunk)) {
      this.#controller?.pause();
      sink.once('drain', this.#resume);
    }
  }

  #done(): void {
    this.#state = 'done';
    this.#held = [];
    for (const fn of this.#settled.splice(0)) fn();
  }
}

/** Marks, among held chunks, that the body ended before it was asked for. */
const ENDED = Buffer.alloc(0);
