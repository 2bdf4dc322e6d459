// Headroom benchmark: `npm run bench:headroom` (builds first). See BENCHMARKS.md.
//
// How much CPU per event can an ingest path spend on this machine and still acknowledge at BENCH_RATE (5,000/s)
// with a low p99? The stand-in of ingest-headroom-server.ts is the gateway's ingest path with the event log
// replaced by a dial: HTTP, the signature check and the hand-off to a worker thread as in the gateway, the JSON
// parsed there, then `work` µs of spinning per delivery for everything the gateway does after the parse. For each
// dial setting (BENCH_WORK_US, default 0,50,100,150), and for the bare fastify endpoint of bench:ingest as the
// baseline, a closed loop for 2 s to warm it up, then an open loop at BENCH_RATE for BENCH_SECONDS after 2 s not
// counted; BENCH_ROUNDS times, alternated.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closedLoop, openLoop } from './ingest-load.ts';
import { prepareGateway, root, SECRET, startChild } from './ingest-setup.ts';
import { byThread, cpuPerRequest, freePort, gatewayFlags, withCpu } from './proxy-processes.ts';

const rate = Number(process.env.BENCH_RATE ?? 5000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const work = (process.env.BENCH_WORK_US ?? '0,50,100,150').split(',').map(Number);
const warmup = 2;

async function main() {
  // Signed captured payloads, as bench:ingest sends them (the stand-in checks the same secret).
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-headroom-'));
  let prepared: Awaited<ReturnType<typeof prepareGateway>>;
  try {
    prepared = await prepareGateway({ SWITCHYARD_DATA_DIR: dir, SWITCHYARD_PORT: String(await freePort()) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `open loop at ${rate.toLocaleString('en')}/s, ${seconds} s measured after ${warmup} s, 256 connections; ${Math.round(prepared.averageBytes)} bytes per payload on average`,
  );
  console.log('work = µs of CPU per delivery after its JSON is parsed on the worker thread\n');
  let offset = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const setting of [undefined, ...work]) {
      const script =
        setting === undefined
          ? path.join(root, 'bench/ingest-bare.ts')
          : path.join(root, 'bench/ingest-headroom-server.ts');
      const child = await startChild(
        script,
        setting === undefined ? {} : { HEADROOM_WORK_US: String(setting), HEADROOM_SECRET: SECRET },
        undefined,
        gatewayFlags(),
      );
      const from = offset;
      offset += 10_000_000;
      try {
        // Warmed up as bench:ingest's servers are before their open loops: a closed loop at full speed first.
        await closedLoop(child.url, (i) => prepared.shot(from + 5_000_000 + i), {
          connections: 32,
          seconds: warmup,
          warmup: 0,
        });
        const run = await withCpu(child.process.pid, () =>
          openLoop(child.url, (i) => prepared.shot(from + i), { rate, seconds, connections: 256, warmup }),
        );
        const r = run.result;
        const label = setting === undefined ? 'bare fastify' : `stand-in, work ${setting} µs`;
        console.log(
          `round ${round} ${label.padEnd(24)} ${Math.round(r.perSecond).toLocaleString('en')} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms, ${r.failed} failed; warm-up p99 ${r.warmupP99.toFixed(2)} ms; CPU per request ${cpuPerRequest(run.cpuMs, r.answered)} (${byThread(run.threads, r.answered)})`,
        );
      } finally {
        await child.stop();
      }
    }
  }
}

await main();
