import type { Logger } from 'pino';
import { type Clock, systemClock } from '../http/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Db } from '../store/connect.js';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /** Events received longer ago than this are pruned; 0 keeps everything. */
  days: number;
  /** Events deleted per statement: small enough that one delete never holds SQLite's write lock for long. */
  batch: number;
  /** Batches per run at most; what is left waits for the next run. */
  maxBatches: number;
  /** Pause between batches, so ingest and the delivery worker get the write lock in between. */
  pauseMs: number;
  /** How often the job runs. */
  intervalMs: number;
}

export const defaultRetentionOptions: Omit<RetentionOptions, 'days'> = {
  batch: 500,
  maxBatches: 200,
  pauseMs: 20,
  intervalMs: 3_600_000,
};

export interface RetentionDeps {
  db: Pick<Db, 'kysely' | 'rawFiles'>;
  logger: Logger;
  clock?: Clock;
}

/**
 * Prunes the event log (SWITCHYARD_EVENT_RETENTION_DAYS): events received before the cutoff go, and with them, by
 * the foreign keys' ON DELETE CASCADE, their deliveries and delivery attempts. An event that still has a pending
 * delivery is kept until that delivery finishes (succeeded, failed or dead), whatever its age: the condition is
 * checked inside the DELETE itself, so a delivery created meanwhile (a replay) is never lost. Replicas may all
 * run it: a second delete of the same rows deletes nothing.
 */
export class EventRetention {
  readonly #deps: RetentionDeps;
  readonly #options: RetentionOptions;
  readonly #clock: Clock;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopping = false;

  constructor(deps: RetentionDeps, options: Partial<RetentionOptions> & Pick<RetentionOptions, 'days'>) {
    this.#deps = deps;
    this.#options = { ...defaultRetentionOptions, ...options };
    this.#clock = deps.clock ?? systemClock;
  }

  /** Run every `intervalMs` (the first run a minute after start); nothing when retention is 0 (keep forever). */
  start(firstDelayMs = 60_000): void {
    if (this.#options.days === 0 || this.#timer !== undefined) return;
    this.#stopping = false;
    const tick = (delay: number) => {
      this.#timer = setTimeout(() => {
        this.#running = this.runOnce().finally(() => {
          this.#running = undefined;
        });
        this.#running.catch((err: unknown) => this.#deps.logger.error({ err }, 'event retention run failed'));
        tick(this.#options.intervalMs);
      }, delay);
      this.#timer.unref();
    };
    tick(Math.min(firstDelayMs, this.#options.intervalMs));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** Delete expired events batch by batch; answers how many were deleted. */
  async runOnce(): Promise<number> {
    if (this.#options.days === 0) return 0;
    const cutoff = new Date(this.#clock.now() - this.#options.days * DAY_MS).toISOString();
    let deleted = 0;
    for (let i = 0; i < this.#options.maxBatches && !this.#stopping; i++) {
      const n = await this.#deleteBatch(cutoff);
      deleted += n;
      if (n < this.#options.batch) break;
      await this.#clock.sleep(this.#options.pauseMs);
    }
    if (deleted > 0) this.#deps.logger.info({ deleted, cutoff }, 'pruned old events');
    if (!this.#stopping) await this.#pruneRawFiles(cutoff);
    return deleted;
  }

  /**
   * SQLite: the raw body files (store/raw-files.ts) of the hours before the cutoff go once no event of theirs is
   * left; an hour with an event kept for a pending delivery keeps its files until a later run.
   */
  async #pruneRawFiles(cutoff: string): Promise<void> {
    const { rawFiles, kysely } = this.#deps.db;
    if (rawFiles === undefined) return;
    const files = await rawFiles.prune(cutoff, async (tenantId, from, to) => {
      const left = await kysely
        .selectFrom('events')
        .select('id')
        .where('received_at', '>=', from)
        .where('received_at', '<', to)
        .where('tenant_id', '=', tenantId)
        .where('raw_ref', 'is not', null)
        .limit(1)
        .executeTakeFirst();
      return left !== undefined;
    });
    if (files > 0) this.#deps.logger.info({ files, cutoff }, 'pruned raw body files');
  }

  async #deleteBatch(cutoff: string): Promise<number> {
    const q = this.#deps.db.kysely;
    const expired = q
      .selectFrom('events as e')
      .select('e.id')
      .where('e.received_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('deliveries as d')
              .select('d.id')
              .whereRef('d.event_id', '=', 'e.id')
              .where('d.status', '=', 'pending'),
          ),
        ),
      )
      .orderBy('e.received_at')
      .limit(this.#options.batch);
    const res = await q.deleteFrom('events').where('id', 'in', expired).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

/** The retention job of a gateway process, configured from SWITCHYARD_EVENT_RETENTION_DAYS (not started). */
export function eventRetention(runtime: Runtime, options: Partial<RetentionOptions> = {}): EventRetention {
  return new EventRetention(
    { db: runtime.db, logger: runtime.logger },
    { days: runtime.config.eventRetentionDays, ...options },
  );
}
