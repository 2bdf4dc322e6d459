import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../test-support/webhook-fixtures.js';
import { hubSignature, verifyHubSignature } from './verify-hmac.js';

// The real delivery bitbucket.org sent on 2025-05-16, unmodified (../shared/atlassian/MANIFEST.md).
const CAPTURE = 'bitbucket-cloud/repo_push.signed.json';
const REAL_SECRET = 'Gkvl$k$wyNpQAF42';
const REAL_SIGNATURE = 'sha256=f205c729821c6954aff2afe72b965c34015b4baf96ea8ddc2cc44999c014a035';

describe('X-Hub-Signature verification', () => {
  it('accepts the captured Bitbucket Cloud delivery with its real signature over the exact file bytes', () => {
    const body = fixtureBytes(CAPTURE);
    expect(verifyHubSignature(body, REAL_SIGNATURE, [REAL_SECRET])).toEqual({ ok: true, secretIndex: 0 });
    expect(hubSignature(body, REAL_SECRET)).toBe(REAL_SIGNATURE);
  });

  it('refuses the same payload re-serialized: the digest is over the raw bytes, not the JSON value', () => {
    const body = fixtureBytes(CAPTURE);
    const value: unknown = JSON.parse(body.toString('utf8'));
    // This capture happens to be compact JSON that JSON.stringify reproduces byte for byte; any other layout
    // (a pretty-printer, another serializer's spacing, a trailing newline) changes the bytes and fails.
    expect(Buffer.from(JSON.stringify(value)).equals(body)).toBe(true);
    for (const reserialized of [
      JSON.stringify(value, null, 2),
      JSON.stringify(value, null, '\t'),
      `${body.toString('utf8')}\n`,
    ]) {
      const bytes = Buffer.from(reserialized);
      expect(bytes.equals(body)).toBe(false);
      expect(verifyHubSignature(bytes, REAL_SIGNATURE, [REAL_SECRET])).toMatchObject({ ok: false, reason: 'mismatch' });
    }
  });

  it('refuses a tampered body', () => {
    const tampered = Buffer.from(fixtureBytes(CAPTURE).toString('utf8').replace('feature/webhook', 'feature/webhooK'));
    expect(verifyHubSignature(tampered, REAL_SIGNATURE, [REAL_SECRET])).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    const oneByte = Buffer.from(fixtureBytes(CAPTURE));
    oneByte[oneByte.length - 2] = (oneByte[oneByte.length - 2] ?? 0) ^ 1;
    expect(verifyHubSignature(oneByte, REAL_SIGNATURE, [REAL_SECRET])).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a wrong secret', () => {
    const result = verifyHubSignature(fixtureBytes(CAPTURE), REAL_SIGNATURE, ['Gkvl$k$wyNpQAF43']);
    expect(result).toEqual({
      ok: false,
      reason: 'mismatch',
      detail: 'the signature does not match the body with any configured secret',
    });
  });

  it('refuses a missing header with a clear reason', () => {
    for (const header of [undefined, '', [] as string[]]) {
      expect(verifyHubSignature(fixtureBytes(CAPTURE), header, [REAL_SECRET])).toMatchObject({
        ok: false,
        reason: 'missing',
        detail: 'the X-Hub-Signature header is missing',
      });
    }
  });

  it('accepts either secret during a rotation and says which one matched', () => {
    const body = fixtureBytes(CAPTURE);
    expect(verifyHubSignature(body, REAL_SIGNATURE, ['the-new-secret', REAL_SECRET])).toEqual({
      ok: true,
      secretIndex: 1,
    });
    expect(verifyHubSignature(body, REAL_SIGNATURE, [REAL_SECRET, 'the-new-secret'])).toEqual({
      ok: true,
      secretIndex: 0,
    });
    const signedWithNew = hubSignature(body, 'the-new-secret');
    expect(verifyHubSignature(body, signedWithNew, [REAL_SECRET, 'the-new-secret'])).toEqual({
      ok: true,
      secretIndex: 1,
    });
    expect(verifyHubSignature(body, signedWithNew, [REAL_SECRET])).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses malformed headers, naming what is wrong', () => {
    const body = fixtureBytes(CAPTURE);
    const sha1 = verifyHubSignature(body, 'sha1=0123456789abcdef0123456789abcdef01234567', [REAL_SECRET]);
    expect(sha1).toEqual({
      ok: false,
      reason: 'malformed',
      detail: 'unsupported signature algorithm "sha1" (expected sha256)',
    });
    for (const bad of [
      'f205c729',
      'sha256=',
      'sha256=xyz',
      `${REAL_SIGNATURE}00`,
      `sha256 ${REAL_SIGNATURE.slice(7)}`,
    ]) {
      expect(verifyHubSignature(body, bad, [REAL_SECRET])).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(verifyHubSignature(body, [REAL_SIGNATURE, REAL_SIGNATURE], [REAL_SECRET])).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: 'more than one X-Hub-Signature header',
    });
  });

  it('accepts upper-case hex and surrounding whitespace', () => {
    const body = fixtureBytes(CAPTURE);
    const upper = `sha256=${REAL_SIGNATURE.slice(7).toUpperCase()}`;
    expect(verifyHubSignature(body, ` ${upper} `, [REAL_SECRET])).toEqual({ ok: true, secretIndex: 0 });
  });

  it('refuses everything when no secret is configured (empty secrets do not count)', () => {
    const body = fixtureBytes(CAPTURE);
    expect(verifyHubSignature(body, REAL_SIGNATURE, [])).toMatchObject({ ok: false, reason: 'no_secret' });
    expect(verifyHubSignature(body, hubSignature(body, ''), [''])).toMatchObject({ ok: false, reason: 'no_secret' });
    expect(verifyHubSignature(body, REAL_SIGNATURE, ['', REAL_SECRET])).toEqual({ ok: true, secretIndex: 1 });
  });
});
