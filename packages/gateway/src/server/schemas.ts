import type {
  ApiKey,
  CreatedApiKey,
  CreateKeyBody,
  CreateTenantBody,
  ErrorBody,
  Tenant,
  Whoami,
} from '@switchyard/sdk';
import { z } from 'zod';
import { errorRegistry } from '../errors/registry.js';

/** zod schemas of the public contract; `satisfies` ties each to the SDK type it must match. */

const codes = Object.keys(errorRegistry) as [keyof typeof errorRegistry, ...Array<keyof typeof errorRegistry>];

export const errorBody = z
  .object({
    status: z.literal('error'),
    code: z.enum(codes),
    message: z.string(),
    request_id: z.string(),
    retry_after: z.number().int().optional(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' }) satisfies z.ZodType<ErrorBody>;

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export const tenant = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), created_at: z.string() })
  .meta({ id: 'Tenant' }) satisfies z.ZodType<Tenant>;

export const createTenantBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    slug: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and dashes, 1–63 characters')
      .optional(),
  })
  .strict() satisfies z.ZodType<CreateTenantBody>;

export const apiKey = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'tenant']),
    prefix: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' }) satisfies z.ZodType<ApiKey>;

export const createdApiKey = apiKey
  .extend({ key: z.string().describe('The key itself. Shown this once: store it now.') })
  .meta({ id: 'CreatedApiKey' }) satisfies z.ZodType<CreatedApiKey>;

export const createKeyBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.enum(['admin', 'tenant']).optional(),
    tenant_id: z.string().optional(),
  })
  .strict() satisfies z.ZodType<CreateKeyBody>;

export const whoami = z.object({
  tenant,
  key: apiKey,
  acting_as_admin: z.boolean(),
}) satisfies z.ZodType<Whoami>;

/** Error answers every authenticated route may give, for the OpenAPI document. */
export const authErrors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 500: errorBody } as const;
