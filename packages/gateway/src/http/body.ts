import type { Readable } from 'node:stream';
import { AppError } from '../errors/app-error.js';

/**
 * Reading an upstream body when a caller does want it in memory (the normalized API; the proxy streams).
 * Bounded by size; a body that is cut off or stalls (undici's body timeout) becomes UPSTREAM_UNAVAILABLE.
 */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

function cutOff(cause: unknown): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', 'The vendor’s response was cut off or stalled; retry.', {
    retryAfter: 1,
    cause,
  });
}

/** The body as UTF-8 text, at most `maxBytes` (beyond it the body is dropped and VENDOR_ERROR thrown). */
export async function readText(body: Readable, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buf.length;
      if (size > maxBytes) {
        body.destroy();
        throw new AppError('VENDOR_ERROR', `The vendor answered more than ${maxBytes} bytes.`, { status: 502 });
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw cutOff(err);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** The body parsed as JSON (an empty body is null). */
export async function readJson(body: Readable, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const text = await readText(body, maxBytes);
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new AppError('VENDOR_ERROR', 'The vendor answered a body that is not valid JSON.', { status: 502, cause });
  }
}

/** Read at most `maxBytes` for an error message and drop the rest (never throws). */
export async function readSnippet(body: Readable, maxBytes = 8192): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(buf);
      size += buf.length;
      if (size >= maxBytes) break;
    }
  } catch {
    // A broken error body still leaves us the status.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks, size).subarray(0, maxBytes).toString('utf8');
}
