import type { Keyring } from '../crypto/keyring.js';
import { newId, nowIso } from '../store/ids.js';
import type { SecretRow, Store } from '../store/store.js';

/**
 * Secrets at rest. Every plaintext secret passes through here: it is sealed with the keyring, bound to
 * (tenant, owner table, owner row, field), and only ciphertext reaches the store.
 */
export class SecretService {
  constructor(
    readonly store: Store,
    readonly keyring: Keyring,
  ) {}

  async put(tenantId: string, ownerTable: string, ownerId: string, field: string, plaintext: string): Promise<void> {
    const loc = { tenantId, table: ownerTable, rowId: ownerId, field };
    const sealed = this.keyring.encrypt(plaintext, loc);
    const at = nowIso();
    const row: SecretRow = {
      id: newId('sec'),
      tenant_id: tenantId,
      owner_table: ownerTable,
      owner_id: ownerId,
      field,
      key_id: sealed.keyId,
      wrapped_key: sealed.wrappedKey,
      ciphertext: sealed.ciphertext,
      created_at: at,
      updated_at: at,
    };
    await this.store.putSecret(row);
  }

  /** The plaintext, or undefined when no such secret is stored. Throws when the row was tampered with or moved. */
  async get(tenantId: string, ownerTable: string, ownerId: string, field: string): Promise<string | undefined> {
    const row = await this.store.getSecret(ownerTable, ownerId, field);
    if (row === undefined) return undefined;
    return this.keyring.decrypt(
      { keyId: row.key_id, wrappedKey: row.wrapped_key, ciphertext: row.ciphertext },
      { tenantId, table: ownerTable, rowId: ownerId, field },
    );
  }

  delete(ownerTable: string, ownerId: string): Promise<number> {
    return this.store.deleteSecrets(ownerTable, ownerId);
  }

  /**
   * Re-wrap every data key under the keyring's active master key, in batches. Each row is a
   * compare-and-swap on its key id, so a concurrent writer never loses its update.
   */
  async rewrapAll(onProgress?: (done: number) => void): Promise<{ rewrapped: number }> {
    let rewrapped = 0;
    let after: string | undefined;
    const active = this.keyring.activeKeyId;
    for (;;) {
      const rows = await this.store.listSecretsNotWrappedBy(
        active,
        after === undefined ? { limit: 500 } : { limit: 500, after },
      );
      if (rows.length === 0) return { rewrapped };
      for (const row of rows) {
        const loc = { tenantId: row.tenant_id, table: row.owner_table, rowId: row.owner_id, field: row.field };
        const next = this.keyring.rewrap(
          { keyId: row.key_id, wrappedKey: row.wrapped_key, ciphertext: row.ciphertext },
          loc,
        );
        if (await this.store.rewrapSecret(row.id, row.key_id, next.keyId, next.wrappedKey, nowIso())) rewrapped++;
        after = row.id;
      }
      onProgress?.(rewrapped);
    }
  }
}
