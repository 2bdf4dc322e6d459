import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../', import.meta.url));

export interface Child {
  url: string;
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

function wrap(child: ChildProcess, url: string): Child {
  return {
    url,
    child,
    pid: child.pid as number,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/** Run a bench script (Node strips its types) that prints its URL as its first line. */
export async function startScript(script: string, args: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, [new URL(script, import.meta.url).pathname, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('http'));
      if (line !== undefined) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${out}`)));
  });
  return wrap(child, url);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * The V8 flags `npm start` runs the gateway with (the `start` script of package.json), then those of
 * BENCH_GATEWAY_FLAGS (command-line flags that NODE_OPTIONS refuses, e.g. `--trace-gc`; a later flag wins).
 */
export function gatewayFlags(): string[] {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: { start: string } };
  const extra = (process.env.BENCH_GATEWAY_FLAGS ?? '').split(' ').filter((a) => a !== '');
  return [...pkg.scripts.start.split(' ').filter((a) => a.startsWith('--')), ...extra];
}

/** The built gateway (packages/gateway/dist/main.js), as `npm start` runs it, with `env` over a clean environment. */
export async function startGateway(env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [...gatewayFlags(), `${root}packages/gateway/dist/main.js`], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, SWITCHYARD_PORT: String(port) },
    // BENCH_GATEWAY_STDOUT=1 shows the gateway's standard output (its log, `--trace-gc`).
    stdio: ['ignore', process.env.BENCH_GATEWAY_STDOUT === '1' ? 'inherit' : 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 400) throw new Error('the gateway did not start within 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return wrap(child, url);
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  return cpuMsOfStat(`/proc/${pid}/stat`);
}

function cpuMsOfStat(file: string): number {
  const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time per thread name of a process, in ms (Linux /proc): `node` is the main thread, worker threads carry
 * the names they were started with (`switchyard-ingest`, …), V8's and libuv's helpers theirs. Threads that
 * share a name are added up; a thread that exits between two reads takes its time with it.
 */
export function threadCpuMsOf(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      byName.set(name, (byName.get(name) ?? 0) + cpuMsOfStat(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread exited meanwhile
    }
  }
  return byName;
}

/** Sample a process's RSS every `everyMs`; the stop function answers the peak seen. */
export function watchRss(pid: number, everyMs = 50): () => number {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssOf(pid));
  };
}

/** Runs `load` and answers its result with the CPU time `pid` spent meanwhile, in all and per thread name. */
export async function withCpu<T>(
  pid: number | undefined,
  load: () => Promise<T>,
): Promise<{ result: T; cpuMs?: number; threads?: Map<string, number> }> {
  // Where there is no /proc (not Linux), the result alone.
  const cpu = () => {
    try {
      return pid === undefined ? undefined : { all: cpuMsOf(pid), threads: threadCpuMsOf(pid) };
    } catch {
      return undefined;
    }
  };
  const before = cpu();
  const result = await load();
  const after = cpu();
  if (before === undefined || after === undefined) return { result };
  const threads = new Map<string, number>();
  for (const [name, ms] of after.threads) threads.set(name, ms - (before.threads.get(name) ?? 0));
  return { result, cpuMs: after.all - before.all, threads };
}

/** CPU time per request answered, `212 µs` (`n/a` where it could not be read). */
export function cpuPerRequest(cpuMs: number | undefined, answered: number): string {
  return cpuMs === undefined ? 'n/a' : `${Math.round((cpuMs * 1000) / answered)} µs`;
}

/** `node 120, switchyard-ingest 150, …` µs per request answered, busiest first; threads under 5 µs left out. */
export function byThread(threads: Map<string, number> | undefined, answered: number): string {
  if (threads === undefined) return 'n/a';
  const shown = [...threads]
    .map(([name, ms]) => [name, (ms * 1000) / answered] as const)
    .filter(([, us]) => us >= 5)
    .sort((a, b) => b[1] - a[1]);
  return shown.map(([name, us]) => `${name} ${Math.round(us)}`).join(', ');
}
