import type { SubscriptionTestResult } from '@switchyard/sdk';
import type { Dispatcher } from 'undici';
import { newId } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { postSigned } from '../webhooks/outbox/post.js';
import type { SubscriptionSecrets } from '../webhooks/outbox/subscription-secrets.js';
import { loadSubscription } from './subscriptions.js';

export interface SubscriptionTestDeps {
  store: Store;
  subscriptionSecrets: SubscriptionSecrets;
  dispatcher: Dispatcher;
  timeoutMs: number;
}

/**
 * Deliver a signed `ping` to the subscription's URL now, whatever its status, and report the answer. The ping is
 * not an event: it is not stored, not retried and not in the delivery log.
 */
export async function testSubscription(
  deps: SubscriptionTestDeps,
  tenantId: string,
  id: string,
): Promise<SubscriptionTestResult> {
  const sub = await loadSubscription(deps.store, tenantId, id);
  const messageId = newId('msg');
  const now = Date.now();
  const body = JSON.stringify({
    id: messageId,
    type: 'ping',
    occurred_at: new Date(now).toISOString(),
    subscription_id: sub.id,
  });
  const result = await postSigned({
    dispatcher: deps.dispatcher,
    url: sub.url,
    secret: await deps.subscriptionSecrets.get(tenantId, sub.id),
    messageId,
    body,
    timeoutMs: deps.timeoutMs,
    nowMs: now,
  });
  return {
    ok: result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300,
    message_id: messageId,
    status_code: result.statusCode,
    latency_ms: result.durationMs,
    error: result.error,
  };
}
