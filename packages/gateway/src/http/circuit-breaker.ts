import { AppError } from '../errors/app-error.js';
import { type Clock, systemClock } from './clock.js';

/**
 * One circuit breaker per upstream. Closed: requests flow and outcomes are counted over a rolling window.
 * When at least `failureThreshold` attempts failed in the window and they are at least `failureRatio` of
 * the window's attempts, the breaker opens: calls fail at once with UPSTREAM_UNAVAILABLE and a retry_after
 * until `coolDownMs` has passed. Then it is half-open: one probe goes through; success closes it, failure
 * opens it again. Failures are transport errors and 5xx; 4xx and 429 say nothing about the upstream's health.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Failed attempts in the window that open the breaker. Default 5. */
  failureThreshold?: number;
  /** …and the share of the window's attempts they must be. Default 0.5. */
  failureRatio?: number;
  /** The rolling window. Default 30 s. */
  windowMs?: number;
  /** How long an open breaker refuses calls before a probe. Default 15 s. */
  coolDownMs?: number;
  clock?: Clock;
  /** Breakers kept at most (oldest dropped). Default 1,000. */
  maxKeys?: number;
}

const SLOTS = 10;

interface Breaker {
  state: BreakerState;
  openedAt: number;
  probeAt: number | undefined;
  slotStart: number[];
  ok: number[];
  fail: number[];
}

/**
 * The breaker key of a URL: its origin, except on api.atlassian.com where every tenant shares the origin —
 * there each site (`/ex/{product}/{cloudId}`) gets its own breaker so one site's outage spares the rest.
 */
export function breakerKey(url: URL): string {
  if (url.hostname === 'api.atlassian.com') {
    const match = /^\/ex\/[^/]+\/[^/]+/.exec(url.pathname);
    if (match) return `${url.origin}${match[0]}`;
  }
  return url.origin;
}

export class CircuitBreakers {
  private readonly breakers = new Map<string, Breaker>();
  private readonly threshold: number;
  private readonly ratio: number;
  private readonly slotMs: number;
  private readonly coolDownMs: number;
  private readonly clock: Clock;
  private readonly maxKeys: number;

  constructor(options: BreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.ratio = options.failureRatio ?? 0.5;
    this.slotMs = Math.max(1, Math.ceil((options.windowMs ?? 30_000) / SLOTS));
    this.coolDownMs = options.coolDownMs ?? 15_000;
    this.clock = options.clock ?? systemClock;
    this.maxKeys = options.maxKeys ?? 1000;
  }

  private get(key: string): Breaker {
    let b = this.breakers.get(key);
    if (b === undefined) {
      if (this.breakers.size >= this.maxKeys) {
        const oldest = this.breakers.keys().next();
        if (oldest.done !== true) this.breakers.delete(oldest.value);
      }
      b = { state: 'closed', openedAt: 0, probeAt: undefined, slotStart: [], ok: [], fail: [] };
      this.breakers.set(key, b);
    }
    return b;
  }

  state(key: string): BreakerState {
    const b = this.breakers.get(key);
    if (b === undefined) return 'closed';
    if (b.state === 'open' && this.clock.now() - b.openedAt >= this.coolDownMs) return 'half-open';
    return b.state;
  }

  /** Let a call through or throw UPSTREAM_UNAVAILABLE with retry_after. */
  admit(key: string): void {
    const b = this.breakers.get(key);
    if (b === undefined || b.state === 'closed') return;
    const now = this.clock.now();
    if (b.state === 'open') {
      const left = b.openedAt + this.coolDownMs - now;
      if (left > 0) throw this.refusal(left);
      b.state = 'half-open';
      b.probeAt = undefined;
    }
    // Half-open: one probe at a time; a probe that never reported back is replaced after a cool-down.
    if (b.probeAt !== undefined && now - b.probeAt < this.coolDownMs) throw this.refusal(1000);
    b.probeAt = now;
  }

  success(key: string): void {
    const b = this.breakers.get(key);
    if (b === undefined) return;
    if (b.state !== 'closed') {
      this.breakers.set(key, { state: 'closed', openedAt: 0, probeAt: undefined, slotStart: [], ok: [], fail: [] });
      return;
    }
    this.count(b, true);
  }

  failure(key: string): void {
    const b = this.get(key);
    const now = this.clock.now();
    if (b.state === 'open') return; // a straggler from before the breaker opened
    if (b.state === 'half-open') {
      b.state = 'open';
      b.openedAt = now;
      b.probeAt = undefined;
      return;
    }
    const { ok, fail } = this.count(b, false);
    if (fail >= this.threshold && fail >= this.ratio * (ok + fail)) {
      b.state = 'open';
      b.openedAt = now;
    }
  }

  /** The call ended without telling anything (the caller aborted): free the probe slot. */
  neutral(key: string): void {
    const b = this.breakers.get(key);
    if (b !== undefined && b.state === 'half-open') b.probeAt = undefined;
  }

  private count(b: Breaker, success: boolean): { ok: number; fail: number } {
    const now = this.clock.now();
    const start = now - (now % this.slotMs);
    const i = Math.floor(now / this.slotMs) % SLOTS;
    if (b.slotStart[i] !== start) {
      b.slotStart[i] = start;
      b.ok[i] = 0;
      b.fail[i] = 0;
    }
    if (success) b.ok[i] = (b.ok[i] ?? 0) + 1;
    else b.fail[i] = (b.fail[i] ?? 0) + 1;
    let ok = 0;
    let fail = 0;
    const oldest = start - (SLOTS - 1) * this.slotMs;
    for (let j = 0; j < SLOTS; j++) {
      if ((b.slotStart[j] ?? -1) < oldest) continue;
      ok += b.ok[j] ?? 0;
      fail += b.fail[j] ?? 0;
    }
    return { ok, fail };
  }

  private refusal(waitMs: number): AppError {
    return new AppError('UPSTREAM_UNAVAILABLE', 'The vendor is failing; calls are paused briefly to let it recover.', {
      retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
    });
  }
}
