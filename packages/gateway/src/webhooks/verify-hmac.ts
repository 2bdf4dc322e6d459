import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Hub-Signature: sha256=<hex>`: HMAC-SHA256 of the exact bytes received, keyed with the hook's secret. Bitbucket
 * Cloud, Bitbucket Data Center, Jira Cloud admin webhooks and Confluence Data Center all sign this way.
 *
 * The digest is computed over the raw body as it arrived, never over re-serialized JSON (key order, spacing and
 * escapes would differ). Comparison is constant-time. During a rotation the hook has two secrets and either one
 * is accepted; the answer says which, (its index in the list given), so the caller can retire the old one once nothing signs with it.
 */

export type HmacFailure = 'missing' | 'malformed' | 'mismatch' | 'no_secret';

export type HmacResult = { ok: true; secretIndex: number } | { ok: false; reason: HmacFailure; detail: string };

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const OTHER_ALGORITHM = /^([a-z0-9-]+)=/i;

/** The header value a sender with `secret` puts on `body`. */
export function hubSignature(body: Uint8Array | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Checks a signature header against every configured secret (empty ones are ignored). All secrets are tried even
 * after a match, so the time taken does not depend on which one matched.
 */
export function verifyHubSignature(
  body: Uint8Array,
  header: string | readonly string[] | undefined,
  secrets: readonly string[],
): HmacResult {
  if (!secrets.some((s) => s !== '')) {
    return { ok: false, reason: 'no_secret', detail: 'no webhook secret is configured for this hook' };
  }
  if (header === undefined || header === '' || (Array.isArray(header) && header.length === 0)) {
    return { ok: false, reason: 'missing', detail: 'the X-Hub-Signature header is missing' };
  }
  if (typeof header !== 'string') {
    return { ok: false, reason: 'malformed', detail: 'more than one X-Hub-Signature header' };
  }
  const value = header.trim();
  const match = SIGNATURE.exec(value);
  if (match?.[1] === undefined) {
    const algorithm = OTHER_ALGORITHM.exec(value)?.[1];
    const detail =
      algorithm !== undefined && algorithm.toLowerCase() !== 'sha256'
        ? `unsupported signature algorithm "${algorithm}" (expected sha256)`
        : 'X-Hub-Signature is not of the form sha256=<64 hex digits>';
    return { ok: false, reason: 'malformed', detail };
  }
  const presented = Buffer.from(match[1], 'hex');
  let matched = -1;
  secrets.forEach((secret, index) => {
    if (secret === '') return;
    const expected = createHmac('sha256', secret).update(body).digest();
    if (timingSafeEqual(expected, presented) && matched === -1) matched = index;
  });
  if (matched === -1) {
    return {
      ok: false,
      reason: 'mismatch',
      detail: 'the signature does not match the body with any configured secret',
    };
  }
  return { ok: true, secretIndex: matched };
}
