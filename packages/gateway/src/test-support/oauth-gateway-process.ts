import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../logging/logger.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { bootstrap } from '../services/bootstrap.js';
import { type GatewayChild, startGatewayChild } from './gateway-child.js';
import { LogCapture, type TestEnv, testEnv } from './harness.js';

/**
 * Built gateways (`dist/main.js`, so `npm run build` first) running as child processes over one
 * PostgreSQL schema, for the refresh tests that need real processes: replicas racing for one grant, and
 * a gateway killed with SIGKILL in the middle of a refresh. The test itself holds a runtime over the
 * same schema and master key to seed grants and read what the children wrote.
 */
export type GatewayProcess = GatewayChild;

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

/** Start `dist/main.js` on a free port over the shared database; resolves once /healthz answers. */
export function startGatewayProcess(db: SharedDatabase): Promise<GatewayProcess> {
  return startGatewayChild({
    ...db.env.env,
    SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-proc-')),
    SWITCHYARD_KEEPALIVE_INTERVAL_SECONDS: '0',
  });
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
