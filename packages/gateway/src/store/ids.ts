import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case
const RANDOM_CHARS = 16;

let lastTime = -1;
/** The random part of the last id, one base-32 digit per element. */
const lastRandom = new Uint8Array(RANDOM_CHARS);
/** Random bytes drawn a few kilobytes at a time: one draw per id costs more than the rest of the id. */
const pool = new Uint8Array(4096);
let poolAt = pool.length;

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/** The random part; within one millisecond it is the previous one plus one, so ids stay in creation order. */
function nextRandom(ms: number): string {
  if (ms === lastTime) {
    for (let i = RANDOM_CHARS - 1; i >= 0; i--) {
      const digit = (lastRandom[i] ?? 0) + 1;
      lastRandom[i] = digit % 32;
      if (digit < 32) break;
    }
  } else {
    lastTime = ms;
    if (poolAt + RANDOM_CHARS > pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    for (let i = 0; i < RANDOM_CHARS; i++) lastRandom[i] = (pool[poolAt + i] ?? 0) & 31;
    poolAt += RANDOM_CHARS;
    lastRandom[0] = (lastRandom[0] ?? 0) & 15; // head-room so increments within a millisecond never wrap
  }
  let out = '';
  for (let i = 0; i < RANDOM_CHARS; i++) out += ALPHABET[lastRandom[i] ?? 0];
  return out;
}

/**
 * A time-ordered id: `<prefix>_<10 chars of ms time><16 random chars>` (ULID-like, monotonic within a
 * process). Sorting ids sorts by creation, which keeps cursor pagination stable.
 */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${nextRandom(now)}`;
}

/** The smallest id of `prefix` made at `ms` or later: a lower bound for "ids since this time". */
export function idFloor(prefix: string, ms: number): string {
  return `${prefix}_${encodeTime(ms)}${'0'.repeat(RANDOM_CHARS)}`;
}

export const nowIso = (): string => new Date().toISOString();
