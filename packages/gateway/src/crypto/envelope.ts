import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption with AES-256-GCM. Each secret gets its own random data key (DEK); the DEK is
 * wrapped by a master key from the keyring. Both layers authenticate the same associated data, which
 * names the tenant, table, row and field: a ciphertext copied to another row or field fails to decrypt.
 */

export interface SecretLocation {
  tenantId: string;
  table: string;
  rowId: string;
  field: string;
}

export interface SealedSecret {
  /** Id of the master key that wrapped the data key. */
  keyId: string;
  /** base64(iv ‖ tag ‖ AES-GCM(master, DEK)) */
  wrappedKey: string;
  /** base64(iv ‖ tag ‖ AES-GCM(DEK, plaintext)) */
  ciphertext: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function associatedData(loc: SecretLocation, layer: 'dek' | 'data', keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['switchyard/v1', layer, keyId, loc.tenantId, loc.table, loc.rowId, loc.field]));
}

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function open(key: Buffer, sealed: string, aad: Buffer): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** A stable, non-secret id for a master key: the first 16 hex digits of SHA-256 over it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('switchyard-master-key-id').update(key).digest('hex').slice(0, 16);
}
