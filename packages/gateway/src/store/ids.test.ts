import { describe, expect, it } from 'vitest';
import { idFloor, newId } from './ids.js';

describe('newId', () => {
  it('is the prefix, 10 characters of time and 16 random ones, in Crockford base32', () => {
    expect(newId('evt')).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('sorts in creation order within one millisecond and across them', () => {
    const at = 1_760_000_000_000;
    const ids = [...Array.from({ length: 2000 }, () => newId('evt', at)), newId('evt', at + 1), newId('evt', at + 2)];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]?.slice(0, 14)).toBe(idFloor('evt', at).slice(0, 14));
    expect(idFloor('evt', at) < (ids[0] ?? '')).toBe(true);
  });

  it('draws fresh randomness for every millisecond', () => {
    const random = (id: string) => id.slice(-16);
    const parts = Array.from({ length: 600 }, (_, i) => random(newId('dlv', 1_760_000_000_000 + 10 * i)));
    // 600 ids draw 9,600 random bytes: more than one refill of the pool, and no two alike.
    expect(new Set(parts).size).toBe(parts.length);
  });
});
