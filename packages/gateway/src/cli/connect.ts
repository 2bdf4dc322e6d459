import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../config/load.js';
import { AppError } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import { createRuntime } from '../runtime/runtime.js';
import { startConnect } from '../services/connect-start.js';
import { waitForFlow } from '../services/connect-wait.js';
import { requireTenant } from '../services/tenants.js';
import { printRows } from './print.js';

export const CONNECT_HELP = `switchyard connect <provider> [--site <url|cloud id|base url>] [--tenant <id|slug>]
                  [--scopes "<a b c>"] [--name <name>] [--return-url <url>] [--json]

Starts an OAuth 2.0 connection: prints the URL to open in a browser, waits until the sign-in comes back
through the running gateway (SWITCHYARD_PUBLIC_URL must reach it), then prints the connection id(s).
Data Center providers need --site (the base URL). For a token, PAT or access token use
"switchyard connections create" instead.`;

const options = {
  site: { type: 'string' },
  tenant: { type: 'string' },
  scopes: { type: 'string' },
  name: { type: 'string' },
  'return-url': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** `switchyard connect …`: exit code 0 when the connection is made, 1 when the flow failed or expired. */
export async function connectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const provider = positionals[0];
  if (values.help || provider === undefined) {
    if (provider === undefined && !values.help)
      throw new AppError('VALIDATION', `connect needs a provider\n\n${CONNECT_HELP}`);
    process.stdout.write(`${CONNECT_HELP}\n`);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const runtime = await createRuntime(config, logger);
  try {
    const tenant = await requireTenant(runtime.store, values.tenant ?? 'default');
    const started = await startConnect(runtime, tenant.id, provider, {
      ...(values.site === undefined ? {} : { site: values.site }),
      ...(values.scopes === undefined ? {} : { scopes: values.scopes.split(/[\s,]+/).filter(Boolean) }),
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(values['return-url'] === undefined ? {} : { return_url: values['return-url'] }),
    });
    const out = values.json ? process.stderr : process.stdout;
    out.write(`Open this URL in a browser to connect (valid until ${started.expiresAt}):\n${started.authorizeUrl}\n`);
    out.write('Waiting for the sign-in to finish…\n');
    const result = await waitForFlow(runtime.store, started.flowId);
    if ('connection_ids' in result) {
      printRows(values.json ? result : `connected: ${result.connection_ids.join(', ')}`, values.json);
      return 0;
    }
    process.stderr.write(`switchyard: the connection failed: ${result.error}: ${result.error_description}\n`);
    if (values.json) printRows(result, true);
    return 1;
  } finally {
    await runtime.close();
  }
}
