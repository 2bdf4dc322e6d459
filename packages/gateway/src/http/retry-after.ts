/**
 * Reading the vendor's "come back later" signals. Atlassian sends, in order of authority (FACTS §2):
 * `Retry-After` (seconds; some 503s too), `Beta-Retry-After` (the 2026 points quota while in beta),
 * `X-RateLimit-Reset` (ISO-8601 `yyyy-MM-ddTHH:mmZ`), and `Beta-RateLimit: "<policy>";r=<n>;t=<secs>`.
 * `RateLimit-Reason` tells a per-second burst from an hourly quota.
 */

/** Response headers as undici gives them: lower-case names, repeated ones as arrays. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** No vendor hint is believed beyond a day: anything longer is reported as a day. */
export const MAX_HINT_MS = 24 * 60 * 60 * 1000;

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;
/** IMF-fixdate, the only HTTP-date form RFC 9110 lets senders use: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
/** ISO-8601 with a zone, as Jira's X-RateLimit-Reset: `2026-03-02T10:15Z`, `2026-03-02T10:15:30.000+00:00`. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
/** Integers from here on are epoch seconds (2001-09-09), below it they are a number of seconds to wait. */
const EPOCH_SECONDS_FROM = 1_000_000_000;

function clampMs(ms: number): number | undefined {
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_HINT_MS, Math.max(0, Math.ceil(ms)));
}

function untilInstant(value: string, nowMs: number): number | undefined {
  if (!IMF_FIXDATE.test(value) && !ISO_INSTANT.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : clampMs(at - nowMs);
}

/** `Retry-After`: delay-seconds or an HTTP-date. Answers the wait in ms, or undefined when unreadable. */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const v = value.trim();
  if (DELAY_SECONDS.test(v)) return clampMs(Number(v) * 1000);
  return untilInstant(v, nowMs);
}

/** Reset headers: an ISO-8601 instant, an HTTP-date, epoch seconds, or seconds from now. */
export function parseReset(value: string, nowMs: number): number | undefined {
  const v = value.trim();
  if (DELAY_SECONDS.test(v)) {
    const n = Number(v);
    return clampMs(n >= EPOCH_SECONDS_FROM ? n * 1000 - nowMs : n * 1000);
  }
  return untilInstant(v, nowMs);
}

/** `t=<seconds>` from a structured `Beta-RateLimit: "global-app-quota";r=0;t=120` header. */
function betaRateLimitReset(value: string): number | undefined {
  const match = /(?:^|;)\s*t=(\d+)/.exec(value);
  return match?.[1] === undefined ? undefined : clampMs(Number(match[1]) * 1000);
}

export type HintSource = 'retry-after' | 'beta-retry-after' | 'x-ratelimit-reset' | 'beta-ratelimit';

export interface RetryHint {
  /** How long the vendor asks us to wait, in ms (0..MAX_HINT_MS). */
  delayMs: number;
  source: HintSource;
}

const SOURCES: Array<[HintSource, string, (value: string, nowMs: number) => number | undefined]> = [
  ['retry-after', 'retry-after', parseRetryAfter],
  ['beta-retry-after', 'beta-retry-after', parseRetryAfter],
  ['x-ratelimit-reset', 'x-ratelimit-reset', parseReset],
  ['x-ratelimit-reset', 'x-beta-ratelimit-reset', parseReset],
  ['beta-ratelimit', 'beta-ratelimit', (value) => betaRateLimitReset(value)],
  ['beta-ratelimit', 'ratelimit', (value) => betaRateLimitReset(value)],
];

/** The first readable hint in order of authority; an unreadable header falls through to the next one. */
export function retryHint(headers: HeaderBag, nowMs: number): RetryHint | undefined {
  for (const [source, name, parse] of SOURCES) {
    const raw = headerValue(headers, name);
    if (raw === undefined) continue;
    const delayMs = parse(raw, nowMs);
    if (delayMs !== undefined) return { delayMs, source };
  }
  return undefined;
}

/**
 * What a 429 throttles. `burst`: slow down and retry soon. `per-issue-write`: space out writes to one issue.
 * `quota`: the hourly points quota is spent; retrying before the reset only earns a longer wait.
 */
export type RateLimitScope = 'burst' | 'per-issue-write' | 'quota' | 'unknown';

export function rateLimitScope(headers: HeaderBag): { scope: RateLimitScope; reason?: string } {
  const reason = headerValue(headers, 'ratelimit-reason') ?? headerValue(headers, 'x-beta-ratelimit-reason');
  if (reason === undefined) return { scope: 'unknown' };
  const r = reason.toLowerCase();
  if (r.includes('quota')) return { scope: 'quota', reason };
  if (r.includes('per-issue')) return { scope: 'per-issue-write', reason };
  if (r.includes('burst')) return { scope: 'burst', reason };
  return { scope: 'unknown', reason };
}
