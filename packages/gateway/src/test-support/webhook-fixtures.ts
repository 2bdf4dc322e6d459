import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventType } from '@switchyard/sdk';
import { parseJson } from '../webhooks/json.js';
import type { EventDraft, IncomingHeaders, WebhookProvider } from '../webhooks/types.js';
import { type VerifyOutcome, verifyDelivery } from '../webhooks/verify.js';
import { hubSignature } from '../webhooks/verify-hmac.js';

/**
 * The captured Atlassian webhook payloads live beside the repository, in ../shared/atlassian/webhooks
 * (see ../shared/atlassian/MANIFEST.md). Tests read them byte for byte.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const webhookFixturesDir = path.resolve(repoRoot, '../shared/atlassian/webhooks');

/** The secret the tests sign every captured payload with (all but the one real signed capture). */
export const TEST_SECRET = 'switchyard-test-webhook-secret';

export function fixtureBytes(relative: string): Buffer {
  if (!existsSync(webhookFixturesDir)) {
    throw new Error(
      `The captured webhook payloads were not found at ${webhookFixturesDir}. They are expected in ` +
        '../shared/atlassian/webhooks next to the repository root; check out or mount the shared folder there.',
    );
  }
  const file = path.join(webhookFixturesDir, relative);
  if (!existsSync(file)) throw new Error(`Missing webhook fixture ${file} (see ../shared/atlassian/MANIFEST.md).`);
  return readFileSync(file);
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export interface Delivered {
  outcome: VerifyOutcome;
  events: EventDraft[];
  headers: IncomingHeaders;
}

/**
 * Delivers a captured payload the way the vendor would with a secret set: signs the exact bytes, verifies them,
 * then parses and normalizes. Throws when verification or parsing fails.
 */
export function deliverSigned(provider: WebhookProvider, relative: string, headers: Record<string, string>): Delivered {
  const body = fixtureBytes(relative);
  const all = { ...lowerCased(headers), 'x-hub-signature': hubSignature(body, TEST_SECRET) };
  const outcome = verifyDelivery(provider, { scheme: 'hub-signature', secrets: [TEST_SECRET] }, body, all);
  if (outcome.status !== 'verified') throw new Error(`${relative} did not verify: ${JSON.stringify(outcome)}`);
  const parsed = parseJson(body);
  if (!parsed.ok) throw new Error(`${relative} is not JSON: ${parsed.message}`);
  return { outcome, events: provider.normalize(parsed.value, all), headers: all };
}

/** The one event of a delivery, narrowed to the expected type (throws otherwise). */
export function onlyEvent<T extends EventType>(events: EventDraft[], type: T): Extract<EventDraft, { type: T }> {
  const [event, ...rest] = events;
  if (event === undefined || rest.length > 0) throw new Error(`expected one event, got ${events.length}`);
  if (event.type !== type) throw new Error(`expected ${type}, got ${event.type}`);
  return event as Extract<EventDraft, { type: T }>;
}
