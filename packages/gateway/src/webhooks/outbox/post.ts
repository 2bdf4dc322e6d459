import { type Dispatcher, request } from 'undici';
import { redactText } from '../../errors/redact.js';
import { signedHeaders } from './signing.js';

export interface PostResult {
  statusCode: number | null;
  /** Why the attempt failed without an HTTP answer, or a short note on a non-2xx one. */
  error: string | null;
  durationMs: number;
}

export interface SignedPost {
  dispatcher: Dispatcher;
  url: string;
  secret: string;
  /** `webhook-id`: the event id (the same on every attempt and replay, so receivers can deduplicate). */
  messageId: string;
  body: string;
  timeoutMs: number;
  /** Milliseconds since the epoch; `webhook-timestamp` is its whole seconds. */
  nowMs: number;
}

const USER_AGENT = 'Switchyard-Webhooks/0.1';

/** One signed POST to a subscriber. Never throws: a transport failure is a result like a 500. */
export async function postSigned(post: SignedPost): Promise<PostResult> {
  const started = performance.now();
  const timestamp = Math.floor(post.nowMs / 1000);
  try {
    const res = await request(post.url, {
      method: 'POST',
      dispatcher: post.dispatcher,
      body: post.body,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...signedHeaders(post.secret, post.messageId, timestamp, post.body),
      },
      headersTimeout: post.timeoutMs,
      bodyTimeout: post.timeoutMs,
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return {
      statusCode: res.statusCode,
      error: ok ? null : `the endpoint answered HTTP ${res.statusCode}`,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    return {
      statusCode: null,
      error: describe(err, post.timeoutMs),
      durationMs: Math.round(performance.now() - started),
    };
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') {
    return `no answer within ${timeoutMs} ms`;
  }
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? e.cause?.message ?? String(err);
  return redactText(code === undefined ? message : `${code}: ${message}`).slice(0, 500);
}
