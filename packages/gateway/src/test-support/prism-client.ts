import { inject } from 'vitest';
import type { MockName } from './prism-specs.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Prism control service of global-setup.ts. */
    prismControl: string;
  }
}

/**
 * The base URLs of the named Prism mocks, started on first use and shared by the whole run. Call it in
 * `beforeAll` (the first start takes a few seconds per spec, in parallel).
 */
export async function prismMocks<N extends MockName>(names: readonly N[]): Promise<Record<N, string>> {
  const res = await fetch(`${inject('prismControl')}/mocks?names=${names.join(',')}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`starting Prism mocks ${names.join(', ')} failed: ${text}`);
  return JSON.parse(text) as Record<N, string>;
}

type HeaderSource = { headers: Headers } | { headers: Record<string, string | string[] | number | undefined> };

function headerOf(res: HeaderSource, name: string): string | undefined {
  if (res.headers instanceof Headers) return res.headers.get(name) ?? undefined;
  const v = res.headers[name];
  return v === undefined ? undefined : String(v);
}

/**
 * The request violations in a Prism answer's `sl-violations` header (location `request…`). Prism also
 * lists there what is wrong with answers it generated itself (location `response…`, common in dynamic
 * mode): those say nothing about the gateway and are left out. An unreadable header counts as a violation.
 */
export function requestViolations(header: string | undefined): string[] {
  if (header === undefined) return [];
  // With many (often dynamic-mode response) violations Prism prefixes the list with `Too many violations! `.
  const prefix = 'Too many violations! ';
  const truncated = header.startsWith(prefix);
  const list = truncated ? header.slice(prefix.length) : header;
  let parsed: unknown;
  try {
    parsed = JSON.parse(list);
  } catch {
    // A list we cannot read counts as a violation unless it is visibly about Prism's own answers only.
    const onlyResponse =
      truncated && !list.includes('"location":["request"') && list.includes('"location":["response"');
    return onlyResponse ? [] : [header];
  }
  if (!Array.isArray(parsed)) return [header];
  return parsed
    .filter((v: { location?: unknown }) => !Array.isArray(v.location) || v.location[0] !== 'response')
    .map((v: { message?: unknown }) => (typeof v.message === 'string' ? v.message : JSON.stringify(v)));
}

/**
 * Fail unless the mock accepted the request: Prism answers a request that breaks the spec with a 400/422
 * and its reasons in `sl-violations`, which the proxy passes back like any vendor header.
 */
export function expectNoViolations(res: HeaderSource, what = 'request'): void {
  const violations = requestViolations(headerOf(res, 'sl-violations'));
  if (violations.length > 0) {
    throw new Error(`Prism refused the ${what} as violating the vendor's OpenAPI spec: ${violations.join('; ')}`);
  }
}

/**
 * The request violations of one Prism answer, and its body to relay. Prism names violations in `sl-violations`,
 * except when the spec declares no answer for an invalid request: it then refuses on its own with a 422
 * (`…/prism/errors#UNPROCESSABLE_ENTITY`) whose reasons are only in the body — read here, so such a refusal
 * fails a contract test as surely as a listed violation does.
 */
export async function answerViolations(answer: {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<unknown> & { text(): Promise<string> };
}): Promise<{ violations: string[]; body: AsyncIterable<unknown> | string }> {
  const header = answer.headers['sl-violations'];
  const listed = requestViolations(Array.isArray(header) ? header.join(',') : header);
  const type = String(answer.headers['content-type'] ?? '');
  if (answer.statusCode !== 422 || header !== undefined || !type.includes('json')) {
    return { violations: listed, body: answer.body };
  }
  const text = await answer.body.text();
  let refusal: { type?: unknown; validation?: Array<{ location?: unknown; message?: unknown }> } | undefined;
  try {
    refusal = JSON.parse(text) as typeof refusal;
  } catch {
    refusal = undefined;
  }
  const fromPrism = typeof refusal?.type === 'string' && refusal.type.includes('prism/errors');
  const reasons = (fromPrism ? (refusal?.validation ?? []) : []).map(
    (v) => `${Array.isArray(v.location) ? v.location.join('.') : '?'}: ${String(v.message)}`,
  );
  return { violations: fromPrism && reasons.length === 0 ? [text] : reasons, body: text };
}
