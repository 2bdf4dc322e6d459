import { AppError } from '../errors/app-error.js';
import { type Clock, systemClock } from './clock.js';

/**
 * A cap on the requests in flight per key (a connection). Callers beyond the cap queue in order and wait up
 * to a bound; past it they fail RATE_LIMITED. A slot is held until the caller releases it — the upstream
 * client releases when the response body has been read or dropped.
 */
interface Waiter {
  grant: () => void;
}

interface Gate {
  active: number;
  queue: Waiter[];
}

export type Release = () => void;

export class ConcurrencyLimits {
  private readonly gates = new Map<string, Gate>();
  private readonly clock: Clock;

  constructor(options: { clock?: Clock } = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** Requests in flight for `key`. */
  active(key: string): number {
    return this.gates.get(key)?.active ?? 0;
  }

  /** A slot: at once (no promise on the hot path) when one is free, else after a wait of at most `maxWaitMs`. */
  acquire(
    key: string,
    max: number,
    options: { maxWaitMs: number; signal?: AbortSignal | undefined },
  ): Release | Promise<Release> {
    let gate = this.gates.get(key);
    if (gate === undefined) {
      gate = { active: 0, queue: [] };
      this.gates.set(key, gate);
    }
    if (gate.active < max && gate.queue.length === 0) {
      gate.active++;
      return this.releaser(key, gate);
    }
    return this.wait(key, gate, options);
  }

  private async wait(
    key: string,
    g: Gate,
    options: { maxWaitMs: number; signal?: AbortSignal | undefined },
  ): Promise<Release> {
    const stop = new AbortController();
    const granted = new Promise<void>((resolve) => {
      g.queue.push({ grant: resolve });
    });
    const waiter = g.queue.at(-1) as Waiter;
    const timedOut = this.clock
      .sleep(options.maxWaitMs, AbortSignal.any([stop.signal, ...(options.signal ? [options.signal] : [])]))
      .then(
        () => 'timeout' as const,
        () => 'aborted' as const,
      );
    const outcome = await Promise.race([granted.then(() => 'granted' as const), timedOut]);
    stop.abort();
    if (outcome === 'granted') return this.releaser(key, g);
    // Leave the queue; a grant that raced the timeout is handed on.
    const index = g.queue.indexOf(waiter);
    if (index >= 0) g.queue.splice(index, 1);
    else this.releaser(key, g)();
    if (outcome === 'aborted') throw options.signal?.reason ?? new DOMException('Aborted', 'AbortError');
    throw new AppError('RATE_LIMITED', 'Too many requests are in flight for this connection; retry shortly.', {
      retryAfter: 1,
    });
  }

  private releaser(key: string, gate: Gate): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = gate.queue.shift();
      if (next !== undefined) {
        next.grant();
        return;
      }
      gate.active--;
      if (gate.active === 0 && this.gates.get(key) === gate) this.gates.delete(key);
    };
  }
}
