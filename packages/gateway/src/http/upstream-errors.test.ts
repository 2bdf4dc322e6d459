import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { credentialStrings, MAX_VENDOR_MESSAGE, upstreamError, vendorMessage } from './upstream-errors.js';

const res = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: Readable.from([body]),
});

describe('vendor messages', () => {
  it('reads the error shapes of Jira, Confluence and Bitbucket', () => {
    expect(vendorMessage('{"errorMessages":["Issue does not exist"],"errors":{}}')).toBe('Issue does not exist');
    expect(vendorMessage('{"errorMessages":[],"errors":{"summary":"Field required"}}')).toBe('summary: Field required');
    expect(vendorMessage('{"errors":[{"status":400,"title":"Invalid cursor","detail":null}]}')).toBe('Invalid cursor');
    expect(vendorMessage('{"type":"error","error":{"message":"Repository not found","detail":"w/r"}}')).toBe(
      'Repository not found (w/r)',
    );
    expect(vendorMessage('{"errors":[{"context":null,"message":"Project FOO does not exist."}]}')).toBe(
      'Project FOO does not exist.',
    );
    expect(vendorMessage('{"message":"Could not parse cql"}')).toBe('Could not parse cql');
  });

  it('scrubs the caller’s own credential in any form the vendor echoes, and control characters', () => {
    const basic = `Basic ${Buffer.from('jane@example.com:tok-3f9a8b7c').toString('base64')}`;
    const secrets = credentialStrings(basic);
    expect(vendorMessage('{"message":"token tok-3f9a8b7c is not valid"}', secrets)).toBe(
      'token [REDACTED] is not valid',
    );
    expect(vendorMessage('{"message":"bad jane@example.com:tok-3f9a8b7c"}', secrets)).toBe('bad [REDACTED]');
    expect(vendorMessage('bad\u0000\u0007 thing\n\n  here')).toBe('bad thing here');
    expect(vendorMessage('{"message":"\\u0000 "}')).toBeUndefined();
  });

  it('drops HTML pages, scrubs secrets and truncates', () => {
    expect(vendorMessage('<!DOCTYPE html><html>Oops</html>')).toBeUndefined();
    expect(vendorMessage('{"message":"rejected Bearer abc.def.ghi for access_token=xyz"}')).toBe(
      'rejected Bearer [REDACTED] for access_token=[REDACTED]',
    );
    const long = vendorMessage(JSON.stringify({ message: 'x'.repeat(1000) }));
    expect(long?.length).toBe(MAX_VENDOR_MESSAGE);
  });
});

describe('upstreamError', () => {
  it('keeps the vendor status on 4xx', async () => {
    const err = await upstreamError(res(404, '{"errorMessages":["Issue does not exist"]}'));
    expect(err.code).toBe('VENDOR_ERROR');
    expect(err.status).toBe(404);
    expect(err.message).toBe('The vendor answered HTTP 404: Issue does not exist');
  });

  it('a 409 (stale version) is CONFLICT', async () => {
    const err = await upstreamError(res(409, '{"message":"Version must be incremented"}'));
    expect(err.code).toBe('CONFLICT');
  });

  it('429 → RATE_LIMITED with the vendor retry_after; 5xx → UPSTREAM_UNAVAILABLE', async () => {
    const now = Date.UTC(2026, 2, 2, 10, 0, 0);
    const limited = await upstreamError(
      res(429, 'Rate limit for this resource has been exceeded', { 'x-ratelimit-reset': '2026-03-02T10:05Z' }),
      now,
    );
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.retryAfter).toBe(300);
    expect(limited.message).toContain('Rate limit for this resource has been exceeded');
    const down = await upstreamError(res(503, ''));
    expect(down.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(down.retryAfter).toBe(5);
  });
});
