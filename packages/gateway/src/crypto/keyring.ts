import { hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { associatedData, keyIdOf, open, type SealedSecret, type SecretLocation, seal } from './envelope.js';

/** The master keys: one active key that wraps new data keys, older ones that still unwrap. */
export class Keyring {
  readonly #keys = new Map<string, Buffer>();
  readonly activeKeyId: string;

  constructor(active: Buffer, previous: Buffer[] = []) {
    for (const key of [active, ...previous]) {
      if (key.length !== 32) throw new Error('a master key must be 32 bytes');
      this.#keys.set(keyIdOf(key), key);
    }
    this.activeKeyId = keyIdOf(active);
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /**
   * Keys for another purpose (`info` names it), derived with HKDF-SHA256 from every master key, the
   * active key's first: every replica with the same keyring derives the same keys, and values made
   * with a previous master key still verify during a rotation.
   */
  deriveKeys(info: string): Buffer[] {
    const active = this.#key(this.activeKeyId);
    const others = [...this.#keys.entries()].filter(([id]) => id !== this.activeKeyId).map(([, key]) => key);
    return [active, ...others].map((key) =>
      Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `switchyard/v1/${info}`, 32)),
    );
  }

  #key(keyId: string): Buffer {
    const key = this.#keys.get(keyId);
    if (key === undefined) {
      throw new AppError(
        'INTERNAL_ERROR',
        `A stored secret was wrapped with master key ${keyId}, which is not configured. Add it to SWITCHYARD_PREVIOUS_MASTER_KEYS.`,
      );
    }
    return key;
  }

  encrypt(plaintext: string, loc: SecretLocation): SealedSecret {
    const dek = randomBytes(32);
    try {
      const keyId = this.activeKeyId;
      return {
        keyId,
        wrappedKey: seal(this.#key(keyId), dek, associatedData(loc, 'dek', keyId)),
        ciphertext: seal(dek, Buffer.from(plaintext, 'utf8'), associatedData(loc, 'data', '')),
      };
    } finally {
      dek.fill(0);
    }
  }

  decrypt(sealed: SealedSecret, loc: SecretLocation): string {
    const dek = this.#unwrap(sealed, loc);
    try {
      return open(dek, sealed.ciphertext, associatedData(loc, 'data', '')).toString('utf8');
    } finally {
      dek.fill(0);
    }
  }

  /** Re-wrap a secret's data key under the active master key; the ciphertext itself is unchanged. */
  rewrap(sealed: SealedSecret, loc: SecretLocation): SealedSecret {
    if (sealed.keyId === this.activeKeyId) return sealed;
    const dek = this.#unwrap(sealed, loc);
    try {
      const keyId = this.activeKeyId;
      return {
        keyId,
        wrappedKey: seal(this.#key(keyId), dek, associatedData(loc, 'dek', keyId)),
        ciphertext: sealed.ciphertext,
      };
    } finally {
      dek.fill(0);
    }
  }

  #unwrap(sealed: SealedSecret, loc: SecretLocation): Buffer {
    try {
      return open(this.#key(sealed.keyId), sealed.wrappedKey, associatedData(loc, 'dek', sealed.keyId));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('INTERNAL_ERROR', 'A stored secret failed its integrity check: it was altered or moved.', {
        cause: err,
      });
    }
  }
}
