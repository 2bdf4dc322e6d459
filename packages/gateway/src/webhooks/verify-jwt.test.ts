import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signHs256, verifyAtlassianJwt } from './verify-jwt.js';

const SECRET = 'oauth-client-secret-of-the-app';
const NOW = 1_760_000_000; // seconds
const claims = { iss: 'atlassian', iat: NOW - 5, exp: NOW + 175 };
const bearer = (token: string) => `Bearer ${token}`;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function tokenWith(header: Record<string, unknown>, payload: Record<string, unknown>, secret = SECRET): string {
  const head = b64(header);
  const body = b64(payload);
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

describe('Atlassian 3LO webhook JWT verification', () => {
  it('accepts an HS256 token signed with the client secret and returns its claims', () => {
    const result = verifyAtlassianJwt(bearer(signHs256(claims, SECRET)), [SECRET], { now: NOW });
    expect(result).toEqual({ ok: true, secretIndex: 0, claims });
  });

  it('accepts either client secret during a rotation', () => {
    const token = signHs256(claims, 'new-secret');
    expect(verifyAtlassianJwt(bearer(token), [SECRET, 'new-secret'], { now: NOW })).toMatchObject({
      ok: true,
      secretIndex: 1,
    });
    expect(verifyAtlassianJwt(bearer(token), [SECRET], { now: NOW })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a wrong secret and tampered claims', () => {
    expect(verifyAtlassianJwt(bearer(signHs256(claims, 'other')), [SECRET], { now: NOW })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    const [head, , sig] = signHs256(claims, SECRET).split('.');
    const forged = `${head}.${b64({ ...claims, exp: NOW + 99_999 })}.${sig}`;
    expect(verifyAtlassianJwt(bearer(forged), [SECRET], { now: NOW })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses every algorithm but HS256, including none and a public-key algorithm', () => {
    for (const alg of ['none', 'HS512', 'HS384', 'RS256', 'ES256', undefined]) {
      const token = tokenWith({ alg, typ: 'JWT' }, claims);
      expect(verifyAtlassianJwt(bearer(token), [SECRET], { now: NOW })).toMatchObject({
        ok: false,
        reason: 'unsupported_alg',
      });
    }
    const unsigned = `${b64({ alg: 'none' })}.${b64(claims)}.`;
    expect(verifyAtlassianJwt(bearer(unsigned), [SECRET], { now: NOW })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('checks exp, nbf and iat with a leeway', () => {
    const expired = signHs256({ exp: NOW - 61 }, SECRET);
    expect(verifyAtlassianJwt(bearer(expired), [SECRET], { now: NOW })).toMatchObject({ ok: false, reason: 'expired' });
    const withinLeeway = signHs256({ exp: NOW - 59 }, SECRET);
    expect(verifyAtlassianJwt(bearer(withinLeeway), [SECRET], { now: NOW })).toMatchObject({ ok: true });
    expect(verifyAtlassianJwt(bearer(withinLeeway), [SECRET], { now: NOW, leewaySeconds: 0 })).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    const early = signHs256({ nbf: NOW + 120 }, SECRET);
    expect(verifyAtlassianJwt(bearer(early), [SECRET], { now: NOW })).toMatchObject({
      ok: false,
      reason: 'not_yet_valid',
    });
    const future = signHs256({ iat: NOW + 120 }, SECRET);
    expect(verifyAtlassianJwt(bearer(future), [SECRET], { now: NOW })).toMatchObject({
      ok: false,
      reason: 'not_yet_valid',
    });
    const notANumber = signHs256({ exp: 'never' }, SECRET);
    expect(verifyAtlassianJwt(bearer(notANumber), [SECRET], { now: NOW })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('requires exp only when asked to, and checks iss only when an issuer is configured', () => {
    const noExp = signHs256({ iss: 'atlassian' }, SECRET);
    expect(verifyAtlassianJwt(bearer(noExp), [SECRET], { now: NOW })).toMatchObject({ ok: true });
    expect(verifyAtlassianJwt(bearer(noExp), [SECRET], { now: NOW, requireExp: true })).toMatchObject({
      ok: false,
      reason: 'expired',
      detail: 'the token has no "exp" claim',
    });
    expect(verifyAtlassianJwt(bearer(noExp), [SECRET], { now: NOW, issuer: 'atlassian' })).toMatchObject({ ok: true });
    expect(verifyAtlassianJwt(bearer(noExp), [SECRET], { now: NOW, issuer: 'someone-else' })).toMatchObject({
      ok: false,
      reason: 'issuer_mismatch',
    });
  });

  it('refuses missing, non-bearer and malformed Authorization headers', () => {
    expect(verifyAtlassianJwt(undefined, [SECRET])).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifyAtlassianJwt('', [SECRET])).toMatchObject({ ok: false, reason: 'missing' });
    const token = signHs256(claims, SECRET);
    for (const bad of [`Basic ${token}`, `JWT ${token}`, 'Bearer', 'Bearer a.b', 'Bearer a.b.c.d', 'Bearer a.b+c.d']) {
      expect(verifyAtlassianJwt(bad, [SECRET], { now: NOW })).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(verifyAtlassianJwt(`Bearer ${b64('x')}.${b64(claims)}.c2ln`, [SECRET])).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyAtlassianJwt([bearer(token), bearer(token)], [SECRET])).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyAtlassianJwt(`bearer ${token}`, [SECRET], { now: NOW })).toMatchObject({ ok: true });
  });

  it('refuses everything when no client secret is configured', () => {
    expect(verifyAtlassianJwt(bearer(signHs256(claims, '')), [''], { now: NOW })).toMatchObject({
      ok: false,
      reason: 'no_secret',
    });
  });
});
