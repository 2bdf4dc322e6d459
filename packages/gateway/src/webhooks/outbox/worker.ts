import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { type BreakerOptions, CircuitBreakers } from '../../http/circuit-breaker.js';
import { type Clock, systemClock } from '../../http/clock.js';
import type { Store } from '../../store/store.js';
import type { EventNotifier } from '../notifier.js';
import { type AttemptDeps, attemptDelivery, type ClaimedDelivery } from './attempt.js';
import type { SubscriptionSecrets } from './subscription-secrets.js';

export interface WorkerDeps {
  store: Store;
  secrets: SubscriptionSecrets;
  logger: Logger;
  /** The host-guarded dispatcher: subscriber URLs pass the same address checks as Data Center hosts. */
  dispatcher: Dispatcher;
  notifier?: EventNotifier;
}

export interface WorkerOptions {
  concurrency: number;
  pollMs: number;
  timeoutMs: number;
  schedule: readonly number[];
  /** Identifies this worker's claims; default `<host>:<pid>:<random>`. */
  id?: string;
  clock?: Clock;
  random?: () => number;
  breaker?: BreakerOptions;
}

/**
 * The outbox worker: claims due deliveries (each claimed by exactly one worker across replicas), POSTs them signed,
 * and records each outcome. It wakes on the in-process "new events" signal, when a slot frees up after a full
 * claim, and every `pollMs` (retries that came due, events committed by other replicas).
 */
export class DeliveryWorker {
  readonly id: string;
  readonly #deps: WorkerDeps;
  readonly #options: WorkerOptions;
  readonly #attempt: AttemptDeps;
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #wantSlot = false;
  /** A nudge that came while the loop was not sleeping: the next sleep returns at once. */
  #poked = false;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: WorkerDeps, options: WorkerOptions) {
    this.#deps = deps;
    this.#options = options;
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const clock = options.clock ?? systemClock;
    this.#attempt = {
      ...deps,
      clock,
      random: options.random ?? Math.random,
      worker: this.id,
      schedule: options.schedule,
      timeoutMs: options.timeoutMs,
      breakers: new CircuitBreakers({ coolDownMs: 30_000, ...options.breaker, clock }),
    };
  }

  start(): void {
    if (this.#running || this.#options.concurrency <= 0) return;
    this.#running = true;
    // Only commits that added outbox rows: an event no subscription takes gives this worker nothing to claim.
    this.#unsubscribe = this.#deps.notifier?.subscribe((what) => {
      if (what.deliveries > 0) this.#poke();
    });
    this.#loop = this.#run();
  }

  /** Stop claiming, then wait for the attempts in flight to finish and be recorded. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#poke();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Claim and attempt what is due now, waiting for the attempts (tests drive a worker with a manual clock). */
  async runOnce(): Promise<number> {
    const claimed = await this.#claim(this.#options.concurrency);
    await Promise.all(claimed.map((c) => this.#safeAttempt(c)));
    return claimed.length;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const free = this.#options.concurrency - this.#inFlight.size;
      let full = false;
      if (free > 0) {
        try {
          const claimed = await this.#claim(free);
          full = claimed.length === free;
          for (const c of claimed) this.#track(this.#safeAttempt(c));
        } catch (err) {
          this.#deps.logger.error({ err }, 'claiming deliveries failed; retrying at the next poll');
        }
      }
      this.#wantSlot = full || free <= 0;
      if (this.#running) await this.#sleep();
    }
  }

  #track(attempt: Promise<void>): void {
    this.#inFlight.add(attempt);
    void attempt.finally(() => {
      this.#inFlight.delete(attempt);
      // After a full claim, claim again once a quarter of the slots are free (not on every single one).
      if (this.#wantSlot && this.#inFlight.size <= (this.#options.concurrency * 3) / 4) this.#poke();
    });
  }

  /** Until the poll interval passes or a nudge comes (or a freed slot, when the last claim was full). */
  #poke(): void {
    if (this.#wake !== undefined) this.#wake();
    else this.#poked = true;
  }

  #sleep(): Promise<void> {
    if (this.#poked) {
      this.#poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.#wake === wake) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, this.#options.pollMs);
      this.#wake = wake;
    });
  }

  async #claim(limit: number): Promise<ClaimedDelivery[]> {
    const { store } = this.#deps;
    const now = this.#attempt.clock.now();
    const until = new Date(now + this.#options.timeoutMs + 30_000).toISOString();
    const rows = await store.events.claimDeliveries(this.id, new Date(now).toISOString(), until, limit);
    if (rows.length === 0) return [];
    const payloads = new Map(
      (await store.events.getEventPayloads([...new Set(rows.map((r) => r.event_id))])).map((e) => [e.id, e.payload]),
    );
    const subs = new Map(
      (await store.events.getSubscriptions([...new Set(rows.map((r) => r.subscription_id))])).map((s) => [s.id, s]),
    );
    return rows.map((row) => ({
      row,
      payload: payloads.get(row.event_id),
      subscription: subs.get(row.subscription_id),
    }));
  }

  async #safeAttempt(claimed: ClaimedDelivery): Promise<void> {
    try {
      await attemptDelivery(this.#attempt, claimed);
    } catch (err) {
      // The claim expires and another pass retries it; nothing is lost.
      this.#deps.logger.error({ err, delivery_id: claimed.row.id }, 'delivery attempt failed inside the gateway');
    }
  }
}
