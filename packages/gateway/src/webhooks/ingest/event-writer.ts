import type { NewEvent } from '../../store/event-store.js';
import { nowIso } from '../../store/ids.js';
import type { Store } from '../../store/store.js';
import type { Committed } from '../notifier.js';
import { storeEvents } from './plan-deliveries.js';

/** Where event rows are committed: this class in-process, or the SQLite ingest thread (ingest-thread-client.ts). */
export interface EventSink {
  /** Store the events (skipping duplicates) and their deliveries; resolves with the ids stored, after the commit. */
  write(rows: NewEvent[]): Promise<string[]>;
  /** Resolves once everything queued so far is committed (or failed). */
  drain(): Promise<void>;
}

export interface EventWriterDeps {
  store: Store;
  /** Told after every commit that stored something. */
  notifier: { notify(what: Committed): void };
  logger: { warn(fields: object, message: string): void };
}

interface Pending {
  rows: NewEvent[];
  resolve(ids: string[]): void;
  reject(err: unknown): void;
}

export interface EventWriterOptions {
  /** Deliveries (requests) committed together at most. Default 256. */
  maxBatch?: number;
  /** Transactions in flight at once: 1 on SQLite (one writer anyway), a few on PostgreSQL. */
  concurrency?: number;
}

/**
 * Group commit for ingestion. Every request waits until its events are committed, but requests that arrive while
 * a transaction is running are committed together in the next one: one transaction (one WAL append on SQLite, one
 * round trip of COMMIT on PostgreSQL) for many deliveries, instead of one each. Nothing is acknowledged before its
 * commit, and nothing is kept only in memory once acknowledged.
 *
 * A batch that fails is retried one delivery at a time, so one bad delivery fails only its own request.
 */
export class EventWriter implements EventSink {
  readonly #store: Store;
  readonly #notifier: EventWriterDeps['notifier'];
  readonly #logger: EventWriterDeps['logger'];
  readonly #maxBatch: number;
  readonly #concurrency: number;
  #queue: Pending[] = [];
  #active = 0;
  #scheduled = false;
  #idle: Array<() => void> = [];

  constructor(deps: EventWriterDeps, options: EventWriterOptions = {}) {
    const store = deps.store;
    this.#store = store;
    this.#notifier = deps.notifier;
    this.#logger = deps.logger;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#concurrency = options.concurrency ?? (store.dialect === 'sqlite' ? 1 : 4);
  }

  write(rows: NewEvent[]): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ rows, resolve, reject });
      this.#schedule();
    });
  }

  drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#active >= this.#concurrency || this.#queue.length === 0) return;
    this.#scheduled = true;
    // Let the requests that are already readable join this batch.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#active >= this.#concurrency || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    this.#active++;
    void this.#commit(batch).finally(() => {
      this.#active--;
      if (this.#queue.length > 0) this.#schedule();
      else if (this.#active === 0) for (const done of this.#idle.splice(0)) done();
    });
    this.#schedule();
  }

  async #commit(batch: Pending[]): Promise<void> {
    const at = nowIso();
    try {
      const stored = await storeEvents(
        this.#store,
        batch.flatMap((p) => p.rows),
        at,
      );
      const inserted = new Set(stored.inserted);
      for (const p of batch) p.resolve(p.rows.filter((r) => inserted.has(r.id)).map((r) => r.id));
      if (inserted.size > 0) this.#notifier.notify({ events: inserted.size, deliveries: stored.deliveries });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      this.#logger.warn({ err, size: batch.length }, 'event batch failed; committing its deliveries one by one');
      for (const p of batch) await this.#commit([p]);
    }
  }
}
