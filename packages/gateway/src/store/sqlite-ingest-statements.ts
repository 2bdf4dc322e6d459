import type SQLite from 'better-sqlite3';
import type { EventRow, SubscriptionRow } from './event-store.js';

/** The columns of an event as lists show it (`raw` only on request). */
export const EVENT_COLUMNS = [
  'id',
  'tenant_id',
  'connection_id',
  'hook_id',
  'type',
  'provider',
  'dedupe_key',
  'occurred_at',
  'received_at',
  'payload',
  'vendor_event_key',
] as const satisfies ReadonlyArray<keyof EventRow>;

/** Every column of an event row, in the order the statement binds them. */
const COLUMNS = [...EVENT_COLUMNS, 'raw', 'raw_ref'] as const;

// No RETURNING: SQLite collects a RETURNING statement's rows in a temporary table before it answers the first,
// which cost 3–4 µs of a ~20 µs insert (`npm run bench:sqlite`). The row's id is ours, so the change count alone
// says whether it went in.
const SQL = `insert into events (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})
  on conflict (hook_id, dedupe_key) do nothing`;

const ACTIVE_SUBSCRIPTIONS = "select * from subscriptions where tenant_id = ? and status = 'active'";

/** The ingest path's statements, prepared once per connection. */
interface IngestStatements {
  insertEvent: SQLite.Statement<unknown[]>;
  activeSubscriptions: SQLite.Statement<[string], SubscriptionRow>;
}

const prepared = new WeakMap<SQLite.Database, IngestStatements>();

function statements(db: SQLite.Database): IngestStatements {
  let found = prepared.get(db);
  if (found === undefined) {
    found = {
      insertEvent: db.prepare<unknown[]>(SQL),
      activeSubscriptions: db.prepare<[string], SubscriptionRow>(ACTIVE_SUBSCRIPTIONS),
    };
    prepared.set(db, found);
  }
  return found;
}

/**
 * The ingest path's insert on SQLite: one prepared statement run per row, instead of a multi-row INSERT built,
 * compiled and prepared anew for every batch size. It must run inside a transaction on `db` (the caller's), so
 * it joins that transaction. Answers the ids inserted; a duplicate (same hook and dedupe key) is skipped.
 */
export function insertEventsSqlite(db: SQLite.Database, rows: readonly EventRow[]): string[] {
  const stmt = statements(db).insertEvent;
  const inserted: string[] = [];
  for (const row of rows) {
    if (stmt.run(COLUMNS.map((column) => row[column])).changes === 1) inserted.push(row.id);
  }
  return inserted;
}

/**
 * The ingest path's read of a tenant's active subscriptions on SQLite, once per group commit: a prepared
 * statement, instead of a query built and compiled anew each time. Like the insert, it runs inside the caller's
 * transaction on `db`, so an event and the subscriptions it is delivered to are read and written together.
 */
export function activeSubscriptionsSqlite(db: SQLite.Database, tenantId: string): SubscriptionRow[] {
  return statements(db).activeSubscriptions.all(tenantId);
}
