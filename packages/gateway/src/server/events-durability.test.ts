import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SwitchyardClient } from '@switchyard/sdk';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../logging/logger.js';
import { createRuntime } from '../runtime/runtime.js';
import { bootstrap } from '../services/bootstrap.js';
import { createHook } from '../services/hooks.js';
import { seedConnection } from '../test-support/event-fixtures.js';
import { type GatewayChild, startGatewayChild } from '../test-support/gateway-child.js';
import { LogCapture } from '../test-support/harness.js';
import { fixtureBytes, TEST_SECRET } from '../test-support/webhook-fixtures.js';
import { hubSignature } from '../webhooks/verify-hmac.js';

/**
 * A gateway child process on SQLite is killed with SIGKILL in the middle of an ingest load, then restarted on the
 * same data dir: every delivery that was answered 2xx must be in the event log, with its raw body.
 */
describe('ingest durability across SIGKILL (SQLite, built gateway)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-durability-'));
  const env = {
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_LOG_LEVEL: 'warn',
    SWITCHYARD_KEEPALIVE_INTERVAL_SECONDS: '0',
  };
  let child: GatewayChild | undefined;
  afterAll(async () => {
    await child?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event', async () => {
    // Prepare the database the child will open: tenant, admin key, a connection and its hook.
    const runtime = await createRuntime(loadConfig(env), createLogger('warn', new LogCapture()));
    const admin = await bootstrap(runtime.store);
    if (admin === undefined) throw new Error('no bootstrap');
    const connectionId = await seedConnection(runtime, admin.tenant.id, 'bitbucket-dc');
    const hook = await createHook({ ...runtime, hooks: runtime.events.hooks }, admin.tenant.id, connectionId, {
      secret: TEST_SECRET,
    });
    await runtime.close();

    child = await startGatewayChild(env);
    const body = fixtureBytes('bitbucket-server/pr_opened.json');
    const signature = hubSignature(body, TEST_SECRET);
    const ingestPath = new URL(hook.url).pathname;
    const acked = new Set<string>();
    let sent = 0;
    let failed = 0;
    const agent = new Agent({ connections: 64 });
    const target = child.url;
    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        sent++;
        try {
          const res = await request(`${target}${ingestPath}`, {
            method: 'POST',
            dispatcher: agent,
            body,
            headers: {
              'content-type': 'application/json',
              'x-event-key': 'pr:opened',
              'x-request-id': `load-${w}-${i}`,
              'x-hub-signature': signature,
            },
          });
          const answer = (await res.body.json()) as { event_ids?: string[] };
          if (res.statusCode === 200) for (const id of answer.event_ids ?? []) acked.add(id);
        } catch {
          failed++; // the connection died with the process: not acknowledged, so not owed
          return;
        }
      }
    };
    const load = Promise.all(Array.from({ length: 32 }, (_, w) => worker(w)));
    while (acked.size < 1500) await new Promise((r) => setTimeout(r, 10));
    await child.kill();
    await load;
    await agent.close();
    expect(failed).toBeGreaterThan(0);

    child = await startGatewayChild(env);
    const client = new SwitchyardClient({ baseUrl: child.url, apiKey: admin.adminKey.key });
    const stored = new Set<string>();
    // With the raw bodies, which live in files of their own next to the database (store/raw-files.ts).
    const expected = JSON.parse(body.toString('utf8')) as unknown;
    let wrongRaw = 0;
    for await (const event of client.all((q) => client.events.list({ ...q, include: 'raw' }), 200)) {
      stored.add(event.id);
      if (acked.has(event.id) && !isDeepStrictEqual(event.raw, expected)) wrongRaw++;
    }
    expect(wrongRaw).toBe(0);
    const missing = [...acked].filter((id) => !stored.has(id));
    expect({ acknowledged: acked.size, missing: missing.length }).toEqual({ acknowledged: acked.size, missing: 0 });
    expect(stored.size).toBeGreaterThanOrEqual(acked.size);
    expect(stored.size).toBeLessThanOrEqual(sent);
    expect(await child.stop()).toBe(0);
    child = undefined;
  }, 60_000);
});
