import type { ConnectionCredentials } from '@switchyard/sdk';
import { grantSecretFields } from '../auth/credential.js';
import { AppError } from '../errors/app-error.js';
import type { AuthMethodDefinition, ProviderDefinition } from '../providers/types.js';

/** A token credential as the caller gave it: who (email or username) and the secret. */
export interface TokenCredential {
  identity: string | null;
  secret: string;
  /** The `secrets` field the secret is stored under (grants/<id>/<field>). */
  field: (typeof grantSecretFields)['token' | 'password'];
}

const CREDENTIAL_FIELDS = ['email', 'username', 'token', 'password'] as const;

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION', `${path}: ${message}`, { details: [{ path, message }] });

/** The method a caller names, or a VALIDATION error listing the ones the provider has. */
export function requireMethod(def: ProviderDefinition, id: string): AuthMethodDefinition {
  const method = def.authMethods.find((m) => m.id === id);
  if (method === undefined) {
    const ids = def.authMethods.map((m) => m.id).join(', ');
    throw invalid('auth.type', `${def.name} has no auth method "${id}"; it has ${ids}.`);
  }
  if (method.authType === 'oauth2') {
    throw invalid(
      'auth.type',
      `OAuth connections are made in the browser: start one with POST /v1/connect/${def.id}. This route takes tokens.`,
    );
  }
  return method;
}

/** The `secrets` field a method's secret is stored under. */
export function secretFieldOf(method: AuthMethodDefinition): TokenCredential['field'] {
  return method.fields.some((f) => f.name === 'token') ? grantSecretFields.token : grantSecretFields.password;
}

/**
 * Check the credential fields against the method (each field it lists is required, the others refused) and
 * answer the credential. `current` fills in what a rotation leaves out (the identity, or the secret when only
 * the identity changes).
 */
export function credentialOf(
  method: AuthMethodDefinition,
  given: ConnectionCredentials,
  current?: { identity: string | null; secret: string | undefined },
): TokenCredential {
  const wanted = new Set<string>(method.fields.map((f) => f.name));
  for (const name of CREDENTIAL_FIELDS) {
    if (given[name] !== undefined && !wanted.has(name)) {
      throw invalid(
        `auth.${name}`,
        `the ${method.id} method does not take ${name}; it takes ${[...wanted].join(', ')}.`,
      );
    }
  }
  const value = (name: (typeof CREDENTIAL_FIELDS)[number], fallback: string | null | undefined) => {
    const v = given[name] ?? fallback ?? undefined;
    if (v === undefined || v === '') throw invalid(`auth.${name}`, `required by the ${method.id} method.`);
    return v;
  };
  const identityField = wanted.has('email') ? 'email' : wanted.has('username') ? 'username' : undefined;
  const field = secretFieldOf(method);
  return {
    identity: identityField === undefined ? null : value(identityField, current?.identity),
    secret: value(field === grantSecretFields.token ? 'token' : 'password', current?.secret),
    field,
  };
}

export const basicAuth = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;

/** The Authorization header the credential is sent with (the same rule auth/token-credential.ts applies later). */
export function authorizationOf(method: AuthMethodDefinition, cred: TokenCredential): string {
  if (method.authType === 'bearer') return `Bearer ${cred.secret}`;
  if (cred.identity === null) throw new Error(`${method.id} needs an identity`);
  return basicAuth(cred.identity, cred.secret);
}

/** A masked hint that tells tokens apart without giving them away; passwords show nothing of themselves. */
export function hintOf(cred: TokenCredential): string {
  return cred.field === grantSecretFields.token && cred.secret.length >= 16 ? `••••${cred.secret.slice(-4)}` : '••••';
}
