import type { Logger } from 'pino';
import type { RegistrationStore } from '../../store/registration-store.js';
import type { Store } from '../../store/store.js';
import type { VendorTransportDeps } from '../vendor-json.js';
import { familyOfProvider, registrarFor } from './sync.js';
import type { Registrar } from './types.js';

export interface UnregisterOutcome {
  removed: number;
  /** Webhooks left at the vendor (pointing at an ingest URL that is about to stop answering). */
  failed: Array<{ target: string; upstream_id: string; message: string }>;
}

export interface UnregisterDeps extends VendorTransportDeps {
  store: Store;
  registrations: RegistrationStore;
  logger: Logger;
}

/**
 * Before a connection is deleted: remove, best effort, every webhook the sync registered for it at the vendor,
 * while its credential still exists. A failure is logged and answered, never thrown: the delete must go on
 * (the rows go with the connection by the foreign key).
 */
export async function unregisterConnectionWebhooks(
  deps: UnregisterDeps,
  tenantId: string,
  connectionId: string,
): Promise<UnregisterOutcome> {
  const outcome: UnregisterOutcome = { removed: 0, failed: [] };
  const connection = await deps.store.connections.getConnection(tenantId, connectionId);
  if (connection === undefined) return outcome;
  const rows = await deps.registrations.listByConnection(tenantId, connectionId);
  if (rows.length === 0) return outcome;
  const family = familyOfProvider(connection.provider);
  let registrar: Registrar | undefined;
  let reason = `no webhook API for ${connection.provider}`;
  if (family !== undefined) {
    try {
      registrar = await registrarFor(deps, tenantId, connectionId, family);
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
  }
  for (const row of rows) {
    try {
      if (registrar === undefined) throw new Error(reason);
      await registrar.unregister(row.target, row.upstream_id);
      await deps.registrations.delete(row.id);
      outcome.removed++;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      outcome.failed.push({ target: row.target, upstream_id: row.upstream_id, message });
    }
  }
  if (outcome.failed.length > 0) {
    deps.logger.warn(
      { connection_id: connectionId, failed: outcome.failed.map((f) => f.target) },
      'some webhooks could not be removed at the vendor; remove them by hand',
    );
  }
  return outcome;
}

/** The words added to the `connection.deleted` event when webhooks were left behind. */
export function leftBehind(outcome: UnregisterOutcome): string | undefined {
  if (outcome.failed.length === 0) return undefined;
  const which = outcome.failed.map((f) => `${f.target} (${f.message})`).join('; ');
  return `${outcome.failed.length} webhook(s) could not be removed at the vendor and must be removed by hand: ${which}`;
}
