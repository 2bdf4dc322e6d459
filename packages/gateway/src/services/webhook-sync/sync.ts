import type { Hook, SyncWebhooksBody, WebhookRegistration, WebhookSyncEntry, WebhookSyncResult } from '@switchyard/sdk';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.js';
import { newId, nowIso } from '../../store/ids.js';
import type { RegistrationRow, RegistrationStore } from '../../store/registration-store.js';
import { connectionBitbucket } from '../bitbucket/transport.js';
import { loadConnection } from '../connection-manage.js';
import type { HookDeps } from '../hooks.js';
import { connectionJira } from '../jira/transport.js';
import type { VendorTransportDeps } from '../vendor-json.js';
import { bitbucketRegistrar } from './bitbucket.js';
import { confluenceDcRegistrar } from './confluence-dc.js';
import { type KeyFamily, typesFromKeys } from './events.js';
import { jiraRegistrar } from './jira.js';
import { planSync, type SyncPlan } from './plan.js';
import { freshSyncHook } from './sync-hook.js';
import type { Registrar } from './types.js';

export interface WebhookSyncDeps extends HookDeps, VendorTransportDeps {
  registrations: RegistrationStore;
  logger: Logger;
}

/** The key family of a provider's registrations (what their stored `events` are). */
export function familyOfProvider(provider: string): KeyFamily | undefined {
  if (provider === 'bitbucket-cloud' || provider === 'bitbucket-dc' || provider === 'confluence-dc') return provider;
  return provider === 'atlassian-cloud' ? 'jira-cloud' : undefined;
}

export async function registrarFor(
  deps: VendorTransportDeps,
  tenantId: string,
  connectionId: string,
  family: KeyFamily,
): Promise<Registrar> {
  if (family === 'bitbucket-cloud' || family === 'bitbucket-dc') {
    return bitbucketRegistrar(await connectionBitbucket(deps, tenantId, connectionId));
  }
  if (family === 'jira-cloud') return jiraRegistrar(await connectionJira(deps, tenantId, connectionId));
  return confluenceDcRegistrar(deps, tenantId, connectionId);
}

const parseKeys = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

async function registerOne(
  deps: WebhookSyncDeps,
  registrar: Registrar,
  ctx: { tenantId: string; connectionId: string; hook: Hook; secret: string | null; plan: SyncPlan },
  target: string,
): Promise<WebhookSyncEntry> {
  const { tenantId, connectionId, hook, plan } = ctx;
  const base = { target, events: plan.types, vendor_events: plan.vendorEvents, note: null };
  const previous = await deps.registrations.get(connectionId, target);
  if (previous !== undefined && previous.hook_id !== hook.id) {
    // Registered for another (since deleted) hook: its URL is dead, remove it rather than leave it failing.
    await registrar.unregister(target, previous.upstream_id).catch((err: unknown) => {
      deps.logger.warn({ err, target, connection_id: connectionId }, 'could not remove a webhook of an older hook');
    });
  }
  try {
    const out = await registrar.register(target, {
      url: hook.url,
      secret: ctx.secret,
      vendorEvents: plan.vendorEvents,
      ...(plan.jql === undefined ? {} : { jql: plan.jql }),
    });
    const at = nowIso();
    await deps.registrations.upsert({
      id: previous?.id ?? newId('whr'),
      tenant_id: tenantId,
      connection_id: connectionId,
      hook_id: hook.id,
      target,
      upstream_id: out.upstreamId,
      events: JSON.stringify(plan.vendorEvents),
      expires_at: out.expiresAt,
      last_refreshed_at: out.expiresAt === null ? null : at,
      last_error: null,
      created_at: previous?.created_at ?? at,
      updated_at: at,
    });
    return { ...base, status: out.status, upstream_id: out.upstreamId, expires_at: out.expiresAt, error: null };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (previous !== undefined) {
      await deps.registrations.update(previous.id, { last_error: err.message, updated_at: nowIso() });
    }
    deps.logger.warn({ target, connection_id: connectionId, code: err.code }, 'webhook registration failed');
    const error = { code: err.code, message: err.message };
    return { ...base, status: 'failed', upstream_id: previous?.upstream_id ?? null, expires_at: null, error };
  }
}

/**
 * Register the connection's ingest URL at the vendor with a fresh secret, target by target (one failing target,
 * e.g. a 403 without admin rights, is reported and does not stop the others). Idempotent per target.
 */
export async function syncWebhooks(
  deps: WebhookSyncDeps,
  tenantId: string,
  connectionId: string,
  body: SyncWebhooksBody,
): Promise<WebhookSyncResult> {
  const { row, grant } = await loadConnection(deps.store, tenantId, connectionId);
  const plan = planSync(row, grant, body);
  if (plan.family === null) return { hook: null, registrations: plan.notes, manual: null };
  // The credential first: a connection that needs re-authorizing fails here, before any secret is rotated.
  const registrar = plan.mode === 'api' ? await registrarFor(deps, tenantId, connectionId, plan.family) : undefined;
  const { hook, secret } = await freshSyncHook(deps, tenantId, connectionId, plan.scheme);
  if (registrar === undefined) {
    const manual = plan.targets.map(
      (target): WebhookSyncEntry => ({
        target,
        status: 'manual',
        upstream_id: null,
        events: plan.types,
        vendor_events: plan.vendorEvents,
        expires_at: null,
        note: 'Configure it at the vendor with the url and secret in `manual`.',
        error: null,
      }),
    );
    return {
      hook,
      registrations: [...manual, ...plan.notes],
      manual: { url: hook.url, secret, vendor_events: plan.vendorEvents, instructions: plan.instructions ?? '' },
    };
  }
  const entries: WebhookSyncEntry[] = [];
  // One target at a time: the vendors' webhook APIs are admin APIs with low rate limits, and order keeps answers stable.
  for (const target of plan.targets) {
    entries.push(await registerOne(deps, registrar, { tenantId, connectionId, hook, secret, plan }, target));
  }
  return { hook, registrations: [...entries, ...plan.notes], manual: null };
}

export function toRegistration(row: RegistrationRow, family: KeyFamily | undefined): WebhookRegistration {
  const keys = parseKeys(row.events);
  return {
    id: row.id,
    connection_id: row.connection_id,
    hook_id: row.hook_id,
    target: row.target,
    upstream_id: row.upstream_id,
    events: family === undefined ? [] : typesFromKeys(family, keys),
    vendor_events: keys,
    expires_at: row.expires_at,
    last_refreshed_at: row.last_refreshed_at,
    last_error: row.last_error,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function listRegistrations(
  deps: Pick<WebhookSyncDeps, 'store' | 'registrations'>,
  tenantId: string,
  connectionId: string,
): Promise<{ items: WebhookRegistration[] }> {
  const { row } = await loadConnection(deps.store, tenantId, connectionId);
  const rows = await deps.registrations.listByConnection(tenantId, connectionId);
  return { items: rows.map((r) => toRegistration(r, familyOfProvider(row.provider))) };
}
