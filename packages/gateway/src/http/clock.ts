/**
 * Time as the outbound HTTP core sees it. Everything that waits (backoff, Retry-After, budgets) goes
 * through a Clock so tests can run hours of waiting in microseconds with `manualClock()`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/**
 * A clock for tests: `sleep` records how long each wait was and, a microtask later, moves time to the end of
 * the wait (never backwards), so concurrent sleepers started at one instant see that instant.
 */
export interface ManualClock extends Clock {
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw abortReason(signal);
      sleeps.push(ms);
      const until = now + Math.max(0, ms);
      await Promise.resolve(); // let other tasks run, as a real wait would
      now = Math.max(now, until);
    },
  };
}
