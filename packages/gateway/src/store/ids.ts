import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case
const RANDOM_CHARS = 16;

let lastTime = -1;
let lastRandom: number[] = [];

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
function nextRandom(ms: number): number[] {
  if (ms === lastTime) {
    const next = [...lastRandom];
    for (let i = next.length - 1; i >= 0; i--) {
      const digit = (next[i] ?? 0) + 1;
      next[i] = digit % 32;
      if (digit < 32) break;
    }
    lastRandom = next;
  } else {
    lastTime = ms;
    lastRandom = [...randomBytes(RANDOM_CHARS)].map((b) => b & 31);
    lastRandom[0] = (lastRandom[0] ?? 0) & 15; // head-room so increments within a millisecond never wrap
  }
  return lastRandom;
}

/**
 * A time-ordered id: `<prefix>_<10 chars of ms time><16 random chars>` (ULID-like, monotonic within a
 * process). Sorting ids sorts by creation, which keeps cursor pagination stable.
 */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${nextRandom(now)
    .map((d) => ALPHABET[d])
    .join('')}`;
}

/** The smallest id of `prefix` made at `ms` or later: a lower bound for "ids since this time". */
export function idFloor(prefix: string, ms: number): string {
  return `${prefix}_${encodeTime(ms)}${'0'.repeat(RANDOM_CHARS)}`;
}

export const nowIso = (): string => new Date().toISOString();
