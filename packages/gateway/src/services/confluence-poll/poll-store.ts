import type { Kysely } from 'kysely';
import type { Db } from '../../store/connect.js';
import type { Database } from '../../store/schema.js';

/** A row of `confluence_polls` (migration 0005). Booleans are 0/1 on both dialects. */
export interface ConfluencePollsTable {
  connection_id: string;
  tenant_id: string;
  enabled: number;
  /** JSON array of space keys; `[]` = every space the credential can read. */
  spaces: string;
  interval_seconds: number;
  /** The newest `lastModified` (ISO) among the results whose events are committed. */
  watermark: string;
  /** 1 when the last run stopped at the page cap: the next run starts at the watermark, without the overlap. */
  backlog: number;
  next_run_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_run_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_event_count: number;
  created_at: string;
  updated_at: string;
}

export type PollRow = ConfluencePollsTable;

type PollDb = Kysely<Database & { confluence_polls: ConfluencePollsTable }>;

/** What one run records once its events are committed (or it failed). */
export interface RunOutcome {
  at: string;
  nextRunAt: string;
  /** Set after a successful run; absent after a failure (the watermark stays). */
  success?: { watermark: string; backlog: boolean; events: number };
  error?: string;
}

/**
 * The polling table, kept out of the shared Store interface: only the poller and its route use it. Every write
 * that follows a claim checks the lease owner, so a replica whose lease expired cannot overwrite the next holder.
 */
export class PollStore {
  readonly #q: PollDb;

  constructor(db: Pick<Db, 'kysely'>) {
    this.#q = db.kysely.withTables<{ confluence_polls: ConfluencePollsTable }>();
  }

  get(tenantId: string, connectionId: string): Promise<PollRow | undefined> {
    return this.#q
      .selectFrom('confluence_polls')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .executeTakeFirst();
  }

  /** Insert or update the settings of a connection (the lease and the run history are left as they are). */
  async upsert(row: PollRow): Promise<void> {
    await this.#q
      .insertInto('confluence_polls')
      .values(row)
      .onConflict((oc) =>
        oc.column('connection_id').doUpdateSet({
          enabled: row.enabled,
          spaces: row.spaces,
          interval_seconds: row.interval_seconds,
          watermark: row.watermark,
          backlog: row.backlog,
          next_run_at: row.next_run_at,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  /** Connections due to be polled and not leased by a live replica, soonest first. */
  async due(now: string, limit: number): Promise<string[]> {
    const rows = await this.#q
      .selectFrom('confluence_polls')
      .select('connection_id')
      .where('enabled', '=', 1)
      .where('next_run_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .orderBy('next_run_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.connection_id);
  }

  /**
   * Take the lease of one due connection: a single conditional UPDATE, so of several replicas racing for it
   * (SQLite or PostgreSQL) exactly one sees a changed row. Answers the row as claimed, or undefined.
   */
  claim(connectionId: string, owner: string, now: string, until: string): Promise<PollRow | undefined> {
    // RETURNING gives the row as this UPDATE left it (SQLite 3.35+ and PostgreSQL): a second read could already
    // see the next holder's lease.
    return this.#q
      .updateTable('confluence_polls')
      .set({ lease_owner: owner, lease_until: until })
      .where('connection_id', '=', connectionId)
      .where('enabled', '=', 1)
      .where('next_run_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .returningAll()
      .executeTakeFirst();
  }

  /** Record a run and release the lease; false when the lease was lost meanwhile (nothing is written then). */
  async finish(connectionId: string, owner: string, outcome: RunOutcome): Promise<boolean> {
    const { success } = outcome;
    const res = await this.#q
      .updateTable('confluence_polls')
      .set({
        lease_owner: null,
        lease_until: null,
        last_run_at: outcome.at,
        next_run_at: outcome.nextRunAt,
        last_error: outcome.error ?? null,
        updated_at: outcome.at,
        ...(success === undefined
          ? {}
          : {
              watermark: success.watermark,
              backlog: success.backlog ? 1 : 0,
              last_success_at: outcome.at,
              last_event_count: success.events,
            }),
      })
      .where('connection_id', '=', connectionId)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
