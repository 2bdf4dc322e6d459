// Ingest and delivery benchmark: `npm run bench:ingest` (builds first). See BENCHMARKS.md.
//
// 1. A bare fastify endpoint answering 200 (baseline) and the gateway on SQLite (no subscriptions) each take the
//    same closed-loop load: signed captured payloads over `BENCH_CONNECTIONS` keep-alive connections for
//    `BENCH_SECONDS`. Throughput and acknowledgement latency, and the gateway's throughput as a ratio of fastify's.
// 2. The gateway and the bare endpoint at fixed rates (open loop; 5,000/s and 1,000/s unless BENCH_RATES says), each
//    for `BENCH_SECONDS` after 2 s at the same rate not counted: ack latency p50/p99, the bare endpoint's showing
//    what the load generator and the shared cores add by themselves, and the warm-up's p99.
//    BENCH_TIMELINE=1 also prints, for each open loop, the 100 ms windows whose slowest ack took over 10 ms.
// 3. Delivery: a subscription to a local receiver; ingest→first attempt latency at a low rate, then delivery
//    throughput while 10,000 events are ingested at 2,000/s, and for the backlog left when the ingest ends.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clientName, closedLoop, type LoadResult, openLoop, percentile } from './ingest-load.ts';
import { prepareGateway, root, startChild } from './ingest-setup.ts';
import { byThread, cpuPerRequest, freePort, gatewayFlags, withCpu } from './proxy-processes.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rates = (process.env.BENCH_RATES ?? '5000,1000').split(',').map(Number);
/** Seconds every loop runs before it measures, closed or open. */
const warmup = 2;
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
const MAIN = path.join(root, 'packages/gateway/dist/main.js');

const fmt = (r: LoadResult) =>
  `${Math.round(r.perSecond).toLocaleString('en')} req/s, ack p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms (${r.completed} ok, ${r.failed} failed)`;

type OpenLoopResult = Awaited<ReturnType<typeof openLoop>>;
const fmtOpen = (r: OpenLoopResult) => `${fmt(r)}; warm-up p99 ${r.warmupP99.toFixed(2)} ms`;

async function gatewayRun(
  dataDir: string,
  extra: Record<string, string>,
  body: (
    url: string,
    shot: (i: number) => import('./ingest-load.ts').Shot,
    adminKey: string,
    pid: number | undefined,
  ) => Promise<void>,
) {
  // A port free right now: a random one could be the local end of a connection still open (EADDRINUSE).
  const port = await freePort();
  const env = {
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_PORT: String(port),
    SWITCHYARD_LOG_LEVEL: logLevel,
    SWITCHYARD_KEEPALIVE_INTERVAL_SECONDS: '0',
    ...(process.env.BENCH_NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS }),
    // SWITCHYARD_* settings of the bench's own environment reach the gateway (SWITCHYARD_INGEST_THREAD=false, …).
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        (e): e is [string, string] => e[0].startsWith('SWITCHYARD_') && e[1] !== undefined,
      ),
    ),
    ...extra,
  };
  const prepared = await prepareGateway(env);
  const gw = await startChild(MAIN, env, port, gatewayFlags());
  try {
    await body(gw.url, prepared.shot, prepared.adminKey, gw.process.pid);
  } finally {
    await gw.stop();
  }
  return prepared.averageBytes;
}

