import { describe, expect, it } from 'vitest';
import { StreamGarbage } from './stream-garbage.js';

describe('StreamGarbage', () => {
  it('asks for one young collection each time the streamed bytes cross the threshold', () => {
    const calls: unknown[] = [];
    const collect = ((options?: unknown) => {
      calls.push(options);
    }) as NodeJS.GCFunction;
    const garbage = new StreamGarbage(collect, 100);
    garbage.streamed(60);
    expect(calls).toEqual([]);
    garbage.streamed(40);
    expect(calls).toEqual([{ type: 'minor' }]);
    garbage.streamed(99);
    expect(calls).toHaveLength(1);
    garbage.streamed(1);
    expect(calls).toHaveLength(2);
    expect(garbage.collections).toBe(2);
  });

  it('does nothing without a gc function', () => {
    const garbage = new StreamGarbage(undefined, 1);
    garbage.streamed(10);
    expect(garbage.collections).toBe(0);
  });
});
