import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../logging/logger.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { bootstrap } from '../services/bootstrap.js';
import { LogCapture, type TestEnv, testEnv } from './harness.js';

/**
 * Built gateways (`dist/main.js`, so `npm run build` first) running as child processes over one
 * PostgreSQL schema, for the refresh tests that need real processes: replicas racing for one grant, and
 * a gateway killed with SIGKILL in the middle of a refresh. The test itself holds a runtime over the
 * same schema and master key to seed grants and read what the children wrote.
 */
const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
}

export interface SharedDatabase {
  env: TestEnv;
  runtime: Runtime;
  adminKey: string;
  close(): Promise<void>;
}

/** A fresh PostgreSQL schema (migrated, bootstrapped) that gateway processes and the test share. */
export async function sharedDatabase(extra: Record<string, string>): Promise<SharedDatabase> {
  const env = testEnv('postgres', { SWITCHYARD_LOG_LEVEL: 'warn', ...extra });
  const runtime = await createRuntime(loadConfig(env.env), createLogger('warn', new LogCapture()));
  const created = await bootstrap(runtime.store);
  if (created === undefined) throw new Error('bootstrap did not run on a fresh schema');
  return {
    env,
    runtime,
    adminKey: created.adminKey.key,
    close: async () => {
      await runtime.close();
      await env.cleanup();
    },
  };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Start `dist/main.js` on a free port over the shared database; resolves once /healthz answers. */
export async function startGatewayProcess(db: SharedDatabase): Promise<GatewayProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...db.env.env,
    SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-proc-')),
    SWITCHYARD_PORT: String(port),
    SWITCHYARD_KEEPALIVE_INTERVAL_SECONDS: '0',
  };
  const child = spawn(process.execPath, [MAIN_JS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (c: Buffer) => {
    out += c.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${out}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`gateway did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    output: () => out,
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/** POST /v1/connections/{id}/test on a gateway process; a dropped connection answers { dropped: true }. */
export async function testConnectionAt(
  gw: GatewayProcess,
  adminKey: string,
  connectionId: string,
): Promise<{ status: number; body: Record<string, unknown> } | { dropped: true }> {
  try {
    const res = await fetch(`${gw.url}/v1/connections/${connectionId}/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return { dropped: true };
  }
}
