import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** better-sqlite3's statement, as much of it as we use: `busy` while iterating, `readonly` unless it writes. */
type Statement = SqliteStatement & { busy?: boolean; readonly?: boolean };

/**
 * kysely prepares every SQLite query afresh; preparing costs more than running most of our queries. This keeps
 * the prepared statements of the most recent distinct SQL texts (parameters are bound per run, so a statement
 * is reusable) and hands out a fresh one while the cached one is busy iterating a stream.
 *
 * kysely opens transactions with a deferred `begin`. With a second connection on the file (the ingest thread,
 * a CLI command), a deferred transaction that reads and then writes fails with SQLITE_BUSY when the other one
 * committed in between, without waiting. `begin immediate` takes the write lock up front, waiting up to the busy
 * timeout for it, so our read-then-write transactions never fail that way.
 */
export function cachingStatements(db: SqliteDatabase & { prepare(sql: string): Statement }, max = 500) {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare: (text: string): Statement => {
      const sql = text === 'begin' ? 'begin immediate' : text;
      const hit = cache.get(sql);
      if (hit !== undefined && hit.busy !== true) {
        cache.delete(sql); // most recently used goes last
        cache.set(sql, hit);
        return hit;
      }
      const stmt = db.prepare(sql);
      if (hit === undefined) {
        if (cache.size >= max) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
        cache.set(sql, stmt);
      }
      return stmt;
    },
  } satisfies SqliteDatabase;
}
