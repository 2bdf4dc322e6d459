import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** One request the load generator sends: a path, headers and a body. */
export interface Shot {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadResult {
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summarize(latencies: number[], failed: number, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    completed: latencies.length,
    failed,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

async function send(pool: Pool, shot: Shot): Promise<number> {
  const res = await pool.request({ method: 'POST', path: shot.path, headers: shot.headers, body: shot.body });
  await res.body.dump();
  return res.statusCode;
}

/** Closed loop: `connections` clients send back to back for `seconds` (after `warmup` seconds not counted). */
export async function closedLoop(
  origin: string,
  next: (i: number) => Shot,
  options: { connections: number; seconds: number; warmup: number },
): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 });
  const latencies: number[] = [];
  let failed = 0;
  let i = 0;
  const start = performance.now();
  const measureFrom = start + options.warmup * 1000;
  const end = measureFrom + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const status = await send(pool, next(i++)).catch(() => 0);
      const t1 = performance.now();
      if (t0 < measureFrom) continue;
      if (status === 200) latencies.push(t1 - t0);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  await pool.close();
  return summarize(latencies, failed, options.seconds);
}

/** Open loop: requests started at a fixed rate whatever the answers, so latency is not hidden by back-pressure. */
export async function openLoop(
  origin: string,
  next: (i: number) => Shot,
  options: { rate: number; seconds: number; connections: number },
): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 });
  const latencies: number[] = [];
  let failed = 0;
  const total = Math.round(options.rate * options.seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Latency counts from when the request was due, so a late start (coordinated omission) is charged to it; a
    // request sent up to 1 ms early (timers are not finer) counts from when it was sent.
    const from = Math.min(due, performance.now());
    pending.push(
      send(pool, next(i)).then(
        (status) => {
          if (status === 200) latencies.push(performance.now() - from);
          else failed++;
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return summarize(latencies, failed, seconds);
}
