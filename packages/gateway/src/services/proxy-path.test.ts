import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { checkProxyPath, proxyPathOf, upstreamUrl } from './proxy-path.js';
import { productOfPath } from './proxy-root.js';

const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION');
    return (err as AppError).message;
  }
  throw new Error('expected a VALIDATION error');
};

describe('proxied paths', () => {
  it.each([
    '/rest/api/3/issue/PROJ-1',
    '/wiki/api/v2/pages/123',
    '/repositories/ws/repo/pullrequests',
    '/repositories/ws/repo/pipelines/%7Bb1c2%7D/steps',
    '/rest/api/latest/projects/KEY/repos/my.repo/browse/src/a.b..c',
    '/rest/api/3/user/search:fancy',
    '/wiki/rest/api/content/123/child/attachment/file%20name.pdf',
  ])('passes %s unchanged', (path) => {
    expect(checkProxyPath(path)).toBe(path);
  });

  it.each([
    ['/https://evil.example/x', 'absolute URL'],
    ['/http:evil.example', 'absolute URL'],
    ['//evil.example/rest', 'scheme-relative'],
    ['/rest//api', 'empty segment'],
    ['/rest/../admin', 'dot segment'],
    ['/rest/./api', 'dot segment'],
    ['/rest/api/..', 'dot segment'],
    ['/rest/%2e%2e/admin', 'dot segment'],
    ['/rest/%2E%2E/admin', 'dot segment'],
    ['/rest/.%2e/admin', 'dot segment'],
    ['/rest/%252e%252e/admin', 'dot segment'],
    ['/rest/%25252e%25252e/admin', 'dot segment'],
    ['/rest\\..\\admin', 'backslash'],
    ['/rest/%5c../admin', 'encoded slash or backslash'],
    ['/rest/%2f%2fevil.example', 'encoded slash or backslash'],
    ['/rest/a%2Fb', 'encoded slash or backslash'],
    ['/rest/%252f..', 'encoded slash or backslash'],
    ['/%68ttps:evil.example', 'absolute URL'],
    ['/%68ttps://evil.example', 'scheme-relative'],
    ['/rest/%00', 'control character'],
    ['/rest/%0d%0aHost:%20evil', 'control character'],
    ['/rest/%zz', 'malformed'],
    ['/', 'name a resource'],
    ['rest/api', 'name a resource'],
  ])('refuses %s (%s)', (path, why) => {
    expect(refused(() => checkProxyPath(path))).toContain(why);
  });

  it('splits the raw URL after /proxy into path and query, keeping the query as sent', () => {
    expect(proxyPathOf('/v1/connections/con_1/proxy/rest/api/3/search/jql?jql=project%3DA&fields=*all')).toEqual({
      path: '/rest/api/3/search/jql',
      query: 'jql=project%3DA&fields=*all',
    });
    expect(proxyPathOf('/v1/connections/con_1/proxy/user')).toEqual({ path: '/user', query: '' });
    expect(refused(() => proxyPathOf('/v1/connections/con_1/proxy?x=1'))).toContain('name a resource');
    expect(refused(() => proxyPathOf('/v1/connections/con_1/proxy/%2e%2e/%2e%2e/keys'))).toContain('dot segment');
  });

  it('builds the upstream URL under the API root and never off its origin', () => {
    const root = 'https://api.atlassian.com/ex/jira/c-1';
    expect(upstreamUrl(new URL(root), { path: '/rest/api/3/myself', query: 'expand=groups' }).href).toBe(
      'https://api.atlassian.com/ex/jira/c-1/rest/api/3/myself?expand=groups',
    );
    expect(upstreamUrl(new URL('https://api.bitbucket.org/2.0'), { path: '/user', query: '' }).href).toBe(
      'https://api.bitbucket.org/2.0/user',
    );
    // Unchecked input cannot leave the root either: the last line of defence.
    expect(refused(() => upstreamUrl(new URL(root), { path: '/../../ex/jira/other/rest', query: '' }))).toContain(
      'leaves the API root',
    );
    expect(refused(() => upstreamUrl(new URL(root), { path: '@evil.example', query: '' }))).toContain(
      'leaves the API root',
    );
  });

  it('routes Atlassian Cloud paths by product', () => {
    expect(productOfPath('/rest/api/3/myself')).toBe('jira');
    expect(productOfPath('/rest/agile/1.0/board')).toBe('jira');
    expect(productOfPath('/wiki/api/v2/pages')).toBe('confluence');
    expect(productOfPath('/wiki')).toBe('confluence');
    expect(productOfPath('/wikipedia')).toBeUndefined();
    expect(productOfPath('/gateway/api/graphql')).toBeUndefined();
  });
});
