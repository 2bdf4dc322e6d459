import type { SecretService } from '../../services/secrets.js';
import type { HookRow } from '../../store/event-store.js';

/**
 * Where a hook's secrets are kept (SecretService): the current one, and the previous one during a rotation under
 * a table name of its own, so finishing a rotation deletes exactly that secret.
 */
export const CURRENT = { table: 'hooks', field: 'secret' } as const;
export const PREVIOUS = { table: 'hooks.previous', field: 'secret' } as const;

/** How long the previous secret stays accepted after a rotation unless the rotation is finished sooner. */
export const ROTATION_GRACE_MS = 7 * 24 * 3600 * 1000;

export async function putHookSecret(
  secrets: SecretService,
  hook: Pick<HookRow, 'tenant_id' | 'id'>,
  which: typeof CURRENT | typeof PREVIOUS,
  value: string,
): Promise<void> {
  await secrets.put(hook.tenant_id, which.table, hook.id, which.field, value);
}

/** The secrets a delivery may be signed with right now: the current one, and the previous one until it expires. */
export async function hookSecrets(
  secrets: SecretService,
  hook: Pick<HookRow, 'tenant_id' | 'id' | 'previous_expires_at'>,
  nowMs: number,
): Promise<string[]> {
  const current = await secrets.get(hook.tenant_id, CURRENT.table, hook.id, CURRENT.field);
  const list = current === undefined ? [] : [current];
  if (hook.previous_expires_at !== null && Date.parse(hook.previous_expires_at) > nowMs) {
    const previous = await secrets.get(hook.tenant_id, PREVIOUS.table, hook.id, PREVIOUS.field);
    if (previous !== undefined) list.push(previous);
  }
  return list;
}

/** Delete every secret of a hook (with the hook, or when its connection goes). */
export async function deleteHookSecrets(secrets: SecretService, hookId: string): Promise<void> {
  await secrets.delete(CURRENT.table, hookId);
  await secrets.delete(PREVIOUS.table, hookId);
}
