import {
  type CompiledQuery,
  type DatabaseConnection,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import type { TransactionGate } from './connect.js';

/** Where the driver finds the gate at the time of each write: `Db.gate`, set and cleared while the gateway runs. */
export interface GateHolder {
  gate?: TransactionGate | undefined;
}

/** A prepare that answers better-sqlite3 statements, which know whether they write (`readonly`). */
type Prepare = (sql: string) => { readonly?: boolean };

/**
 * kysely's SQLite dialect, with every write passing the writers' gate when one is set (the ingest thread's
 * WriteGate, store/sqlite-checkpointer.ts): a transaction takes it before `begin` and gives it back after
 * `commit` or `rollback`; a write outside a transaction (an `update … returning` claim, say) takes it around
 * itself. Reads never wait. After each write the gate is nudged, so the checkpoint thread copies it back.
 */
export class GatedSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #holder: GateHolder;
  readonly #prepare: Prepare;

  constructor(config: SqliteDialectConfig, holder: GateHolder, prepare: Prepare) {
    super(config);
    this.#config = config;
    this.#holder = holder;
    this.#prepare = prepare;
  }

  override createDriver(): SqliteDriver {
    return new GatedSqliteDriver(this.#config, this.#holder, this.#prepare);
  }
}

class GatedSqliteDriver extends SqliteDriver {
  readonly #holder: GateHolder;
  readonly #prepare: Prepare;
  /** The gate taken for the transaction under way (kysely runs one at a time on the one connection). */
  #txGate: TransactionGate | undefined;
  #inTransaction = false;
  #connection: DatabaseConnection | undefined;

  constructor(config: SqliteDialectConfig, holder: GateHolder, prepare: Prepare) {
    super(config);
    this.#holder = holder;
    this.#prepare = prepare;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#connection !== undefined) return this.#connection;
    const inner = await super.acquireConnection();
    this.#connection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const gate = this.#holder.gate;
        if (gate === undefined || this.#inTransaction || this.#prepare(query.sql).readonly === true) {
          return inner.executeQuery(query);
        }
        return through(gate, () => inner.executeQuery<R>(query));
      },
      streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
    };
    return this.#connection;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const gate = this.#holder.gate;
    const held = gate?.enterTransaction();
    if (held !== undefined) await held;
    this.#txGate = gate;
    this.#inTransaction = true;
    try {
      await super.beginTransaction(connection);
    } catch (err) {
      this.#end(false);
      throw err;
    }
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed commit leaves the transaction to kysely's rollback, which ends it.
    await super.commitTransaction(connection);
    this.#end(true);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.#end(false);
    }
  }

  #end(committed: boolean): void {
    const gate = this.#txGate;
    this.#txGate = undefined;
    this.#inTransaction = false;
    gate?.leaveTransaction();
    if (committed) gate?.nudge();
  }
}

async function through<T>(gate: TransactionGate, write: () => Promise<T>): Promise<T> {
  const held = gate.enterTransaction();
  if (held !== undefined) await held;
  try {
    return await write();
  } finally {
    gate.leaveTransaction();
    gate.nudge();
  }
}
