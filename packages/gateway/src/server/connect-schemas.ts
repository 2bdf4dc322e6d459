import type {
  ConnectBody,
  ConnectSession,
  ConnectStarted,
  CreateConnectSessionBody,
  OAuthApp,
  PutOAuthAppBody,
} from '@switchyard/sdk';
import { z } from 'zod';

/** zod schemas of the connect flow, connect sessions and OAuth apps; `satisfies` ties each to the SDK type. */

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).max(2048);

const connectFields = {
  site: z.string().trim().min(1).max(2048).optional().describe('Atlassian site URL or cloud id; Data Center base URL'),
  scopes: z.array(z.string().trim().min(1).max(200)).min(1).max(100).optional(),
  return_url: httpUrl.optional(),
  name: z.string().trim().min(1).max(200).optional(),
  metadata: z.record(z.string().max(100), z.unknown()).optional(),
};

export const connectBody = z.object(connectFields).strict() satisfies z.ZodType<ConnectBody>;

export const connectQuery = z.object({
  redirect: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: answer 307 to the provider (the caller is the browser)'),
});

export const connectStarted = z
  .object({
    authorize_url: z
      .string()
      .describe('Open this in the user’s browser: it binds the browser, then goes to the provider'),
    expires_at: z.string(),
  })
  .meta({ id: 'ConnectStarted' }) satisfies z.ZodType<ConnectStarted>;

export const createConnectSessionBody = z
  .object({ ...connectFields, provider: z.string().min(1).max(100), return_url: httpUrl })
  .strict() satisfies z.ZodType<CreateConnectSessionBody>;

export const connectSession = z
  .object({ url: z.string().describe('Single use, valid for 10 minutes'), expires_at: z.string() })
  .meta({ id: 'ConnectSession' }) satisfies z.ZodType<ConnectSession>;

export const oauthApp = z
  .object({ provider: z.string(), client_id: z.string(), created_at: z.string(), updated_at: z.string() })
  .meta({ id: 'OAuthApp' }) satisfies z.ZodType<OAuthApp>;

export const putOAuthAppBody = z
  .object({ client_id: z.string().trim().min(1).max(500), client_secret: z.string().min(1).max(4096) })
  .strict() satisfies z.ZodType<PutOAuthAppBody>;

export const providerParams = z.object({ provider: z.string().min(1).max(100) });
