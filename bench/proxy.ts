import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LoadResult, runLoad } from './proxy-load.ts';
import { type Child, cpuMsOf, rssOf, startGateway, startScript, watchRss } from './proxy-processes.ts';
import { streamThrough } from './proxy-stream.ts';

/**
 * Proxy throughput and memory (issue 4). Three targets measured in the same run, each in its own process,
 * on the same machine as the load generator:
 *   (a) the upstream called directly: the limit;
 *   (b) a bare @fastify/http-proxy forwarder that adds one header: the baseline;
 *   (c) the gateway's proxy (built dist/main.js): API key, connection and credential, budget, breaker,
 *       refresh-after-401 path, header filtering, metrics.
 * Then the gateway's RSS under load and the RSS a 100 MB body adds, streamed each way.
 *
 * Run with `npm run bench:proxy` (builds first). BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS,
 * BENCH_LOG_LEVEL (the gateway's SWITCHYARD_LOG_LEVEL, default warn), BENCH_GATEWAY_NODE_OPTIONS (the
 * gateway's NODE_OPTIONS), BENCH_GATEWAY_FLAGS (node flags after `npm start`'s, e.g. `--trace-gc`) and
 * BENCH_GATEWAY_STDOUT=1 (the gateway's standard output shown) adjust it.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const GATEWAY_NODE_OPTIONS = process.env.BENCH_GATEWAY_NODE_OPTIONS ?? '';
const MB = 1024 * 1024;
const ISSUE = '/rest/api/2/issue/PROJ-1';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function createConnection(gateway: Child, adminKey: string, upstream: string): Promise<string> {
  const res = await fetch(`${gateway.url}/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'jira-dc',
      name: 'bench',
      base_url: upstream,
      auth: { type: 'personal_access_token', token: 'bench-personal-access-token' },
    }),
  });
  if (res.status !== 201) throw new Error(`creating the connection failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

interface Target {
  name: 'a' | 'b' | 'c';
  label: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
  pid: number;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  rss: number;
  cpuUs: number;
}

function row(label: string, r: Measured) {
  const latency = `p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms`;
  const cost = `CPU ${r.cpuUs.toFixed(0).padStart(4)} µs/req  RSS peak ${(r.rss / MB).toFixed(0)} MB`;
  return `${label.padEnd(30)} ${r.rps.toFixed(0).padStart(6)} req/s  ${latency}  ${cost}`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-bench-'));
  const upstream = await startScript('./proxy-upstream.ts');
  const forwarder = await startScript('./proxy-forwarder.ts', [upstream.url]);
  const gateway = await startGateway({
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_LOG_LEVEL: LOG_LEVEL,
    SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
    SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
    // The budget is on the hot path but never the limit here.
    SWITCHYARD_BUDGETS: 'jira-dc=1000000/s:1000000',
    ...(GATEWAY_NODE_OPTIONS === '' ? {} : { NODE_OPTIONS: GATEWAY_NODE_OPTIONS }),
  });
  try {
    const adminKey = readFileSync(path.join(dataDir, 'admin-key.txt'), 'utf8').trim();
    const id = await createConnection(gateway, adminKey, upstream.url);
    const targets: Target[] = [
      { name: 'a', label: '(a) upstream direct', origin: upstream.url, path: ISSUE, headers: {}, pid: upstream.pid },
      {
        name: 'b',
        label: '(b) bare @fastify/http-proxy',
        origin: forwarder.url,
        path: `/v1/connections/${id}/proxy${ISSUE}`,
        headers: {},
        pid: forwarder.pid,
      },
      {
        name: 'c',
        label: '(c) switchyard proxy',
        origin: gateway.url,
        path: `/v1/connections/${id}/proxy${ISSUE}`,
        headers: { authorization: `Bearer ${adminKey}` },
        pid: gateway.pid,
      },
    ];
    console.log(
      `proxy benchmark: ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s per target, node ${process.version}, gateway log level ${LOG_LEVEL}${GATEWAY_NODE_OPTIONS === '' ? '' : `, gateway NODE_OPTIONS ${GATEWAY_NODE_OPTIONS}`}`,
    );
    const results = new Map<string, Array<LoadResult & { rss: number; cpuUs: number }>>();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const t of targets) {
        const stop = watchRss(t.pid);
        const cpuBefore = cpuMsOf(t.pid);
        const r = await runLoad({
          origin: t.origin,
          path: t.path,
          headers: t.headers,
          connections: CONNECTIONS,
          durationMs: SECONDS * 1000,
          warmUpMs: 1500,
        });
        const rss = stop();
        // The warm-up is counted in the CPU time: divide by every request the target served.
        const served = r.requests + r.warmUpRequests;
        const cpuUs = ((cpuMsOf(t.pid) - cpuBefore) * 1000) / served;
        if (r.errors > 0) throw new Error(`${t.label}: ${r.errors} failed requests`);
        results.set(t.name, [...(results.get(t.name) ?? []), { ...r, rss, cpuUs }]);
        console.log(`  round ${round} ${row(t.label, { rps: r.rps, p50: r.p50Ms, p99: r.p99Ms, rss, cpuUs })}`);
      }
    }
    const summary = Object.fromEntries(
      targets.map((t) => {
        const rs = results.get(t.name) ?? [];
        return [
          t.name,
          {
            rps: median(rs.map((r) => r.rps)),
            p50: median(rs.map((r) => r.p50Ms)),
            p99: median(rs.map((r) => r.p99Ms)),
            rss: Math.max(...rs.map((r) => r.rss)),
            cpuUs: median(rs.map((r) => r.cpuUs)),
          },
        ];
      }),
    ) as Record<'a' | 'b' | 'c', Measured>;
    console.log('\nmedians');
    for (const t of targets) console.log(`  ${row(t.label, summary[t.name])}`);
    const { a, b, c } = summary;
    console.log(`\n  c/b throughput ${(c.rps / b.rps).toFixed(2)}  (target ≥ 1.00)`);
    console.log(`  c/a throughput ${(c.rps / a.rps).toFixed(2)}  (b/a ${(b.rps / a.rps).toFixed(2)})`);
    console.log(`  c/b p99        ${(c.p99 / b.p99).toFixed(2)}  (target ≤ 1.20)`);
    console.log(
      `  c/b CPU per request ${(c.cpuUs / b.cpuUs).toFixed(2)}  (the cost that sets the ratios on shared cores)`,
    );
    console.log(`  gateway RSS under load ${(c.rss / MB).toFixed(0)} MB (target ≤ 200 MB)`);
    const idle = rssOf(gateway.pid);
    const gw = `${gateway.url}/v1/connections/${id}/proxy`;
    const down = await streamThrough(gateway.pid, `${gw}/download/${100 * MB}`, adminKey, 'GET');
    const up = await streamThrough(gateway.pid, `${gw}/rest/api/2/attachments`, adminKey, 'POST', 100 * MB);
    const fw = `${forwarder.url}/v1/connections/${id}/proxy`;
    const fwDown = await streamThrough(forwarder.pid, `${fw}/download/${100 * MB}`, adminKey, 'GET');
    console.log(`\n  gateway RSS after the load ${(idle / MB).toFixed(0)} MB`);
    console.log(`  100 MB download through the gateway: +${(down / MB).toFixed(1)} MB RSS (target ≤ 16 MB)`);
    console.log(`  100 MB upload through the gateway:   +${(up / MB).toFixed(1)} MB RSS (target ≤ 16 MB)`);
    console.log(`  100 MB download through (b):         +${(fwDown / MB).toFixed(1)} MB RSS`);
  } finally {
    await Promise.all([gateway.stop(), forwarder.stop(), upstream.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
