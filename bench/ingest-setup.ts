import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger, createRuntime, loadConfig } from '../packages/gateway/dist/index.js';
import { bootstrap } from '../packages/gateway/dist/services/bootstrap.js';
import { createHook } from '../packages/gateway/dist/services/hooks.js';
import { newId, nowIso } from '../packages/gateway/dist/store/ids.js';
import { hubSignature } from '../packages/gateway/dist/webhooks/verify-hmac.js';
import type { Shot } from './ingest-load.ts';

export const root = path.resolve(import.meta.dirname, '..');
export const fixtures = path.resolve(root, '../shared/atlassian/webhooks');
export const SECRET = 'bench-webhook-secret';

/** The captured payloads, by the connection provider whose hook receives them, with their vendor headers. */
export const CAPTURES: Array<{ provider: string; file: string; key: string | null; idHeader: string }> = [
  ...['pullrequest_created', 'pullrequest_updated', 'pullrequest_approved', 'pullrequest_fulfilled'].map((f) => ({
    provider: 'bitbucket-cloud',
    file: `bitbucket-cloud/${f}.json`,
    key: f.replace('_', ':'),
    idHeader: 'x-request-uuid',
  })),
  {
    provider: 'bitbucket-cloud',
    file: 'bitbucket-cloud/pullrequest_comment_created.json',
    key: 'pullrequest:comment_created',
    idHeader: 'x-request-uuid',
  },
  { provider: 'bitbucket-cloud', file: 'bitbucket-cloud/repo_push.json', key: 'repo:push', idHeader: 'x-request-uuid' },
  { provider: 'bitbucket-dc', file: 'bitbucket-server/pr_opened.json', key: 'pr:opened', idHeader: 'x-request-id' },
  {
    provider: 'bitbucket-dc',
    file: 'bitbucket-server/pr_from_ref_updated.json',
    key: 'pr:from_ref_updated',
    idHeader: 'x-request-id',
  },
  {
    provider: 'bitbucket-dc',
    file: 'bitbucket-server/pr_comment_added.json',
    key: 'pr:comment:added',
    idHeader: 'x-request-id',
  },
  {
    provider: 'bitbucket-dc',
    file: 'bitbucket-server/repo_refs_changed.json',
    key: 'repo:refs_changed',
    idHeader: 'x-request-id',
  },
  {
    provider: 'atlassian-cloud',
    file: 'jira-cloud/jira_issue_created.json',
    key: null,
    idHeader: 'x-atlassian-webhook-identifier',
  },
  {
    provider: 'atlassian-cloud',
    file: 'jira-cloud/jira_issue_updated.json',
    key: null,
    idHeader: 'x-atlassian-webhook-identifier',
  },
  {
    provider: 'atlassian-cloud',
    file: 'jira-cloud/comment_created.json',
    key: null,
    idHeader: 'x-atlassian-webhook-identifier',
  },
];

interface Prepared {
  adminKey: string;
  /** The i-th delivery: a captured payload, signed, with a delivery id of its own. */
  shot: (i: number) => Shot;
  averageBytes: number;
}

/** A fresh SQLite data dir with a tenant, one connection and hook per product, and the captured payloads signed. */
export async function prepareGateway(env: Record<string, string>): Promise<Prepared> {
  const runtime = await createRuntime(loadConfig(env), createLogger('warn'));
  const admin = await bootstrap(runtime.store);
  if (admin === undefined) throw new Error('the bench data dir is not empty');
  const hooks = new Map<string, string>();
  for (const provider of new Set(CAPTURES.map((c) => c.provider))) {
    const connectionId = await seedConnection(runtime, admin.tenant.id, provider);
    const hook = await createHook({ ...runtime, hooks: runtime.events.hooks }, admin.tenant.id, connectionId, {
      secret: SECRET,
    });
    hooks.set(provider, new URL(hook.url).pathname);
  }
  await runtime.close();
  const bodies = CAPTURES.map((c) => {
    // The captures are pretty-printed by the test suites they come from; bitbucket.org sends compact JSON (the one
    // unmodified capture, repo_push.signed.json, is). BENCH_COMPACT=1 sends them compact, as the vendors would.
    const captured = readFileSync(path.join(fixtures, c.file));
    const body =
      process.env.BENCH_COMPACT === '1' ? Buffer.from(JSON.stringify(JSON.parse(captured.toString('utf8')))) : captured;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-hub-signature': hubSignature(body, SECRET),
    };
    if (c.key !== null) headers['x-event-key'] = c.key;
    return { body, headers, idHeader: c.idHeader, path: hooks.get(c.provider) ?? '' };
  });
  const averageBytes = bodies.reduce((n, b) => n + b.body.length, 0) / bodies.length;
  const run = Date.now().toString(36);
  return {
    adminKey: admin.adminKey.key,
    averageBytes,
    shot: (i) => {
      const b = bodies[i % bodies.length];
      if (b === undefined) throw new Error('no payload');
      return { path: b.path, body: b.body, headers: { ...b.headers, [b.idHeader]: `bench-${run}-${i}` } };
    },
  };
}

async function seedConnection(runtime: Awaited<ReturnType<typeof createRuntime>>, tenantId: string, provider: string) {
  const at = nowIso();
  const grantId = newId('grt');
  const id = newId('con');
  const common = {
    tenant_id: tenantId,
    provider,
    status: 'active' as const,
    scopes: '[]',
    last_used_at: null,
    last_error: null,
    created_at: at,
    updated_at: at,
  };
  await runtime.store.connections.insertGrant({
    ...common,
    id: grantId,
    auth_type: 'bearer',
    oauth_app_id: null,
    username: null,
    version: 1,
    expires_at: null,
    refreshed_at: null,
    consented_at: null,
    lease_owner: null,
    lease_until: null,
  });
  await runtime.store.connections.insertConnection({
    ...common,
    id,
    grant_id: grantId,
    name: provider,
    site_url: null,
    cloud_id: null,
    account_id: null,
    account_name: null,
    products: '[]',
    auth_hint: null,
    ca_pem: null,
    metadata: '{}',
  });
  return id;
}

export interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Start a node script as a child process; `ready` reads its URL from its output or polls `healthUrl`. */
export async function startChild(
  script: string,
  env: Record<string, string>,
  port?: number,
  flags: readonly string[] = [],
): Promise<Child> {
  const child = spawn(process.execPath, [...flags, script], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url: string;
  if (port === undefined) {
    const first = await new Promise<string>((resolve) =>
      child.stdout?.once('data', (c: Buffer) => resolve(c.toString())),
    );
    url = `http://127.0.0.1:${first.trim()}`;
  } else {
    url = `http://127.0.0.1:${port}`;
    for (
      let tries = 0;
      !(await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));
      tries++
    ) {
      if (tries > 400) throw new Error(`${script} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // The rest (the gateway's JSON log lines, `--trace-gc`) is shown with BENCH_GATEWAY_STDOUT=1, else discarded.
  if (process.env.BENCH_GATEWAY_STDOUT === '1') child.stdout?.pipe(process.stderr);
  else child.stdout?.resume();
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
