import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AuthMethodId, Connection, ConnectionStatus, CreateConnectionBody, ProviderId } from '@switchyard/sdk';
import pino from 'pino';
import { loadConfig } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import { announceAdminKey } from '../runtime/admin-key-banner.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { bootstrap } from '../services/bootstrap.js';
import { createTokenConnection } from '../services/connection-create.js';
import { deleteConnection, getConnection, listConnections } from '../services/connection-manage.js';
import { testConnection } from '../services/connection-test.js';
import { requireTenant } from '../services/tenants.js';
import { webhookSyncDeps } from '../services/webhook-sync/from-runtime.js';
import { leftBehind, unregisterConnectionWebhooks } from '../services/webhook-sync/unregister.js';
import { printRows } from './print.js';

export const CONNECTIONS_HELP = `switchyard connections list [--provider <id>] [--status <status>]
switchyard connections get <connection-id>
switchyard connections create --provider <id> --auth-type <method> [--base-url <url>] [--site-url <url>]
                              [--email <email> | --username <name>] (--token-env <VAR> | --token-stdin)
                              [--name <name>] [--ca-file <pem file>]
switchyard connections test <connection-id>      exit code 1 when the test fails
switchyard connections delete <connection-id>

Every command takes [--tenant <id|slug>] (default: the default tenant) and [--json].
The secret (token, PAT or password) is read from an environment variable or from stdin, never from the
command line, where shell history and the process list would keep it. The credential is checked with the
vendor before it is saved. Providers and their auth methods: GET /v1/providers.`;

const options = {
  tenant: { type: 'string' },
  provider: { type: 'string' },
  status: { type: 'string' },
  'auth-type': { type: 'string' },
  'base-url': { type: 'string' },
  'site-url': { type: 'string' },
  email: { type: 'string' },
  username: { type: 'string' },
  'token-env': { type: 'string' },
  'token-stdin': { type: 'boolean', default: false },
  name: { type: 'string' },
  'ca-file': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

const usage = (message: string): never => {
  throw new AppError('VALIDATION', `${message}\n\n${CONNECTIONS_HELP}`);
};

async function readSecret(v: Values): Promise<string> {
  if (v['token-env'] !== undefined) {
    const value = process.env[v['token-env']];
    if (value === undefined || value === '') usage(`the environment variable ${v['token-env']} is empty or unset`);
    return value ?? '';
  }
  if (!v['token-stdin']) usage('connections create needs the secret: --token-env <VAR> or --token-stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (secret === '') usage('stdin was empty: pipe the secret in');
  return secret;
}

async function createBody(v: Values): Promise<CreateConnectionBody> {
  const provider = (v.provider ?? usage('connections create needs --provider')) as ProviderId;
  const type = (v['auth-type'] ?? usage('connections create needs --auth-type')) as AuthMethodId;
  const secret = await readSecret(v);
  const usesPassword = type === 'basic' || type === 'app_password';
  const body: CreateConnectionBody = {
    provider,
    auth: {
      type,
      ...(usesPassword ? { password: secret } : { token: secret }),
      ...(v.email === undefined ? {} : { email: v.email }),
      ...(v.username === undefined ? {} : { username: v.username }),
    },
  };
  if (v['base-url'] !== undefined) body.base_url = v['base-url'];
  if (v['site-url'] !== undefined) body.site_url = v['site-url'];
  if (v.name !== undefined) body.name = v.name;
  if (v['ca-file'] !== undefined) body.ca_pem = readFileSync(v['ca-file'], 'utf8');
  return body;
}

/** One table row per connection: what an operator scans for. */
const row = (c: Connection) => ({
  id: c.id,
  provider: c.provider,
  name: c.name,
  auth: c.auth.type,
  account: c.account.name,
  status: c.status,
  url: c.base_url ?? c.site_url,
  last_error: c.last_error,
});

async function dispatch(runtime: Runtime, sub: string | undefined, id: string | undefined, v: Values) {
  const tenantId = (await requireTenant(runtime.store, v.tenant ?? 'default')).id;
  const need = () => id ?? usage(`connections ${sub} needs a connection id`);
  switch (sub) {
    case 'list': {
      const filter = { provider: v.provider, status: v.status as ConnectionStatus | undefined };
      const page = await listConnections(runtime.store, tenantId, filter, 200);
      return { result: v.json ? page.items : page.items.map(row), ok: true };
    }
    case 'get':
      return { result: await getConnection(runtime.store, tenantId, need()), ok: true };
    case 'create': {
      const created = await createTokenConnection(runtime, tenantId, await createBody(v));
      for (const w of created.warnings) process.stderr.write(`warning: ${w}\n`);
      return { result: v.json ? created : row(created), ok: true };
    }
    case 'test': {
      const tested = await testConnection({ ...runtime, credentials: runtime.grants }, tenantId, need());
      return { result: tested, ok: tested.ok };
    }
    case 'delete': {
      // As DELETE /v1/connections/{id}: webhooks registered at the vendor are removed first, best effort.
      const webhooks = await unregisterConnectionWebhooks(webhookSyncDeps(runtime), tenantId, need());
      const note = leftBehind(webhooks);
      if (note !== undefined) process.stderr.write(`warning: ${note}\n`);
      const outcome = await deleteConnection(runtime.store, tenantId, need(), note);
      return { result: v.json ? outcome : outcome.deleted ? 'deleted' : 'already gone', ok: true };
    }
    default:
      return usage(`unknown command: connections ${sub ?? ''}`);
  }
}

/** `switchyard connections …`: exit code 0 on success, 1 when a connection test fails. */
export async function connectionsCommand(argv: string[]): Promise<number> {
  if (argv.some((a) => /^--(token|password)(=|$)/.test(a))) {
    usage('secrets are never taken on the command line: use --token-env <VAR> or --token-stdin');
  }
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${CONNECTIONS_HELP}\n`);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const runtime = await createRuntime(config, logger);
  try {
    const created = await bootstrap(runtime.store);
    if (created !== undefined) announceAdminKey(created, config.dataDir, process.stderr);
    const { result, ok } = await dispatch(runtime, positionals[0], positionals[1], values);
    printRows(result, values.json);
    return ok ? 0 : 1;
  } finally {
    await runtime.close();
  }
}
