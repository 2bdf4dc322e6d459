import type { Dispatcher } from 'undici';
import { REDACTED, redactText } from '../errors/redact.js';

/** Read at most `maxBytes` of an upstream body as text; the rest is discarded (a hostile upstream cannot flood us). */
export async function readText(body: Dispatcher.ResponseData['body'], maxBytes = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buf.subarray(0, Math.max(0, maxBytes - size)));
    size += buf.length;
    if (size >= maxBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** The human message inside an Atlassian or Bitbucket error body, whichever shape it has. */
function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const nested = b.error as Record<string, unknown> | undefined; // Bitbucket Cloud: {error: {message, detail}}
  if (typeof nested === 'object' && nested !== null) {
    const m = str(nested.message);
    const d = str(nested.detail);
    if (m !== undefined) return d !== undefined ? `${m} ${d}` : m;
  }
  const list = (Array.isArray(b.errorMessages) ? b.errorMessages : []) // Jira: {errorMessages: [...]}
    .concat(Array.isArray(b.errors) ? b.errors.map((e: { message?: unknown }) => e?.message) : []) // Bitbucket DC
    .map(str)
    .filter((s): s is string => s !== undefined);
  if (list.length > 0) return list.join('; ');
  return str(b.message) ?? str(b.error_description) ?? str(b.error);
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

/**
 * What the vendor said, fit to quote back to a caller: the given secrets and anything that looks like a
 * credential scrubbed, control characters and HTML dropped, whitespace collapsed, at most `max` characters.
 * Undefined when there is nothing readable.
 */
export function vendorMessage(text: string, secrets: string[] = [], max = 240): string | undefined {
  let raw = messageOf(parseJson(text)) ?? (/^\s*</.test(text) ? undefined : text);
  if (raw === undefined) return undefined;
  for (const secret of secrets) raw = raw.split(secret).join(REDACTED);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = redactText(raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ')).trim();
  if (clean === '') return undefined;
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
