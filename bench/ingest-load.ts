import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { LeanPool, type Shot } from './http-load.ts';

export type { Shot };

export interface LoadResult {
  completed: number;
  /** Requests answered, warm-up included. */
  answered: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /**
   * Open loop only: the slowest acknowledgement of the requests due in each 100 ms of the run (index 0 = the
   * first 100 ms). A p99 above the bare endpoint's comes either from many short waits or from a few stalls, and
   * this tells which: the windows a stall hits stand out.
   */
  slowestPer100ms?: Float64Array;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Latencies in a preallocated array: the generator allocates as little as it can while it measures. */
class Latencies {
  #values: Float64Array;
  #count = 0;
  failed = 0;
  /** Answers of any kind, warm-up included. */
  answered = 0;

  constructor(expected: number) {
    this.#values = new Float64Array(Math.max(1024, expected));
  }

  add(ms: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = ms;
  }

  summarize(seconds: number): LoadResult {
    const sorted = this.#values.subarray(0, this.#count).sort();
    return {
      completed: this.#count,
      answered: this.answered,
      failed: this.failed,
      seconds,
      perSecond: this.#count / seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
    };
  }
}

/** The load generator's client: the lean one of http-load.ts, or undici with `BENCH_CLIENT=undici`. */
export const clientName = process.env.BENCH_CLIENT === 'undici' ? 'undici Pool' : 'lean keep-alive client';

interface Client {
  /** Sends `shot`; `done` gets the status, or 0 if the request failed without one. */
  send(shot: Shot, done: (status: number) => void): void;
  close(): Promise<void>;
}

function client(origin: string, connections: number): Client {
  if (process.env.BENCH_CLIENT !== 'undici') {
    const pool = new LeanPool(origin, connections);
    return { send: (shot, done) => pool.send(shot, done), close: async () => pool.close() };
  }
  const pool = new Pool(origin, { connections, pipelining: 1 });
  return {
    send: (shot, done) => {
      pool
        .request({ method: 'POST', path: shot.path, headers: shot.headers, body: shot.body })
        .then(async (res) => {
          await res.body.dump();
          return res.statusCode;
        })
        .then(done, () => done(0));
    },
    close: () => pool.close(),
  };
}

/** Closed loop: `connections` clients send back to back for `seconds` (after `warmup` seconds not counted). */
export async function closedLoop(
  origin: string,
  next: (i: number) => Shot,
  options: { connections: number; seconds: number; warmup: number },
): Promise<LoadResult> {
  const pool = client(origin, options.connections);
  const latencies = new Latencies(options.seconds * 20_000);
  let i = 0;
  const start = performance.now();
  const measureFrom = start + options.warmup * 1000;
  const end = measureFrom + options.seconds * 1000;
  await new Promise<void>((resolve) => {
    let running = options.connections;
    const loop = () => {
      const t0 = performance.now();
      if (t0 >= end) {
        if (--running === 0) resolve();
        return;
      }
      pool.send(next(i++), (status) => {
        latencies.answered++;
        if (t0 >= measureFrom) {
          if (status === 200) latencies.add(performance.now() - t0);
          else latencies.failed++;
        }
        loop();
      });
    };
    for (let c = 0; c < options.connections; c++) loop();
  });
  await pool.close();
  return latencies.summarize(options.seconds);
}

/**
 * Open loop: requests started at a fixed rate whatever the answers, so latency is not hidden by back-pressure. The
 * first `warmup` seconds run at the same rate and are not counted, like the closed loop's (the connections are
 * opened then, and the server leaves what the run before left it); `warmupP99` says what they saw.
 */
export async function openLoop(
  origin: string,
  next: (i: number) => Shot,
  options: { rate: number; seconds: number; connections: number; warmup: number },
): Promise<LoadResult & { warmupP99: number }> {
  const pool = client(origin, options.connections);
  const warmupCount = Math.round(options.rate * options.warmup);
  const total = warmupCount + Math.round(options.rate * options.seconds);
  const latencies = new Latencies(total);
  const warming = new Latencies(warmupCount);
  const begin = performance.now();
  const start = begin + options.warmup * 1000;
  const slowest = new Float64Array(Math.ceil(options.seconds * 10) + 1);
  let allAnswered: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    allAnswered = resolve;
  });
  const answer = (from: number, warm: boolean) => (status: number) => {
    latencies.answered++;
    if (warm) {
      if (status === 200) warming.add(performance.now() - from);
      else warming.failed++;
    } else if (status === 200) {
      const ms = performance.now() - from;
      latencies.add(ms);
      const window = Math.min(slowest.length - 1, Math.max(0, Math.floor((from - start) / 100)));
      if (ms > (slowest[window] ?? 0)) slowest[window] = ms;
    } else latencies.failed++;
    if (latencies.answered === total) allAnswered();
  };
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Latency counts from when the request was due, so a late start (coordinated omission) is charged to it; a
    // request sent up to 1 ms early (timers are not finer) counts from when it was sent.
    pool.send(next(i), answer(Math.min(due, performance.now()), i < warmupCount));
  }
  if (total > 0) await finished;
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  latencies.failed += warming.failed;
  return {
    ...latencies.summarize(seconds),
    slowestPer100ms: slowest,
    warmupP99: warming.summarize(options.warmup).p99,
  };
}
