import type { Readable } from 'node:stream';
import { AppError } from '../errors/app-error.js';
import { REDACTED, redactText } from '../errors/redact.js';
import { readSnippet } from './body.js';
import { type HeaderBag, rateLimitScope, retryHint } from './retry-after.js';
import { classifyError } from './retry-policy.js';

/**
 * Turning an upstream outcome into the envelope's errors: 429 → RATE_LIMITED with retry_after; 409 → CONFLICT
 * (a stale version); other 4xx → VENDOR_ERROR keeping the vendor's status; 5xx and transport failures →
 * UPSTREAM_UNAVAILABLE. Vendor messages are quoted sanitized (redactText) and truncated.
 */
export const MAX_VENDOR_MESSAGE = 300;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function fromJson(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  // Jira: {errorMessages: [..], errors: {field: msg}}
  if (Array.isArray(b.errorMessages)) for (const m of b.errorMessages) if (text(m)) parts.push(text(m) as string);
  if (typeof b.errors === 'object' && b.errors !== null && !Array.isArray(b.errors)) {
    for (const [field, m] of Object.entries(b.errors)) if (text(m)) parts.push(`${field}: ${text(m)}`);
  }
  // Confluence v2 {errors: [{title, detail}]}, Bitbucket DC {errors: [{message}]}
  if (Array.isArray(b.errors)) {
    for (const e of b.errors as Array<Record<string, unknown>>) {
      const m = text(e?.message) ?? text(e?.detail) ?? text(e?.title);
      if (m) parts.push(m);
    }
  }
  // Bitbucket Cloud {type: 'error', error: {message, detail}}
  if (typeof b.error === 'object' && b.error !== null) {
    const e = b.error as Record<string, unknown>;
    const m = text(e.message);
    if (m) parts.push(text(e.detail) ? `${m} (${text(e.detail)})` : m);
  }
  if (parts.length === 0) {
    const m = text(b.message) ?? text(b.error_description) ?? text(b.error);
    if (m) parts.push(m);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * The strings an Authorization header gives away: the header, its credential, and for Basic the decoded
 * `user:secret` and the secret alone. A vendor that echoes any of them must not have it quoted back.
 */
export function credentialStrings(authorization: string): string[] {
  const credential = authorization.replace(/^\S+\s+/, '');
  const out = [authorization, credential];
  if (/^basic\s/i.test(authorization)) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    out.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
  }
  return out.filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
}

/** JSON text parsed, or undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * What the vendor said, fit to quote back to a caller (JSON shapes of Jira, Confluence, Bitbucket, OAuth): the
 * given secrets (see credentialStrings) and anything that looks like a credential scrubbed, control characters
 * and HTML error pages dropped, whitespace collapsed, at most MAX_VENDOR_MESSAGE characters. Undefined when there
 * is nothing readable.
 */
export function vendorMessage(body: string, secrets: readonly string[] = []): string | undefined {
  const json = parseJson(body);
  let message = json === undefined ? (/<[a-z!]/i.test(body) ? undefined : text(body)) : fromJson(json);
  if (message === undefined) return undefined;
  for (const secret of secrets) message = message.split(secret).join(REDACTED);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const one = redactText(message.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ')).trim();
  if (one === '') return undefined;
  return one.length > MAX_VENDOR_MESSAGE ? `${one.slice(0, MAX_VENDOR_MESSAGE - 1)}…` : one;
}

export interface FailedResponse {
  status: number;
  headers: HeaderBag;
  body: Readable;
}

/** The AppError for a non-2xx upstream response; reads a little of the body and drops the rest. */
export async function upstreamError(res: FailedResponse, nowMs = Date.now()): Promise<AppError> {
  const quoted = vendorMessage(await readSnippet(res.body));
  const suffix = quoted === undefined ? '' : `: ${quoted}`;
  const hint = retryHint(res.headers, nowMs);
  const seconds = hint === undefined ? undefined : Math.max(1, Math.ceil(hint.delayMs / 1000));
  if (res.status === 429) {
    const quota = rateLimitScope(res.headers).scope === 'quota';
    return new AppError('RATE_LIMITED', `The vendor's rate limit is exhausted${suffix}`, {
      retryAfter: seconds ?? (quota ? 60 : 5),
    });
  }
  if (res.status >= 500) {
    return new AppError('UPSTREAM_UNAVAILABLE', `The vendor failed with HTTP ${res.status}${suffix}`, {
      retryAfter: seconds ?? 5,
    });
  }
  if (res.status === 409) return new AppError('CONFLICT', `The vendor reported a conflict${suffix}`);
  const status = res.status >= 400 ? res.status : 502;
  return new AppError('VENDOR_ERROR', `The vendor answered HTTP ${res.status}${suffix}`, { status });
}

/** Throws the mapped AppError unless the status is 2xx. */
export async function expectOk<R extends FailedResponse>(res: R): Promise<R> {
  if (res.status >= 200 && res.status < 300) return res;
  throw await upstreamError(res);
}

/** An AppError raised inside the dispatcher (the host guard refusing an address), however undici wrapped it. */
export function appErrorIn(err: unknown): AppError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof AppError) return e;
  }
  return undefined;
}

export function deadlineError(): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', 'The vendor did not answer within the deadline; retry later.', {
    retryAfter: 1,
  });
}

/** A transport failure after retries, without URLs or secrets in the message. */
export function transportError(err: unknown): AppError {
  const own = appErrorIn(err);
  if (own !== undefined) return own;
  const code = (err as { code?: unknown } | undefined)?.code;
  const what = typeof code === 'string' ? ` (${code})` : '';
  const kind = classifyError(err) === 'not-sent' ? 'could not be reached' : 'dropped the connection';
  return new AppError('UPSTREAM_UNAVAILABLE', `The vendor ${kind}${what}; retry shortly.`, {
    retryAfter: 5,
    cause: err,
  });
}
