import { randomBytes } from 'node:crypto';
import type { CreatedHook, CreateHookBody, Hook, HookScheme, RotateHookBody, WebhookSource } from '@switchyard/sdk';
import type { Config } from '../config/load.js';
import { AppError, notFound } from '../errors/app-error.js';
import type { HookRow } from '../store/event-store.js';
import { newId, nowIso } from '../store/ids.js';
import type { Store } from '../store/store.js';
import type { HookCache } from '../webhooks/ingest/hook-cache.js';
import {
  CURRENT,
  deleteHookSecrets,
  PREVIOUS,
  putHookSecret,
  ROTATION_GRACE_MS,
} from '../webhooks/ingest/hook-secrets.js';
import { webhookProviders } from '../webhooks/registry.js';
import { publicBaseUrl } from './connect-flow.js';
import { loadConnection } from './connection-manage.js';
import { toHook } from './event-views.js';
import { SecretService } from './secrets.js';

export interface HookDeps {
  store: Store;
  secrets: SecretService;
  config: Config;
  hooks: HookCache;
}

/** The webhook source of each provider's connections (Jira Data Center hooks are not supported yet). */
export const HOOK_SOURCES: Readonly<Record<string, WebhookSource>> = {
  'bitbucket-cloud': 'bitbucket-cloud',
  'bitbucket-dc': 'bitbucket-dc',
  'atlassian-cloud': 'jira-cloud',
  'confluence-dc': 'confluence-dc',
};

const generatedSecret = () => randomBytes(32).toString('base64url');

function chooseSource(provider: string, asked: WebhookSource | undefined): WebhookSource {
  const source = HOOK_SOURCES[provider];
  if (source === undefined) {
    throw new AppError('VALIDATION', `Connections of ${provider} cannot receive webhooks through Switchyard yet.`);
  }
  if (asked !== undefined && asked !== source) {
    throw new AppError('VALIDATION', `A ${provider} connection receives ${source} webhooks, not ${asked}.`);
  }
  return source;
}

function chooseScheme(source: WebhookSource, asked: HookScheme | undefined, secret: string | undefined): HookScheme {
  const scheme = asked ?? 'hub-signature';
  if (!webhookProviders[source].schemes.includes(scheme)) {
    throw new AppError('VALIDATION', `${source} webhooks are not signed with ${scheme}.`);
  }
  if (scheme === 'atlassian-jwt' && secret !== undefined) {
    throw new AppError(
      'VALIDATION',
      'atlassian-jwt hooks are verified with the OAuth app’s client secret; omit secret.',
    );
  }
  return scheme;
}

/** Create an ingest endpoint for a connection; the answer carries its secret this once. */
export async function createHook(
  deps: HookDeps,
  tenantId: string,
  connectionId: string,
  body: CreateHookBody,
): Promise<CreatedHook> {
  const { row: connection } = await loadConnection(deps.store, tenantId, connectionId);
  const source = chooseSource(connection.provider, body.source);
  const scheme = chooseScheme(source, body.scheme, body.secret);
  const at = nowIso();
  const row: HookRow = {
    id: newId('hook'),
    tenant_id: tenantId,
    connection_id: connectionId,
    public_id: randomBytes(24).toString('base64url'),
    source,
    scheme,
    previous_expires_at: null,
    registration: '{}',
    created_at: at,
    updated_at: at,
  };
  const secret = scheme === 'hub-signature' ? (body.secret ?? generatedSecret()) : null;
  await deps.store.transaction(async (tx) => {
    await tx.events.insertHook(row);
    if (secret !== null) await putHookSecret(new SecretService(tx, deps.secrets.keyring), row, CURRENT, secret);
  });
  return { ...toHook(row, publicBaseUrl(deps.config)), secret };
}

async function loadHook(store: Store, tenantId: string, connectionId: string, hookId: string): Promise<HookRow> {
  const row = await store.events.getHook(tenantId, hookId);
  if (row === undefined || row.connection_id !== connectionId) throw notFound(`Hook "${hookId}"`);
  return row;
}

export async function listHooks(deps: HookDeps, tenantId: string, connectionId: string): Promise<{ items: Hook[] }> {
  await loadConnection(deps.store, tenantId, connectionId);
  const rows = await deps.store.events.listHooks(tenantId, connectionId);
  return { items: rows.map((r) => toHook(r, publicBaseUrl(deps.config))) };
}

/** A new secret; the current one becomes the previous, accepted until finish-rotation or 7 days. */
export async function rotateHook(
  deps: HookDeps,
  tenantId: string,
  connectionId: string,
  hookId: string,
  body: RotateHookBody,
): Promise<CreatedHook> {
  const row = await loadHook(deps.store, tenantId, connectionId, hookId);
  if (row.scheme !== 'hub-signature') {
    throw new AppError('VALIDATION', 'This hook is verified with the OAuth app’s client secret: rotate that instead.');
  }
  const secret = body.secret ?? generatedSecret();
  const now = Date.now();
  const patch = { previous_expires_at: new Date(now + ROTATION_GRACE_MS).toISOString(), updated_at: nowIso() };
  await deps.store.transaction(async (tx) => {
    const secrets = new SecretService(tx, deps.secrets.keyring);
    const current = await secrets.get(tenantId, CURRENT.table, row.id, CURRENT.field);
    if (current !== undefined) await putHookSecret(secrets, row, PREVIOUS, current);
    await putHookSecret(secrets, row, CURRENT, secret);
    await tx.events.updateHook(tenantId, row.id, patch);
  });
  deps.hooks.invalidate(row.public_id);
  return { ...toHook({ ...row, ...patch }, publicBaseUrl(deps.config)), secret };
}

/** Stop accepting the previous secret now. */
export async function finishHookRotation(
  deps: HookDeps,
  tenantId: string,
  connectionId: string,
  hookId: string,
): Promise<Hook> {
  const row = await loadHook(deps.store, tenantId, connectionId, hookId);
  const patch = { previous_expires_at: null, updated_at: nowIso() };
  await deps.store.transaction(async (tx) => {
    await tx.deleteSecrets(PREVIOUS.table, row.id);
    await tx.events.updateHook(tenantId, row.id, patch);
  });
  deps.hooks.invalidate(row.public_id);
  return toHook({ ...row, ...patch }, publicBaseUrl(deps.config));
}

/** Delete a hook and its secrets. Idempotent: a hook already gone answers false. */
export async function deleteHook(deps: HookDeps, tenantId: string, connectionId: string, hookId: string) {
  const row = await deps.store.events.getHook(tenantId, hookId);
  if (row === undefined || row.connection_id !== connectionId) return false;
  await deps.store.transaction(async (tx) => {
    await tx.events.deleteHook(tenantId, row.id);
    await deleteHookSecrets(new SecretService(tx, deps.secrets.keyring), row.id);
  });
  deps.hooks.invalidate(row.public_id);
  return true;
}
