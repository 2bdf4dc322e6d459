import { createHash, randomBytes } from 'node:crypto';
import type { ConnectBody, ConnectSession, CreateConnectSessionBody } from '@switchyard/sdk';
import { AppError } from '../errors/app-error.js';
import { newId } from '../store/ids.js';
import { type ConnectDeps, FLOW_TTL_MS, publicBaseUrl, purgeExpired } from './connect-flow.js';
import { type BrowserOutcome, flowFailure, untrusted } from './connect-outcome.js';
import { checkConnectRequest } from './connect-request.js';
import { startConnect } from './connect-start.js';
import { resolveOAuthClient } from './oauth-apps.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A short-lived, single-use URL an app hands to an end user's browser: opening it starts the flow, so the
 * app never exposes its API key. The request is checked now (a bad one fails here, not in the browser);
 * the database keeps only the token's sha256.
 */
export async function createConnectSession(
  deps: ConnectDeps,
  tenantId: string,
  body: CreateConnectSessionBody,
): Promise<ConnectSession> {
  const { provider, ...rest } = body;
  await checkConnectRequest(deps.config, provider, rest);
  await resolveOAuthClient(deps, tenantId, provider);
  const now = new Date();
  await purgeExpired(deps.store, now);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + FLOW_TTL_MS).toISOString();
  await deps.store.connections.insertConnectSession({
    id: newId('cse'),
    tenant_id: tenantId,
    token_hash: tokenHash(token),
    provider,
    data: JSON.stringify(rest),
    expires_at: expiresAt,
    used_at: null,
    created_at: now.toISOString(),
  });
  return { url: `${publicBaseUrl(deps.config)}/connect/${token}`, expires_at: expiresAt };
}

/** `GET /connect/{token}`: use the session once, start its flow bound to this browser, go to the provider. */
export async function openConnectSession(deps: ConnectDeps, token: string): Promise<BrowserOutcome> {
  const unknown = untrusted('This connection link is unknown or has expired. Ask the application for a new one.');
  if (!TOKEN.test(token)) return unknown;
  const session = await deps.store.connections.getConnectSessionByTokenHash(tokenHash(token));
  if (session === undefined) return unknown;
  const body = JSON.parse(session.data) as ConnectBody;
  const data = body.return_url === undefined ? {} : { return_url: body.return_url };
  const now = new Date();
  if (session.used_at !== null) return flowFailure(data, 'session_used', 'This connection link was already used.');
  if (session.expires_at <= now.toISOString()) {
    return flowFailure(data, 'session_expired', 'This connection link expired. Ask the application for a new one.');
  }
  if (!(await deps.store.connections.consumeConnectSession(session.id, now.toISOString()))) {
    return flowFailure(data, 'session_used', 'This connection link was already used.');
  }
  try {
    const started = await startConnect(deps, session.tenant_id, session.provider, body, { bind: true });
    const outcome: BrowserOutcome = { kind: 'redirect', location: started.providerUrl };
    if (started.cookie !== undefined) outcome.setCookie = started.cookie;
    return outcome;
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return flowFailure(data, 'server_error', err.message);
  }
}
