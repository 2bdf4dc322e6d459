import { z } from 'zod';
import { parseBudgets } from '../http/budget-config.js';
import { DEFAULT_SCHEDULE, parseSchedule } from '../webhooks/outbox/schedule.js';

/**
 * Every setting the gateway reads, one entry per environment variable. The schema is built from this
 * list and docs/configuration.md is checked against it by a test: add a variable here and there.
 */
export interface ConfigVariable {
  env: string;
  /** The default as written in the docs ('' = unset). */
  default: string;
  schema: z.ZodType;
  /** Other names accepted for the same setting (read when the main name is unset). */
  aliases?: readonly string[];
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const base64Key = z
  .string()
  .refine(
    (v) => Buffer.from(v, 'base64').length === 32,
    'expected 32 bytes encoded as base64 (openssl rand -base64 32)',
  );
const list = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((v) =>
      v
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item))
    .optional();
const httpUrl = z.url({ protocol: /^https?$/ });
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const budgets = z
  .string()
  .transform((v, ctx) => {
    try {
      return parseBudgets(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  })
  .optional();
const schedule = z.string().transform((v, ctx) => {
  try {
    return parseSchedule(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

export const variables = {
  host: { env: 'SWITCHYARD_HOST', default: '127.0.0.1', schema: z.string().min(1) },
  port: { env: 'SWITCHYARD_PORT', default: '3001', schema: int(0, 65535) },
  publicUrl: { env: 'SWITCHYARD_PUBLIC_URL', default: '', schema: z.url({ protocol: /^https?$/ }).optional() },
  dataDir: { env: 'SWITCHYARD_DATA_DIR', default: './data', schema: z.string().min(1) },
  databaseUrl: {
    env: 'DATABASE_URL',
    default: '',
    schema: z
      .string()
      .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'expected postgres://… or sqlite:<path>')
      .optional(),
  },
  databaseSchema: {
    env: 'DATABASE_SCHEMA',
    default: 'public',
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier'),
  },
  databasePoolMax: { env: 'DATABASE_POOL_MAX', default: '10', schema: int(1, 200) },
  sqliteBusyTimeoutMs: { env: 'SWITCHYARD_SQLITE_BUSY_TIMEOUT_MS', default: '5000', schema: int(0, 600000) },
  ingestThread: { env: 'SWITCHYARD_INGEST_THREAD', default: 'true', schema: bool },
  sqliteRawFiles: { env: 'SWITCHYARD_SQLITE_RAW_FILES', default: 'true', schema: bool },
  masterKey: { env: 'SWITCHYARD_MASTER_KEY', default: '', schema: base64Key.optional() },
  previousMasterKeys: {
    env: 'SWITCHYARD_PREVIOUS_MASTER_KEYS',
    default: '',
    schema: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(base64Key))
      .optional(),
  },
  logLevel: { env: 'SWITCHYARD_LOG_LEVEL', default: 'info', schema: logLevel },
  corsOrigins: {
    env: 'SWITCHYARD_CORS_ORIGINS',
    default: '',
    schema: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url()))
      .optional(),
  },
  bodyLimitBytes: { env: 'SWITCHYARD_BODY_LIMIT_BYTES', default: '1048576', schema: int(1024, 1024 * 1024 * 1024) },
  trustProxy: { env: 'SWITCHYARD_TRUST_PROXY', default: 'false', schema: bool },
  shutdownTimeoutMs: { env: 'SWITCHYARD_SHUTDOWN_TIMEOUT_MS', default: '10000', schema: int(0, 600000) },
  metricsEnabled: { env: 'SWITCHYARD_METRICS', default: 'true', schema: bool },
  configFile: { env: 'SWITCHYARD_CONFIG_FILE', default: '', schema: z.string().optional() },
  // Connections and OAuth
  stateSigningSecret: { env: 'STATE_SIGNING_SECRET', default: '', schema: z.string().min(32).optional() },
  atlassianClientId: { env: 'ATLASSIAN_CLIENT_ID', default: '', schema: z.string().min(1).optional() },
  atlassianClientSecret: { env: 'ATLASSIAN_CLIENT_SECRET', default: '', schema: z.string().min(1).optional() },
  atlassianScopes: { env: 'ATLASSIAN_SCOPES', default: '', schema: list(z.string().min(1)) },
  bitbucketClientId: {
    env: 'BITBUCKET_CLIENT_ID',
    default: '',
    schema: z.string().min(1).optional(),
    aliases: ['INTEGRATION_AUTH_BITBUCKET_CLIENT_ID'],
  },
  bitbucketClientSecret: {
    env: 'BITBUCKET_CLIENT_SECRET',
    default: '',
    schema: z.string().min(1).optional(),
    aliases: ['INTEGRATION_AUTH_BITBUCKET_CLIENT_SECRET'],
  },
  bitbucketRedirectUri: {
    env: 'BITBUCKET_REDIRECT_URI',
    default: '',
    schema: httpUrl.optional(),
    aliases: ['INTEGRATION_AUTH_BITBUCKET_REDIRECT_URI'],
  },
  atlassianAuthUrl: { env: 'ATLASSIAN_AUTH_URL', default: 'https://auth.atlassian.com', schema: httpUrl },
  atlassianApiUrl: { env: 'ATLASSIAN_API_URL', default: 'https://api.atlassian.com', schema: httpUrl },
  bitbucketAuthUrl: { env: 'BITBUCKET_AUTH_URL', default: 'https://bitbucket.org', schema: httpUrl },
  bitbucketApiUrl: { env: 'BITBUCKET_API_URL', default: 'https://api.bitbucket.org', schema: httpUrl },
  refreshMarginSeconds: { env: 'SWITCHYARD_REFRESH_MARGIN_SECONDS', default: '300', schema: int(0, 86400) },
  refreshLeaseSeconds: { env: 'SWITCHYARD_REFRESH_LEASE_SECONDS', default: '30', schema: int(5, 300) },
  keepaliveIntervalSeconds: {
    env: 'SWITCHYARD_KEEPALIVE_INTERVAL_SECONDS',
    default: '3600',
    schema: int(0, 7 * 86400),
  },
  jiraWebhookRefreshDays: {
    env: 'SWITCHYARD_JIRA_WEBHOOK_REFRESH_DAYS',
    default: '20',
    schema: int(0, 29),
  },
  allowHttpHosts: { env: 'SWITCHYARD_ALLOW_HTTP_HOSTS', default: '', schema: list(z.string().min(1)) },
  allowPrivateHosts: { env: 'SWITCHYARD_ALLOW_PRIVATE_HOSTS', default: 'false', schema: bool },
  allowedHosts: { env: 'SWITCHYARD_ALLOWED_HOSTS', default: '', schema: list(z.string().min(1)) },
  caFile: { env: 'SWITCHYARD_CA_FILE', default: '', schema: z.string().min(1).optional() },
  budgets: { env: 'SWITCHYARD_BUDGETS', default: '', schema: budgets },
  // Event delivery to subscribers (docs/events.md)
  deliveryPollMs: { env: 'SWITCHYARD_DELIVERY_POLL_MS', default: '200', schema: int(10, 60000) },
  deliveryConcurrency: { env: 'SWITCHYARD_DELIVERY_CONCURRENCY', default: '16', schema: int(0, 512) },
  deliveryTimeoutMs: { env: 'SWITCHYARD_DELIVERY_TIMEOUT_MS', default: '10000', schema: int(100, 120000) },
  deliverySchedule: { env: 'SWITCHYARD_DELIVERY_SCHEDULE', default: DEFAULT_SCHEDULE, schema: schedule },
  eventRetentionDays: { env: 'SWITCHYARD_EVENT_RETENTION_DAYS', default: '30', schema: int(0, 36500) },
} as const satisfies Record<string, ConfigVariable>;

export type VariableName = keyof typeof variables;
