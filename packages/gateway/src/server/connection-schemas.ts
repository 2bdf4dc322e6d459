import type {
  AuthMethodId,
  Connection,
  ConnectionTest,
  CreateConnectionBody,
  Provider,
  UpdateConnectionBody,
} from '@switchyard/sdk';
import { z } from 'zod';
import { providerIds } from '../providers/registry.js';
import { errorBody, listQuery, page } from './schemas.js';

/** zod schemas of providers and connections; `satisfies` ties each to the SDK type it serves. */

const providerId = z.enum(providerIds as [(typeof providerIds)[number], ...(typeof providerIds)[number][]]);
const product = z.enum(['jira', 'confluence', 'bitbucket']);
const methodIds = [
  'oauth2',
  'api_token',
  'scoped_api_token',
  'access_token',
  'personal_access_token',
  'basic',
  'app_password',
] as const satisfies readonly AuthMethodId[];
const authMethodId = z.enum(methodIds);
const status = z.enum(['active', 'reauth_required', 'error']);

export const provider = z
  .object({
    id: providerId,
    name: z.string(),
    deployment: z.enum(['cloud', 'data-center']),
    products: z.array(product),
    auth_methods: z.array(
      z.object({
        id: authMethodId,
        description: z.string(),
        fields: z.array(
          z.object({
            name: z.enum(['base_url', 'site_url', 'email', 'username', 'token', 'password']),
            secret: z.boolean(),
            description: z.string(),
          }),
        ),
        warning: z.string().nullable(),
      }),
    ),
    oauth: z
      .object({
        default_scopes: z.array(z.string()),
        required_scopes: z.array(z.string()),
        pkce: z.boolean(),
        needs_base_url: z.boolean(),
        client_configured: z.boolean(),
        client_source: z.enum(['tenant', 'environment']).nullable(),
      })
      .nullable(),
    docs: z.string(),
  })
  .meta({ id: 'Provider' }) satisfies z.ZodType<Provider>;

export const providerList = z.object({ items: z.array(provider) });

const metadata = z
  .record(z.string().max(100), z.unknown())
  .refine((m) => JSON.stringify(m).length <= 16_384, 'metadata is limited to 16 KiB of JSON');

export const connection = z
  .object({
    id: z.string(),
    provider: providerId,
    name: z.string(),
    auth: z.object({
      type: authMethodId,
      hint: z.string().nullable().describe('The last characters of a token, masked; never the secret'),
      username: z.string().nullable(),
      email: z.string().nullable(),
    }),
    site_url: z.string().nullable(),
    base_url: z.string().nullable(),
    cloud_id: z.string().nullable(),
    account: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
    products: z.array(product),
    scopes: z.array(z.string()),
    status,
    expires_at: z.string().nullable(),
    refreshed_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    last_error: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    warnings: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Connection' }) satisfies z.ZodType<Connection>;

export const connectionPage = page(connection);

const credentials = {
  email: z.string().trim().min(1).max(320).optional(),
  username: z.string().trim().min(1).max(255).optional(),
  token: z.string().min(1).max(8192).optional().describe('Write-only'),
  password: z.string().min(1).max(8192).optional().describe('Write-only'),
};

const url = z.string().trim().min(1).max(2048);
const caPem = z.string().min(1).max(65_536).describe('PEM CA certificates trusted for this upstream');

export const createConnectionBody = z
  .object({
    provider: providerId,
    auth: z.object({ type: authMethodId, ...credentials }).strict(),
    base_url: url.optional().describe('Data Center base URL, including any context path'),
    site_url: url.optional().describe('Atlassian Cloud site URL (API tokens)'),
    name: z.string().trim().min(1).max(200).optional(),
    metadata: metadata.optional(),
    ca_pem: caPem.optional(),
  })
  .strict() satisfies z.ZodType<CreateConnectionBody>;

export const updateConnectionBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    metadata: metadata.optional(),
    base_url: url.optional(),
    ca_pem: caPem.nullable().optional(),
    auth: z.object(credentials).strict().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, metadata, base_url, ca_pem, auth')
  .meta({ id: 'UpdateConnectionBody' }) satisfies z.ZodType<UpdateConnectionBody>;

export const listConnectionsQuery = listQuery.extend({ provider: providerId.optional(), status: status.optional() });

export const connectionParams = z.object({ connection_id: z.string().min(1).max(100) });

export const connectionTest = z
  .object({
    ok: z.boolean(),
    latency_ms: z.number().int(),
    status,
    account: z.object({ id: z.string().nullable(), name: z.string().nullable() }).nullable(),
    error: z.object({ code: errorBody.shape.code, message: z.string() }).nullable(),
  })
  .meta({ id: 'ConnectionTest' }) satisfies z.ZodType<ConnectionTest>;
