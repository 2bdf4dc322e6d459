import { describe, expect, it } from 'vitest';
import { nextUrl, pollCql } from './search.js';

describe('pollCql', () => {
  const now = Date.parse('2026-11-23T12:00:00.000Z');

  it('starts the window a whole number of minutes back, rounded up, never later than asked', () => {
    expect(pollCql(now - 10 * 60_000, now, [])).toBe(
      'type = page AND lastmodified >= now("-10m") ORDER BY lastmodified ASC',
    );
    expect(pollCql(now - 10 * 60_000 - 1, now, [])).toContain('now("-11m")');
    expect(pollCql(now - 5_000, now, [])).toContain('now("-1m")');
    expect(pollCql(now + 60_000, now, [])).toContain('now("-1m")');
  });

  it('restricts to the spaces, quoted', () => {
    expect(pollCql(now - 60_000, now, ['ENG', '~5b10ac8d'])).toBe(
      'type = page AND lastmodified >= now("-1m") AND space in ("ENG","~5b10ac8d") ORDER BY lastmodified ASC',
    );
  });
});

describe('nextUrl', () => {
  const wiki = 'https://api.atlassian.com/ex/confluence/cloud-1/wiki';

  it('puts the next link’s path and query on the connection’s own wiki root', () => {
    expect(nextUrl(wiki, '/rest/api/search?cql=type%3Dpage&cursor=abc')?.href).toBe(
      `${wiki}/rest/api/search?cql=type%3Dpage&cursor=abc`,
    );
    expect(nextUrl(wiki, '/wiki/rest/api/search?cursor=abc')?.href).toBe(`${wiki}/rest/api/search?cursor=abc`);
    // Another host in the link is dropped: the credential only ever goes to the connection's root.
    expect(nextUrl(wiki, 'https://evil.example/rest/api/search?cursor=abc')?.href).toBe(
      `${wiki}/rest/api/search?cursor=abc`,
    );
  });

  it('ends on no link and refuses a link elsewhere than the search', () => {
    expect(nextUrl(wiki, null)).toBeUndefined();
    expect(nextUrl(wiki, '')).toBeUndefined();
    expect(() => nextUrl(wiki, '/rest/api/content/123')).toThrow(/unexpected next link/);
  });
});
