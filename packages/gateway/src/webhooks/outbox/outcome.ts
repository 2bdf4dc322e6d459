import type { AttemptResult, DeliveryRow } from '../../store/event-store.js';
import type { PostResult } from './post.js';
import { retryDelay } from './schedule.js';

export type Verdict = 'succeeded' | 'gone' | 'retry' | 'dead';

/**
 * What an answer means: 2xx delivered; 410 Gone disables the subscription (the receiver said it wants no more);
 * anything else, and no answer at all, is retried on the schedule until it runs out.
 */
export function verdictOf(result: PostResult, attempts: number, schedule: readonly number[]): Verdict {
  const code = result.statusCode;
  if (code !== null && code >= 200 && code < 300) return 'succeeded';
  if (code === 410) return 'gone';
  return retryDelay(schedule, attempts) === undefined ? 'dead' : 'retry';
}

/** Whether the answer says the endpoint is unhealthy (counts against its circuit breaker). */
export const isEndpointFailure = (result: PostResult): boolean =>
  result.statusCode === null || result.statusCode >= 500 || result.statusCode === 429;

/** The delivery row's new state after an attempt (number `attempts`, 1-based) with this verdict. */
export function attemptResult(
  row: DeliveryRow,
  verdict: Verdict,
  result: PostResult,
  attempts: number,
  schedule: readonly number[],
  nowMs: number,
  random: () => number,
): AttemptResult {
  const at = new Date(nowMs).toISOString();
  const base = { attempts, lastStatus: result.statusCode, at };
  switch (verdict) {
    case 'succeeded':
      return { ...base, status: 'succeeded', nextAttemptAt: row.next_attempt_at, lastError: null };
    case 'gone':
      return {
        ...base,
        status: 'failed',
        nextAttemptAt: row.next_attempt_at,
        lastError: 'the endpoint answered 410 Gone: the subscription was disabled',
      };
    case 'dead':
      return { ...base, status: 'dead', nextAttemptAt: row.next_attempt_at, lastError: result.error };
    case 'retry': {
      const wait = retryDelay(schedule, attempts, random) ?? 0;
      return {
        ...base,
        status: 'pending',
        nextAttemptAt: new Date(nowMs + wait).toISOString(),
        lastError: result.error,
      };
    }
  }
}

/** The log row's outcome word for a verdict. */
export const outcomeWord = (verdict: Verdict): 'succeeded' | 'retry' | 'failed' | 'dead' =>
  verdict === 'gone' ? 'failed' : verdict;
