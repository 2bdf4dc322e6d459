import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { DatabaseConfig } from '../config/load.js';
import { migrationProvider } from './migrations/index.js';
import { RawFiles } from './raw-files.js';
import type { Database } from './schema.js';
import { GatedSqliteDialect, type GateHolder } from './sqlite-dialect.js';
import { cachingStatements } from './sqlite-statements.js';

export type Dialect = 'sqlite' | 'postgres';

export interface TransactionGate {
  enterTransaction(): Promise<void> | undefined;
  leaveTransaction(): void;
  nudge(): void;
}

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** SQLite: the connection itself, for pragmas (the WAL checkpoint settings of the ingest thread). */
  sqlite?: SQLite.Database;
  /**
   * SQLite, while the ingest thread runs: the writers' lock shared with it and the checkpoint thread (WriteGate,
   * store/sqlite-checkpointer.ts). Every write takes it first and nudges the checkpoint thread after it commits
   * (store/sqlite-dialect.ts). Set by the ingest thread on its connection, and by its client on the main thread's
   * while the thread runs.
   */
  gate?: TransactionGate | undefined;
  /**
   * SQLite on a file: the files raw webhook bodies are kept in, next to the database (`<file>-raw/`), instead of
   * in the events' rows; written to unless SWITCHYARD_SQLITE_RAW_FILES is off. This connection's own writer.
   */
  rawFiles?: RawFiles;
  /** PostgreSQL: the schema this gateway's tables live in. */
  schema?: string;
  destroy(): Promise<void>;
}

/**
 * The migrator, pinned to our schema on PostgreSQL: unpinned, kysely looks for its bookkeeping tables in
 * any schema of the database, so a second Switchyard (or test run) in another schema breaks the first.
 */
function migrator(db: Db): Migrator {
  return new Migrator({
    db: db.kysely,
    provider: migrationProvider,
    ...(db.schema === undefined ? {} : { migrationTableSchema: db.schema }),
  });
}

export function openSqlite(config: Extract<DatabaseConfig, { kind: 'sqlite' }>): Db {
  mkdirSync(path.dirname(config.file), { recursive: true, mode: 0o700 });
  const database = new SQLite(config.file, { timeout: config.busyTimeoutMs });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${config.busyTimeoutMs}`);
  const statements = cachingStatements(database);
  const holder: GateHolder = {};
  const kysely = new Kysely<Database>({
    dialect: new GatedSqliteDialect({ database: statements }, holder, (text) => statements.prepare(text)),
  });
  const rawFiles = database.memory
    ? undefined
    : new RawFiles(`${config.file}-raw`, { writes: config.rawFiles !== false });
  // The dialect reads `gate` from this object at each write: the Db is the holder.
  return Object.assign(holder, {
    kysely,
    dialect: 'sqlite' as const,
    sqlite: database,
    ...(rawFiles === undefined ? {} : { rawFiles }),
    destroy: async () => {
      await rawFiles?.close();
      await kysely.destroy();
    },
  });
}

function openPostgres(config: Extract<DatabaseConfig, { kind: 'postgres' }>): Db {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolMax,
    options: `-c search_path=${config.schema}`,
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', schema: config.schema, destroy: () => kysely.destroy() };
}

export function openDatabase(config: DatabaseConfig): Db {
  return config.kind === 'sqlite' ? openSqlite(config) : openPostgres(config);
}

export interface MigrationReport {
  applied: string[];
}

/** Apply every pending migration. On PostgreSQL the schema is created first and an advisory lock serializes replicas. */
export async function migrate(db: Db, config: DatabaseConfig): Promise<MigrationReport> {
  if (config.kind === 'postgres') {
    await sql`create schema if not exists ${sql.id(config.schema)}`.execute(db.kysely);
  }
  const { error, results } = await migrator(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(error instanceof Error ? error.message : error)}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
