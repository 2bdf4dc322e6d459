import { describe, expect, it } from 'vitest';
import { isoTime } from './json.js';

describe('isoTime', () => {
  it('reads the vendors’ timestamp forms as UTC', () => {
    expect(isoTime(1566909804193)).toBe('2019-08-27T12:43:24.193Z');
    expect(isoTime('2019-08-27T12:43:24.193Z')).toBe('2019-08-27T12:43:24.193Z');
    expect(isoTime('2019-08-27T12:43:24.193+00:00')).toBe('2019-08-27T12:43:24.193Z');
    expect(isoTime('2019-08-27T05:43:24.193-0700')).toBe('2019-08-27T12:43:24.193Z');
    expect(isoTime('2019-08-27T18:13:24.193+0530')).toBe('2019-08-27T12:43:24.193Z');
    expect(isoTime('2019-08-27T05:43:24.193-07:00')).toBe('2019-08-27T12:43:24.193Z');
    expect(isoTime('2019-08-27')).toBe('2019-08-27T00:00:00.000Z');
  });

  it('answers null for what is not a time', () => {
    for (const value of ['', 'soon', '-0700', 'T12:00-0700', null, undefined, Number.NaN, {}, true]) {
      expect(isoTime(value)).toBeNull();
    }
  });
});
