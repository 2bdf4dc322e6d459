import { AppError } from '../errors/app-error.js';
import type { SecretService } from '../services/secrets.js';
import type { GrantRow } from '../store/connection-store.js';
import { type AppliedCredential, grantSecretFields } from './credential.js';

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

const missing = (grant: GrantRow) =>
  new AppError(
    'NOT_CONNECTED',
    `The credential of this connection is incomplete (grant ${grant.id}). Set the token again with PATCH /v1/connections/{id}, or delete and recreate the connection.`,
  );

/**
 * The Authorization header of a token credential: API tokens are Basic email:token, basic auth and app
 * passwords Basic username:password, access tokens and PATs Bearer token.
 */
export async function tokenCredential(secrets: SecretService, grant: GrantRow): Promise<AppliedCredential> {
  const read = (field: string) => secrets.get(grant.tenant_id, 'grants', grant.id, field);
  let authorization: string;
  switch (grant.auth_type) {
    case 'api_token': {
      const token = await read(grantSecretFields.token);
      if (token === undefined || grant.username === null) throw missing(grant);
      authorization = basic(grant.username, token);
      break;
    }
    case 'basic':
    case 'app_password': {
      const password = await read(grantSecretFields.password);
      if (password === undefined || grant.username === null) throw missing(grant);
      authorization = basic(grant.username, password);
      break;
    }
    case 'bearer': {
      const token = await read(grantSecretFields.token);
      if (token === undefined) throw missing(grant);
      authorization = `Bearer ${token}`;
      break;
    }
    default:
      throw new Error(`tokenCredential called for an ${grant.auth_type} grant`);
  }
  return { grantId: grant.id, version: grant.version, authorization };
}
