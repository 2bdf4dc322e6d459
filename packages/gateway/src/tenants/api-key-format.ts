import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../store/ids.js';

/**
 * API keys look like `syk_<id>_<secret>`: the id part is the row id (so lookup is one indexed read),
 * the secret is 32 random bytes (256 bits) in base64url. Only SHA-256 of the whole key is stored:
 * the secret is high-entropy, so a slow password hash would add latency to every call and no safety.
 */
export const KEY_PREFIX = 'syk_';
const KEY_PATTERN = /^syk_([0-9a-z]{26})_([A-Za-z0-9_-]{43})$/;

export interface MintedKey {
  id: string;
  key: string;
  prefix: string;
  hash: string;
}

export const hashKey = (key: string): string => hash('sha256', key, 'hex');

export function mintKey(): MintedKey {
  const id = newId('key');
  const idPart = id.slice('key_'.length);
  const key = `${KEY_PREFIX}${idPart}_${randomBytes(32).toString('base64url')}`;
  return { id, key, prefix: `${KEY_PREFIX}${idPart}`, hash: hashKey(key) };
}

/** The row id a presented key claims, or undefined when it is not shaped like one of ours. */
export function keyIdOf(presented: string): string | undefined {
  const m = KEY_PATTERN.exec(presented);
  return m?.[1] === undefined ? undefined : `key_${m[1]}`;
}

/** Whether a presented key hashes to the stored hash; compared in constant time (checked on every call). */
export function keyMatches(presented: string, storedHash: string): boolean {
  const a = hash('sha256', presented, 'buffer');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
