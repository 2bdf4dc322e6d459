#!/usr/bin/env node
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import { announceAdminKey } from '../runtime/admin-key-banner.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.js';
import { bootstrap } from '../services/bootstrap.js';
import { createTenant, listTenants, requireTenant } from '../services/tenants.js';
import { migrate } from '../store/connect.js';
import { connectCommand } from './connect.js';
import { connectionsCommand } from './connections.js';
import { printRows } from './print.js';
import { rotateMaster } from './rotate-master.js';

const HELP = `switchyard — the Switchyard gateway

Usage:
  switchyard serve                                  start the HTTP server
  switchyard migrate                                apply pending database migrations
  switchyard tenants create <name> [--slug <slug>]
  switchyard tenants list
  switchyard keys create --name <name> [--tenant <id|slug>] [--admin]
  switchyard keys list [--tenant <id|slug>]
  switchyard keys revoke <key-id>
  switchyard keys rotate-master [--retire-previous]
  switchyard connect <provider> [--site …] [--return-url …]   OAuth connection: see switchyard connect --help
  switchyard connections list|get|create|test|delete  manage connections: see switchyard connections --help

Options: --json (machine-readable output), --help
Configuration comes from the environment: see docs/configuration.md.`;

const options = {
  slug: { type: 'string' },
  name: { type: 'string' },
  tenant: { type: 'string' },
  admin: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  'retire-previous': { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function usage(message: string): never {
  throw new AppError('VALIDATION', `${message}\n\n${HELP}`);
}

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>, opts: { migrateOnly?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const runtime = await createRuntime(config, logger, { migrate: opts.migrateOnly !== true });
  try {
    if (opts.migrateOnly !== true) {
      // A CLI command may be the first thing ever run against a database: create the default tenant and
      // admin key exactly as the server would, announced on stderr so --json output stays parseable.
      const created = await bootstrap(runtime.store);
      if (created !== undefined) announceAdminKey(created, config.dataDir, process.stderr);
    }
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

async function tenants(sub: string | undefined, args: string[], v: Values): Promise<unknown> {
  return withRuntime(async ({ store }) => {
    if (sub === 'create') {
      const name = args[0] ?? usage('tenants create needs a name');
      return createTenant(store, v.slug === undefined ? { name } : { name, slug: v.slug });
    }
    if (sub === 'list') return (await listTenants(store, 200)).items;
    return usage(`unknown command: tenants ${sub ?? ''}`);
  });
}

async function keys(sub: string | undefined, args: string[], v: Values): Promise<unknown> {
  return withRuntime(async (runtime) => {
    const { store } = runtime;
    const tenantId = v.tenant === undefined ? undefined : (await requireTenant(store, v.tenant)).id;
    switch (sub) {
      case 'create': {
        const tenant = tenantId ?? (await requireTenant(store, 'default')).id;
        const name = v.name ?? usage('keys create needs --name');
        return createApiKey(store, { tenantId: tenant, name, role: v.admin ? 'admin' : 'tenant' });
      }
      case 'list':
        return (await listApiKeys(store, tenantId, 200)).items;
      case 'revoke':
        return revokeApiKey(store, args[0] ?? usage('keys revoke needs a key id'), undefined);
      case 'rotate-master':
        return rotateMaster(runtime, v['retire-previous'], (n) => process.stderr.write(`re-wrapped ${n} secrets\n`));
      default:
        return usage(`unknown command: keys ${sub ?? ''}`);
    }
  });
}

async function run(argv: string[]): Promise<void> {
  if (argv[0] === 'connections') {
    process.exitCode = await connectionsCommand(argv.slice(1));
    return;
  }
  if (argv[0] === 'connect') {
    process.exitCode = await connectCommand(argv.slice(1));
    return;
  }
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const [command, sub, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  let result: unknown;
  if (command === 'serve' || command === 'start') {
    const { serve } = await import('../main.js');
    return serve();
  } else if (command === 'migrate') {
    const config = loadConfig();
    const report = await withRuntime(async (rt) => migrate(rt.db, config.database), { migrateOnly: true });
    result = values.json
      ? report
      : report.applied.length === 0
        ? 'database is up to date'
        : `applied migrations: ${report.applied.join(', ')}`;
  } else if (command === 'tenants') {
    result = await tenants(sub, rest, values);
  } else if (command === 'keys') {
    result = await keys(sub, rest, values);
  } else {
    usage(`unknown command: ${command}`);
  }
  printRows(result, values.json);
}

run(process.argv.slice(2)).catch((err: unknown) => {
  const message =
    err instanceof ConfigError || err instanceof AppError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`switchyard: ${message}\n`);
  process.exit(err instanceof ConfigError ? 78 : err instanceof AppError && err.code === 'VALIDATION' ? 64 : 1);
});
