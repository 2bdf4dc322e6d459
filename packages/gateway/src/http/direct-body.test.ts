import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from './clock.js';
import { type BodySink, ClientClosed, DirectBody } from './direct-body.js';
import { UpstreamClient } from './upstream-client.js';

/** undici's side of a dispatch: pause/resume flags, and abort answered with onResponseError as undici does. */
function fakeController(body: DirectBody) {
  const c = {
    paused: false,
    aborted: false,
    reason: null as Error | null,
    pauses: 0,
    resumes: 0,
    pause() {
      c.paused = true;
      c.pauses++;
    },
    resume() {
      c.paused = false;
      c.resumes++;
    },
    abort(reason: Error) {
      if (c.aborted) return;
      c.aborted = true;
      c.reason = reason;
      body.onResponseError(c as unknown as Dispatcher.DispatchController, reason);
    },
  };
  return c;
}

/** A sink that takes `room` chunks before it asks to wait for 'drain'. */
class Sink extends EventEmitter implements BodySink {
  chunks: Buffer[] = [];
  ended = false;
  destroyed: Error | undefined;
  writableFinished = false;
  constructor(private room = Number.POSITIVE_INFINITY) {
    super();
  }
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return this.chunks.length < this.room;
  }
  end(): void {
    this.ended = true;
    this.writableFinished = true;
  }
  destroy(error?: Error): void {
    this.destroyed = error;
    this.emit('close');
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function started(status = 200) {
  const body = new DirectBody();
  const ctl = fakeController(body);
  const c = ctl as unknown as Dispatcher.DispatchController;
  body.onRequestStart(c);
  body.onResponseStart(c, status, { 'content-type': 'text/plain' });
  return { body, ctl, c };
}

describe('DirectBody', () => {
  it('hands over the head and holds the body (the socket paused) until told what to do with it', async () => {
    const { body, ctl } = started(201);
    const held = await body.head;
    expect(held.statusCode).toBe(201);
    expect(held.headers['content-type']).toBe('text/plain');
    expect(ctl.paused).toBe(true);
  });

  it('writes each chunk into the sink and ends it; pauses the vendor while the sink is full', async () => {
    const { body, ctl, c } = started();
    const sink = new Sink(1);
    let settled = false;
    body.onSettled(() => {
      settled = true;
    });
    const piped = body.pipeTo(sink);
    expect(ctl.paused).toBe(false);
    body.onResponseData(c, Buffer.from('one '));
    expect(ctl.paused).toBe(true); // the sink said wait
    sink.emit('drain');
    expect(ctl.paused).toBe(false);
    body.onResponseData(c, Buffer.from('two'));
    body.onResponseEnd();
    await piped;
    expect(sink.text).toBe('one two');
    expect(sink.ended).toBe(true);
    expect(settled).toBe(true);
  });

  it('keeps chunks (and the end) that arrived before pipeTo', async () => {
    const { body, c } = started();
    body.onResponseData(c, Buffer.from('early '));
    body.onResponseData(c, Buffer.from('bytes'));
    body.onResponseEnd();
    const sink = new Sink();
    await body.pipeTo(sink);
    expect(sink.text).toBe('early bytes');
    expect(sink.ended).toBe(true);
  });

  it('cuts the sink when the vendor breaks off mid-body, and says why', async () => {
    const { body, c } = started();
    const sink = new Sink();
    const piped = body.pipeTo(sink);
    body.onResponseData(c, Buffer.from('half'));
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    body.onResponseError(c, reset);
    await expect(piped).rejects.toBe(reset);
    expect(sink.destroyed).toBe(reset);
    expect(sink.ended).toBe(false);
  });

  it('stops reading from the vendor when the caller goes away', async () => {
    const { body, ctl, c } = started();
    const sink = new Sink();
    const piped = body.pipeTo(sink);
    body.onResponseData(c, Buffer.from('some'));
    sink.emit('close');
    expect(ctl.aborted).toBe(true);
    await expect(piped).rejects.toBeInstanceOf(ClientClosed);
  });

  it('drops an unwanted body to keep the socket, and aborts one past 128 KiB', async () => {
    const small = started();
    const dumped = small.body.dump();
    small.body.onResponseData(small.c, Buffer.alloc(1000));
    small.body.onResponseEnd();
    await dumped;
    expect(small.ctl.aborted).toBe(false);

    const big = started();
    const dumping = big.body.dump();
    big.body.onResponseData(big.c, Buffer.alloc(100 * 1024));
    big.body.onResponseData(big.c, Buffer.alloc(100 * 1024));
    await dumping;
    expect(big.ctl.aborted).toBe(true);
  });

  it('rejects the head with the transport error when no answer came', async () => {
    const body = new DirectBody();
    const ctl = fakeController(body);
    body.onRequestStart(ctl as unknown as Dispatcher.DispatchController);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    body.onResponseError(ctl as unknown as Dispatcher.DispatchController, refused);
    await expect(body.head).rejects.toBe(refused);
  });

  it('aborts at the start a request aborted before undici started it', () => {
    const body = new DirectBody();
    body.abort(new Error('deadline'));
    void body.head.catch(() => undefined);
    const ctl = fakeController(body);
    body.onRequestStart(ctl as unknown as Dispatcher.DispatchController);
    expect(ctl.aborted).toBe(true);
  });
});

describe('UpstreamClient.open', () => {
  const ORIGIN = 'https://api.example.test';
  const setup = () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const clock: ManualClock = manualClock();
    const client = new UpstreamClient({ dispatcher: mock, clock, backoff: { random: () => 0.5, baseMs: 200 } });
    return { mock, clock, client, pool: mock.get(ORIGIN) };
  };

  it('retries a 503 (dropping its body) and pipes the answer that follows', async () => {
    const { mock, clock, client, pool } = setup();
    pool.intercept({ path: '/x', method: 'GET' }).reply(503, 'busy');
    pool.intercept({ path: '/x', method: 'GET' }).reply(200, 'the answer');
    const res = await client.open({ method: 'GET', url: `${ORIGIN}/x` });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(2);
    expect(clock.sleeps).toHaveLength(1);
    const sink = new Sink();
    await res.body.pipeTo(sink);
    expect(sink.text).toBe('the answer');
    await mock.close();
  });

  it('refreshes the credential once after a 401 and sends the request again', async () => {
    const { mock, client, pool } = setup();
    pool.intercept({ path: '/me', method: 'GET', headers: { authorization: 'Bearer old' } }).reply(401, 'expired');
    pool.intercept({ path: '/me', method: 'GET', headers: { authorization: 'Bearer new' } }).reply(200, 'me');
    let refreshed = 0;
    const res = await client.open({
      method: 'GET',
      url: `${ORIGIN}/me`,
      credential: {
        authorize: async () => ({ authorization: 'Bearer old' }),
        afterUnauthorized: async () => {
          refreshed++;
          return { authorization: 'Bearer new' };
        },
      },
    });
    expect(res.status).toBe(200);
    expect(refreshed).toBe(1);
    const sink = new Sink();
    await res.body.pipeTo(sink);
    expect(sink.text).toBe('me');
    await mock.close();
  });
});
