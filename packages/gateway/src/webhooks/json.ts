/**
 * Typed reads from untrusted JSON. Vendors' payloads are parsed to `unknown` and every field is read through
 * these, so a missing or mistyped field becomes `null` (or an empty list) instead of a crash or an `any`.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export function obj(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** Follows a path of keys through nested objects: `at(pr, 'source', 'branch', 'name')`. */
export function at(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    const o = obj(current);
    if (o === null) return undefined;
    current = o[key];
  }
  return current;
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A non-empty string, or a finite number written as a string (vendor ids come as either). */
export function id(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

export function arr(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Drops nulls: the vendor ids an entity keeps are only those the payload carried. */
export function compact(entries: Record<string, string | number | null>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(entries)) if (value !== null) out[key] = value;
  return out;
}

/**
 * A vendor timestamp as ISO-8601 UTC: epoch milliseconds (Bitbucket DC, Jira `timestamp`), ISO strings with
 * `+00:00`, `Z` or a colon-less offset (`2019-08-27T12:43:24.193-0700`, as Jira and Bitbucket DC write them).
 */
export function isoTime(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(colonOffset(value));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/** `…-0700` → `…-07:00` (Date.parse wants the colon); anything else as it is. Every event has a few of these. */
function colonOffset(value: string): string {
  const n = value.length;
  const sign = value.charCodeAt(n - 5);
  if (n < 5 || (sign !== 43 && sign !== 45)) return value; // '+', '-'
  for (let i = n - 4; i < n; i++) if (!isDigit(value.charCodeAt(i))) return value;
  return `${value.slice(0, n - 2)}:${value.slice(n - 2)}`;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses a verified body. Only after verification: the bytes are not trusted before. */
export function parseJson(raw: Uint8Array): ParsedJson {
  return parseJsonText(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
}

/** Parses a verified body already decoded (ingest keeps the same text as the raw payload). */
export function parseJsonText(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}
