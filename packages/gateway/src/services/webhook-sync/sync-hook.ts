import type { Hook, HookScheme } from '@switchyard/sdk';
import type { HookRow } from '../../store/event-store.js';
import { publicBaseUrl } from '../connect-flow.js';
import { toHook } from '../event-views.js';
import { createHook, type HookDeps, rotateHook } from '../hooks.js';

/** Marks, in hooks.registration, the ingest hook the sync created, so later syncs reuse it (and its URL). */
const MANAGED_BY = 'webhook-sync';

function managedBySync(row: HookRow): boolean {
  try {
    const v: unknown = JSON.parse(row.registration);
    return typeof v === 'object' && v !== null && (v as { managed_by?: unknown }).managed_by === MANAGED_BY;
  } catch {
    return false;
  }
}

/**
 * The connection's sync-managed ingest hook with a FRESH secret: created on the first sync; on later ones its
 * secret is rotated (services/hooks.ts), so the previous secret stays valid for 7 days while the vendor switches.
 * A hook created by hand is never taken over: its secret is configured somewhere we do not know about.
 * `atlassian-jwt` hooks have no secret of their own (the OAuth app's client secret signs), so nothing rotates.
 */
export async function freshSyncHook(
  deps: HookDeps,
  tenantId: string,
  connectionId: string,
  scheme: HookScheme,
): Promise<{ hook: Hook; secret: string | null }> {
  const rows = await deps.store.events.listHooks(tenantId, connectionId);
  const mine = rows.filter((r) => r.scheme === scheme && managedBySync(r)).at(-1);
  if (mine !== undefined) {
    if (scheme === 'atlassian-jwt') return { hook: toHook(mine, publicBaseUrl(deps.config)), secret: null };
    const { secret, ...hook } = await rotateHook(deps, tenantId, connectionId, mine.id, {});
    return { hook, secret };
  }
  const { secret, ...hook } = await createHook(deps, tenantId, connectionId, { scheme });
  await deps.store.events.updateHook(tenantId, hook.id, { registration: JSON.stringify({ managed_by: MANAGED_BY }) });
  return { hook, secret };
}
