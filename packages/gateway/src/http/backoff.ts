/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in [0, min(cap, base·2^n)].
 * Full jitter spreads a crowd of clients that failed together instead of having them retry in lockstep.
 */
export interface BackoffOptions {
  /** The ceiling of the first retry's wait. Default 200 ms. */
  baseMs?: number;
  /** No single wait is longer than this. Default 10 s. */
  capMs?: number;
  /** A source of [0, 1); injectable for tests. Default Math.random. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { baseMs: 200, capMs: 10_000 } as const;

/** The wait before retry number `attempt` (0 = the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const cap = options.capMs ?? DEFAULT_BACKOFF.capMs;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.floor(random() * ceiling);
}

/**
 * The wait before the next attempt: the vendor's hint when it gave one (never shorter: retrying early only
 * earns a longer penalty), otherwise backoff. Answers undefined — give up now rather than sleep in vain —
 * when the wait is longer than `maxWaitMs` or would end after the deadline.
 */
export function nextDelay(input: {
  attempt: number;
  hintMs: number | undefined;
  nowMs: number;
  deadlineMs: number;
  maxWaitMs: number;
  backoff?: BackoffOptions;
}): number | undefined {
  const wanted = input.hintMs ?? backoffDelay(input.attempt, input.backoff);
  if (wanted > input.maxWaitMs) return undefined;
  return input.nowMs + wanted > input.deadlineMs ? undefined : wanted;
}