async function main() {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  console.log(
    `load: ${connections} connections (${clientName}), ${seconds} s measured after ${warmup} s warm-up; gateway log level ${logLevel}\n`,
  );
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'switchyard-bench-'));
    dirs.push(d);
    return d;
  };
  try {
    let shotOf: ((i: number) => import('./ingest-load.ts').Shot) | undefined;
    let gateway: LoadResult | undefined;
    let gatewayCpu: number | undefined;
    let gatewayThreads: Map<string, number> | undefined;
    const fixed: Array<[number, OpenLoopResult, Map<string, number> | undefined]> = [];
    const bytes = await gatewayRun(dir(), {}, async (url, shot, _adminKey, pid) => {
      shotOf = shot;
      const measured = await withCpu(pid, () => closedLoop(url, shot, { connections, seconds, warmup }));
      gateway = measured.result;
      gatewayCpu = measured.cpuMs;
      gatewayThreads = measured.threads;
      for (const [n, rate] of rates.entries()) {
        const run = await withCpu(pid, () =>
          openLoop(url, (i) => shot((n + 1) * 10_000_000 + i), { rate, seconds, connections: 256, warmup }),
        );
        fixed.push([rate, run.result, run.threads]);
      }
    });
    if (shotOf === undefined || gateway === undefined) throw new Error('no gateway run');
    const bare = await startChild(path.join(root, 'bench/ingest-bare.ts'), {});
    const next = shotOf;
    const bareMeasured = await withCpu(bare.process.pid, () =>
      closedLoop(bare.url, next, { connections, seconds, warmup }),
    );
    const baseline = bareMeasured.result;
    // The same open loops against the endpoint that does nothing: the latency the load generator and the shared
    // cores add by themselves (a request counts from when it was due, so a late generator shows up here too).
    const bareFixed = new Map<number, OpenLoopResult>();
    for (const [n, rate] of rates.entries()) {
      bareFixed.set(
        rate,
        await openLoop(bare.url, (i) => next((n + 1) * 10_000_000 + i), { rate, seconds, connections: 256, warmup }),
      );
    }
    await bare.stop();
    console.log(`payloads: 13 captured Bitbucket Cloud/DC and Jira payloads, ${Math.round(bytes)} bytes on average`);
    console.log(`bare fastify (200, no work)  ${fmt(baseline)}`);
    console.log(`gateway ingest (SQLite)      ${fmt(gateway)}`);
    console.log(
      `CPU per request answered (all threads): gateway ${cpuPerRequest(gatewayCpu, gateway.answered)}, bare fastify ${cpuPerRequest(bareMeasured.cpuMs, baseline.answered)}`,
    );
    console.log(`  gateway by thread, µs per request: ${byThread(gatewayThreads, gateway.answered)}`);
    console.log(`ratio gateway / bare fastify ${(gateway.perSecond / baseline.perSecond).toFixed(2)}`);
    for (const [rate, run, threads] of fixed) {
      console.log(`gateway at ${rate}/s (open)`.padEnd(32) + fmtOpen(run));
      console.log(`  gateway by thread, µs per request: ${byThread(threads, run.answered)}`);
      if (process.env.BENCH_TIMELINE === '1') console.log(`  ${timeline(run)}`);
      const base = bareFixed.get(rate);
      if (base !== undefined) {
        console.log(`bare fastify at ${rate}/s (open)`.padEnd(32) + fmtOpen(base));
        console.log(`  p99 gateway / bare fastify at ${rate}/s: ${(run.p99 / base.p99).toFixed(2)}`);
      }
    }
    console.log('');
    await deliveryRun(dir());
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** The 100 ms windows of an open loop whose slowest acknowledgement took over 10 ms: `2.3 s: 88 ms`, … */
function timeline(run: LoadResult): string {
  const slow: string[] = [];
  for (const [i, ms] of (run.slowestPer100ms ?? []).entries()) {
    if (ms > 10) slow.push(`${(i / 10).toFixed(1)} s: ${Math.round(ms)} ms`);
  }
  const shown = slow.length > 30 ? [...slow.slice(0, 30), `… ${slow.length - 30} more`] : slow;
  return `windows of 100 ms with an ack over 10 ms (${slow.length}): ${shown.join(', ') || 'none'}`;
}

/** Delivery to a local receiver: ingest→first attempt latency at 200/s, then throughput under an ingest load. */
async function deliveryRun(dataDir: string) {
  const firstSeen = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const id = String(req.headers['webhook-id']);
    if (!firstSeen.has(id)) firstSeen.set(id, performance.now());
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const address = receiver.address();
  const receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
  const allow = { SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1', SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1' };
  await gatewayRun(dataDir, allow, async (url, shot, adminKey) => {
    const res = await fetch(`${url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, events: ['*'] }),
    });
    if (res.status !== 201) throw new Error(`subscription: ${res.status} ${await res.text()}`);
    await ingestAndWatch(url, shot, firstSeen, { rate: 200, count: 200, offset: 0 }); // warm-up, not counted
    const latency = await ingestAndWatch(url, shot, firstSeen, { rate: 200, count: 2000, offset: 10_000 });
    console.log(
      `ingest→first attempt at 200/s: from request sent p50 ${latency.sent50.toFixed(1)} ms, p99 ${latency.sent99.toFixed(1)} ms; from ack p50 ${latency.ack50.toFixed(1)} ms, p99 ${latency.ack99.toFixed(1)} ms`,
    );
    const burst = await ingestAndWatch(url, shot, firstSeen, { rate: 2000, count: 10_000, offset: 1_000_000 });
    console.log(
      `delivery, 10,000 events ingested at 2,000/s: ${Math.round(burst.deliveredPerSecond).toLocaleString('en')} deliveries/s while ingesting, ${Math.round(burst.drainPerSecond).toLocaleString('en')}/s for the backlog after the last ack; all delivered ${(burst.lastAfterMs / 1000).toFixed(1)} s after the first ingest`,
    );
  });
  receiver.close();
}

async function ingestAndWatch(
  url: string,
  shot: (i: number) => import('./ingest-load.ts').Shot,
  firstSeen: Map<string, number>,
  o: { rate: number; count: number; offset: number },
) {
  const sentAt = new Map<string, { sent: number; ack: number }>();
  const start = performance.now();
  const { Pool } = await import('undici');
  const pool = new Pool(url, { connections: 64 });
  const pending: Promise<void>[] = [];
  for (let i = 0; i < o.count; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const s = shot(o.offset + i);
    const sent = performance.now();
    pending.push(
      pool.request({ method: 'POST', path: s.path, headers: s.headers, body: s.body }).then(async (r) => {
        const body = (await r.body.json()) as { event_ids?: string[] };
        for (const id of body.event_ids ?? []) sentAt.set(id, { sent, ack: performance.now() });
      }),
    );
  }
  await Promise.all(pending);
  await pool.close();
  const deadline = performance.now() + 120_000;
  while ([...sentAt.keys()].some((id) => !firstSeen.has(id))) {
    if (performance.now() > deadline) throw new Error('deliveries did not arrive within 2 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
  const fromSent: number[] = [];
  const fromAck: number[] = [];
  const arrivals: number[] = [];
  for (const [id, t] of sentAt) {
    const seen = firstSeen.get(id) ?? Number.NaN;
    fromSent.push(seen - t.sent);
    fromAck.push(seen - t.ack);
    arrivals.push(seen);
  }
  fromSent.sort((a, b) => a - b);
  fromAck.sort((a, b) => a - b);
  arrivals.sort((a, b) => a - b);
  const first = arrivals[0] ?? 0;
  const last = arrivals.at(-1) ?? 0;
  const lastAck = Math.max(...[...sentAt.values()].map((t) => t.ack));
  const during = arrivals.filter((a) => a <= lastAck);
  const after = arrivals.length - during.length;
  return {
    sent50: percentile(fromSent, 50),
    sent99: percentile(fromSent, 99),
    ack50: percentile(fromAck, 50),
    ack99: percentile(fromAck, 99),
    deliveredPerSecond: during.length / ((lastAck - first) / 1000),
    drainPerSecond: after / ((last - lastAck) / 1000),
    lastAfterMs: last - start,
  };
}

await main();
