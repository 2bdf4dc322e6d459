import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Child, rssOf, startGateway, startScript, watchRss } from './proxy-processes.ts';

/**
 * Memory of a large export (issue 4): every issue of a 50,000-issue query streamed through the gateway's
 * search iterator (`GET …/jira/issues/export`, NDJSON) from a local paginated Jira Data Center, measured as the
 * gateway's peak RSS over its own RSS after a warm-up export in the same run. Once at full speed, once with a
 * slow reader (back-pressure must hold the export back rather than buffer it).
 *
 * Run with `npm run bench:export` (builds first). BENCH_ISSUES (default 50,000) and BENCH_SLOW_ISSUES
 * (default 10,000) and BENCH_GATEWAY_NODE_OPTIONS (the gateway's NODE_OPTIONS) adjust it.
 */
const ISSUES = Number(process.env.BENCH_ISSUES ?? 50_000);
const SLOW_ISSUES = Number(process.env.BENCH_SLOW_ISSUES ?? 10_000);
const GATEWAY_NODE_OPTIONS = process.env.BENCH_GATEWAY_NODE_OPTIONS ?? '';
const MB = 1024 * 1024;

async function createConnection(gateway: Child, adminKey: string, upstream: string): Promise<string> {
  const res = await fetch(`${gateway.url}/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'jira-dc',
      name: 'export bench',
      base_url: upstream,
      auth: { type: 'personal_access_token', token: 'bench-personal-access-token' },
    }),
  });
  if (res.status !== 201) throw new Error(`creating the connection failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

interface ExportRun {
  issues: number;
  bytes: number;
  seconds: number;
  complete: boolean;
}

/** Read one export to its end line, counting issues; `pauseMs` after every 64 KiB chunk makes a slow reader. */
async function runExport(url: string, adminKey: string, pauseMs = 0): Promise<ExportRun> {
  const started = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${adminKey}` } });
  if (res.status !== 200 || res.body === null) throw new Error(`export failed: ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let rest = '';
  let issues = 0;
  let bytes = 0;
  let complete = false;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    rest += decoder.decode(chunk, { stream: true });
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line.startsWith('{"issue"')) issues++;
      else if (line.startsWith('{"end"')) complete = (JSON.parse(line) as { end: { complete: boolean } }).end.complete;
      nl = rest.indexOf('\n');
    }
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return { issues, bytes, seconds: (performance.now() - started) / 1000, complete };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-bench-'));
  const upstream = await startScript('./jira-export-upstream.ts', [String(ISSUES)]);
  const gateway = await startGateway({
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_LOG_LEVEL: 'warn',
    SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
    SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
    SWITCHYARD_BUDGETS: 'jira-dc=1000000/s:1000000',
    ...(GATEWAY_NODE_OPTIONS === '' ? {} : { NODE_OPTIONS: GATEWAY_NODE_OPTIONS }),
  });
  try {
    const adminKey = readFileSync(path.join(dataDir, 'admin-key.txt'), 'utf8').trim();
    const id = await createConnection(gateway, adminKey, upstream.url);
    const url = (max: number) =>
      `${gateway.url}/v1/connections/${id}/jira/issues/export?jql=${encodeURIComponent('project = EXP')}&max=${max}`;
    console.log(`Jira export benchmark: ${ISSUES} issues, node ${process.version}`);

    // Warm-up: the first export sizes the heap and compiles the path; the baseline is taken after it settles.
    await runExport(url(5_000), adminKey);
    await new Promise((r) => setTimeout(r, 1000));
    const base = rssOf(gateway.pid);

    const stopFull = watchRss(gateway.pid, 20);
    const full = await runExport(url(ISSUES), adminKey);
    const peakFull = stopFull();

    await new Promise((r) => setTimeout(r, 1000));
    const baseSlow = rssOf(gateway.pid);
    const stopSlow = watchRss(gateway.pid, 20);
    const slow = await runExport(url(SLOW_ISSUES), adminKey, 20);
    const peakSlow = stopSlow();

    const mb = (b: number) => `${(b / MB).toFixed(1)} MB`;
    console.log(`gateway RSS after warm-up (baseline): ${mb(base)}`);
    console.log(
      `full-speed export: ${full.issues} issues (${mb(full.bytes)} of NDJSON) in ${full.seconds.toFixed(1)} s = ` +
        `${(full.issues / full.seconds).toFixed(0)} issues/s, complete ${full.complete}; ` +
        `peak RSS ${mb(peakFull)} = baseline + ${mb(peakFull - base)} (target ≤ 50 MB)`,
    );
    console.log(
      `slow reader: ${slow.issues} issues in ${slow.seconds.toFixed(1)} s, complete ${slow.complete}; ` +
        `peak RSS ${mb(peakSlow)} = baseline + ${mb(peakSlow - baseSlow)}`,
    );
    if (full.issues !== ISSUES || !full.complete) throw new Error('the export lost issues');
  } finally {
    await gateway.stop();
    await upstream.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
