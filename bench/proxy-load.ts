import { Pool } from 'undici';

export interface LoadResult {
  /** Requests measured (after the warm-up). */
  requests: number;
  warmUpRequests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  /** Base URL and path of every request. */
  origin: string;
  path: string;
  headers?: Record<string, string>;
  connections: number;
  durationMs: number;
  warmUpMs: number;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/**
 * Closed-loop load over undici: `connections` keep-alive sockets, one request in flight on each, for
 * `durationMs` after a warm-up. Latency is measured per request from send to the end of the body.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(o.origin, { connections: o.connections, pipelining: 1 });
  const samples = new Float64Array(4_000_000);
  let count = 0;
  let warm = 0;
  let errors = 0;
  let recording = false;
  let stopAt = Number.POSITIVE_INFINITY;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const started = performance.now();
      try {
        const res = await pool.request({ method: 'GET', path: o.path, headers: o.headers ?? {} });
        await res.body.dump();
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      if (!recording) warm++;
      else if (count < samples.length) samples[count++] = performance.now() - started;
    }
  };
  const begun = performance.now();
  stopAt = begun + o.warmUpMs + o.durationMs;
  const workers = Array.from({ length: o.connections }, worker);
  await new Promise((r) => setTimeout(r, o.warmUpMs));
  recording = true;
  errors = 0;
  const measuredFrom = performance.now();
  await Promise.all(workers);
  const seconds = (performance.now() - measuredFrom) / 1000;
  await pool.close();
  const sorted = samples.subarray(0, count).sort();
  return {
    requests: count,
    warmUpRequests: warm,
    errors,
    seconds,
    rps: count / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}
