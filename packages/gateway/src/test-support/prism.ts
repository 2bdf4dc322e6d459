import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type MockName, prepareSpec } from './prism-specs.js';

/**
 * Prism mock servers (@stoplight/prism-cli) over the Atlassian specs, started on demand, once each, on free
 * ports of 127.0.0.1. Prism validates every request against the spec: a violation is answered 400/422 with
 * the reasons in an `sl-violations` header (see prism-client.ts, which fails the test on it).
 */
const READY_TIMEOUT_MS = 90_000;

const prismCli = () => createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Running {
  url: string;
  child: ChildProcess;
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < READY_TIMEOUT_MS) {
    if (child.exitCode !== null) throw new Error(`Prism exited with ${child.exitCode}: ${output().slice(-2000)}`);
    try {
      await fetch(`${url}/__ready`, { signal: AbortSignal.timeout(1000) });
      return; // any HTTP answer (Prism's "no path matched" 404) means it listens
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Prism did not start within ${READY_TIMEOUT_MS} ms: ${output().slice(-2000)}`);
}

export class PrismMocks {
  readonly #dir = mkdtempSync(path.join(tmpdir(), 'switchyard-prism-'));
  readonly #running = new Map<MockName, Promise<Running>>();

  /** The base URL of each named mock, starting those not running yet (in parallel). */
  async urls(names: readonly MockName[]): Promise<Record<string, string>> {
    const found = await Promise.all(names.map(async (name) => [name, (await this.#start(name)).url] as const));
    return Object.fromEntries(found);
  }

  #start(name: MockName): Promise<Running> {
    let running = this.#running.get(name);
    if (running === undefined) {
      running = this.#spawn(name);
      this.#running.set(name, running);
      running.catch(() => this.#running.delete(name));
    }
    return running;
  }

  async #spawn(name: MockName): Promise<Running> {
    const spec = prepareSpec(name, this.#dir);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const args = [prismCli(), 'mock', '--host', '127.0.0.1', '--port', String(port), '--errors', 'false'];
      if (spec.dynamic) args.push('--dynamic', '--seed', 'switchyard');
      args.push('--verboseLevel', 'warn', spec.file);
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const keep = (chunk: Buffer) => {
        out = (out + chunk.toString('utf8')).slice(-8000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitReady(url, child, () => out);
        return { url, child };
      } catch (err) {
        child.kill('SIGKILL');
        // Another process may have taken the port between the probe and Prism's listen: try another.
        if (attempt < 3 && /EADDRINUSE/.test(out)) continue;
        throw new Error(`Prism mock ${name}: ${(err as Error).message}`);
      }
    }
  }

  /** Stop every mock and remove the test copies. */
  async stop(): Promise<void> {
    const all = await Promise.allSettled([...this.#running.values()]);
    this.#running.clear();
    await Promise.all(
      all.map(async (r) => {
        if (r.status !== 'fulfilled' || r.value.child.exitCode !== null) return;
        const child = r.value.child;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }),
    );
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
