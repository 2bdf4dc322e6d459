import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderId } from '../providers/types.js';
import type { SecretService } from '../services/secrets.js';
import type { Store } from '../store/store.js';
import { seedTokenConnection } from './seed-connection.js';

/**
 * Helpers for the event tests: connections stored directly (no vendor to check a token against), a Standard
 * Webhooks verifier written from the specification (independent of the gateway's signing code), and a local
 * subscriber endpoint that records what it receives.
 */

/** A bearer-token connection of `provider` in the tenant, stored straight through the store (seed-connection.ts). */
export function seedConnection(
  deps: { store: Store; secrets: SecretService },
  tenantId: string,
  provider: ProviderId,
): Promise<string> {
  return seedTokenConnection(deps, {
    tenantId,
    provider,
    authType: 'bearer',
    username: null,
    secret: 'seeded-event-test-token',
    siteUrl: null,
    products: [],
  });
}

/**
 * Verify a delivery the way a Standard Webhooks receiver does (standardwebhooks.com, "Verifying webhooks"):
 * base64-decode the secret after `whsec_`, HMAC-SHA256 over `id.timestamp.body`, compare with any `v1,` entry
 * of the space-separated signature header, and refuse timestamps more than 5 minutes away.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: IncomingMessage['headers'],
  body: string,
  nowSeconds = Date.now() / 1000,
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.split('_').at(-1) ?? '', 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  server: Server;
  close(): Promise<void>;
}

/** A local endpoint that records each request and answers with `answer(request)` (default 200). */
export async function startReceiver(answer: (r: Received) => number | Promise<number> = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(r);
      void Promise.resolve(answer(r)).then((status) => {
        res.statusCode = status;
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Environment for tests whose subscriber endpoints listen on 127.0.0.1 over plain http. */
export const localSubscriberEnv = {
  SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
  SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
};

/** Poll `check` until it answers true (or throw after `timeoutMs`). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A short retry schedule for tests: 20 steps of 20–100 ms. */
export const FAST_SCHEDULE = Array.from({ length: 20 }, (_, i) => 20 + (i % 5) * 20);
