import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { AppError } from '../../errors/app-error.js';
import type { CircuitBreakers } from '../../http/circuit-breaker.js';
import type { Clock } from '../../http/clock.js';
import type { AttemptResult, DeliveryRow, SubscriptionRow } from '../../store/event-store.js';
import { newId } from '../../store/ids.js';
import type { Store } from '../../store/store.js';
import { attemptResult, isEndpointFailure, outcomeWord, verdictOf } from './outcome.js';
import { postSigned } from './post.js';
import type { SubscriptionSecrets } from './subscription-secrets.js';

export interface AttemptDeps {
  store: Store;
  secrets: SubscriptionSecrets;
  logger: Logger;
  dispatcher: Dispatcher;
  breakers: CircuitBreakers;
  clock: Clock;
  random: () => number;
  worker: string;
  schedule: readonly number[];
  timeoutMs: number;
}

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  row: DeliveryRow;
  payload: string | undefined;
  subscription: SubscriptionRow | undefined;
}

/** Release the claim without an attempt: the endpoint's breaker is open, so try again when it half-opens. */
function postponed(row: DeliveryRow, waitMs: number, nowMs: number): AttemptResult {
  return {
    status: 'pending',
    attempts: row.attempts,
    nextAttemptAt: new Date(nowMs + waitMs).toISOString(),
    lastStatus: row.last_status,
    lastError: 'postponed: the endpoint kept failing, so its circuit breaker is open',
    at: new Date(nowMs).toISOString(),
  };
}

function ended(row: DeliveryRow, reason: string, nowMs: number): AttemptResult {
  const at = new Date(nowMs).toISOString();
  return {
    status: 'failed',
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatus: null,
    lastError: reason,
    at,
  };
}

/** Attempt one claimed delivery and record the outcome (fenced by the claim). */
export async function attemptDelivery(deps: AttemptDeps, claimed: ClaimedDelivery): Promise<void> {
  const { row, subscription: sub, payload } = claimed;
  const nowMs = deps.clock.now();
  if (sub === undefined || payload === undefined || sub.status !== 'active') {
    await finish(deps, row, ended(row, sub?.status === 'disabled' ? 'the subscription is disabled' : 'gone', nowMs));
    return;
  }
  try {
    deps.breakers.admit(sub.url);
  } catch (err) {
    const wait = err instanceof AppError && err.retryAfter !== undefined ? err.retryAfter * 1000 : 1000;
    await finish(deps, row, postponed(row, wait, nowMs));
    return;
  }
  const secret = await deps.secrets.get(sub.tenant_id, sub.id);
  const result = await postSigned({
    dispatcher: deps.dispatcher,
    url: sub.url,
    secret,
    messageId: row.event_id,
    body: payload,
    timeoutMs: deps.timeoutMs,
    nowMs,
  });
  if (isEndpointFailure(result)) deps.breakers.failure(sub.url);
  else deps.breakers.success(sub.url);
  const attempts = row.attempts + 1;
  const verdict = verdictOf(result, attempts, deps.schedule);
  const doneMs = deps.clock.now();
  const outcome = attemptResult(row, verdict, result, attempts, deps.schedule, doneMs, deps.random);
  const log = {
    id: newId('att'),
    delivery_id: row.id,
    attempt: attempts,
    worker: deps.worker,
    started_at: new Date(nowMs).toISOString(),
    duration_ms: result.durationMs,
    status_code: result.statusCode,
    error: result.error,
    outcome: outcomeWord(verdict),
  };
  await deps.store.transaction(async (tx) => {
    if (!(await tx.events.finishAttempt(row.id, deps.worker, outcome, log))) {
      deps.logger.warn({ delivery_id: row.id }, 'delivery claim expired before the attempt was recorded');
    }
    if (verdict === 'gone') {
      await tx.events.updateSubscription(sub.tenant_id, sub.id, {
        status: 'disabled',
        disabled_reason: `the endpoint answered 410 Gone at ${outcome.at}`,
        updated_at: outcome.at,
      });
    }
  });
  if (verdict === 'dead' || verdict === 'gone') {
    deps.logger.warn({ delivery_id: row.id, subscription_id: sub.id, verdict }, 'delivery given up');
  }
}

async function finish(deps: AttemptDeps, row: DeliveryRow, result: AttemptResult): Promise<void> {
  await deps.store.events.finishAttempt(row.id, deps.worker, result, null);
}
