import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from './connect.js';
import { KyselyStore } from './kysely-store.js';
import { LOCK, NUDGE, WRITERS, WriteGate } from './sqlite-checkpointer.js';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setTimeout(r, 20));
  return done;
};

describe('WriteGate', () => {
  it('is taken at once when free, and a second writer waits for it without blocking', async () => {
    const buffer = WriteGate.create();
    const ingest = new WriteGate(buffer, WRITERS.ingest);
    const main = new WriteGate(buffer, WRITERS.main);
    expect(ingest.enterTransaction()).toBeUndefined();
    const waiting = main.enterTransaction();
    expect(waiting).toBeInstanceOf(Promise);
    expect(await settled(waiting as Promise<void>)).toBe(false);
    ingest.leaveTransaction();
    await waiting;
    expect(new Int32Array(buffer)[LOCK]).toBe(WRITERS.main);
    main.leaveTransaction();
    expect(new Int32Array(buffer)[LOCK]).toBe(0);
  });

  it('lets a waiting writer go before one that comes back for more', async () => {
    const buffer = WriteGate.create();
    const ingest = new WriteGate(buffer, WRITERS.ingest);
    const main = new WriteGate(buffer, WRITERS.main);
    const order: string[] = [];
    expect(ingest.enterTransaction()).toBeUndefined();
    const mainTurn = main.enterTransaction()?.then(() => order.push('main'));
    await new Promise((r) => setTimeout(r, 5));
    ingest.leaveTransaction();
    // The ingest thread is back at once, but main waits: main goes first.
    const again = ingest.enterTransaction();
    expect(again).toBeInstanceOf(Promise);
    const ingestTurn = again?.then(() => order.push('ingest'));
    await mainTurn;
    main.leaveTransaction();
    await ingestTurn;
    ingest.leaveTransaction();
    expect(order).toEqual(['main', 'ingest']);
  });

  it('goes ahead without the lock after its timeout, and leaving then frees nothing it does not hold', async () => {
    const buffer = WriteGate.create();
    const ingest = new WriteGate(buffer, WRITERS.ingest);
    const main = new WriteGate(buffer, WRITERS.main, 30);
    expect(ingest.enterTransaction()).toBeUndefined();
    const started = performance.now();
    await main.enterTransaction();
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    main.leaveTransaction();
    expect(new Int32Array(buffer)[LOCK]).toBe(WRITERS.ingest);
  });

  it('takes the lock back from a writer whose thread exited', async () => {
    const buffer = WriteGate.create();
    const ingest = new WriteGate(buffer, WRITERS.ingest);
    const main = new WriteGate(buffer, WRITERS.main);
    expect(ingest.enterTransaction()).toBeUndefined();
    const waiting = main.enterTransaction();
    WriteGate.release(buffer, WRITERS.ingest);
    await waiting;
    expect(new Int32Array(buffer)[LOCK]).toBe(WRITERS.main);
    main.leaveTransaction();
  });
});

/** The SQLite dialect taking the gate around writes (store/sqlite-dialect.ts). */
describe('writes through the gate', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setup() {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-gate-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'test.db');
    const db = openSqlite({ kind: 'sqlite', file, busyTimeoutMs: 300 });
    cleanup.push(() => db.destroy());
    await sql`create table t (id integer primary key, v text)`.execute(db.kysely);
    // Another writer on the file: a second connection, as the ingest thread has.
    const other = new SQLite(file, { timeout: 300 });
    cleanup.push(() => {
      other.close();
    });
    const buffer = WriteGate.create();
    return { db, other, buffer, flags: new Int32Array(buffer), otherGate: new WriteGate(buffer, WRITERS.ingest) };
  }

  /** The longest pause of this thread's event loop while `work` runs. */
  async function longestPause(work: () => Promise<unknown>): Promise<number> {
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
    return longest;
  }

  it('waits for the other writer on the event loop, where SQLite would block this thread', async () => {
    const { db, other, buffer, otherGate } = await setup();
    const insert = () => sql`insert into t (v) values ('main')`.execute(db.kysely);

    // Without the gate: the insert sleeps in SQLite's busy handler, blocking this thread, and since the other
    // writer cannot finish meanwhile it fails after the busy timeout.
    other.exec('begin immediate');
    await expect(insert()).rejects.toThrow(/locked|busy/i);
    other.exec('rollback');

    db.gate = new WriteGate(buffer, WRITERS.main, 5000);
    expect(otherGate.enterTransaction()).toBeUndefined();
    other.exec('begin immediate');
    other.exec("insert into t (v) values ('other')");
    setTimeout(() => {
      other.exec('commit');
      otherGate.leaveTransaction();
    }, 150);
    const pause = await longestPause(insert);
    expect(pause).toBeLessThan(100);
    const rows = await sql<{ v: string }>`select v from t order by id`.execute(db.kysely);
    expect(rows.rows.map((r) => r.v)).toEqual(['other', 'main']);
  });

  it('holds the gate for a whole transaction, gives it back on commit and on rollback, and nudges after commits', async () => {
    const { db, buffer, flags } = await setup();
    db.gate = new WriteGate(buffer, WRITERS.main, 5000);
    let inside = -1;
    await db.kysely.transaction().execute(async (trx) => {
      inside = Atomics.load(flags, LOCK);
      await sql`insert into t (v) values ('a')`.execute(trx);
    });
    expect(inside).toBe(WRITERS.main);
    expect(Atomics.load(flags, LOCK)).toBe(0);
    expect(Atomics.load(flags, NUDGE)).toBe(1); // DIRTY: the checkpoint thread has something to copy

    await expect(
      new KyselyStore(db).transaction(async () => {
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(Atomics.load(flags, LOCK)).toBe(0);
  });

  it('lets reads through while another writer holds the gate', async () => {
    const { db, buffer, otherGate } = await setup();
    db.gate = new WriteGate(buffer, WRITERS.main, 5000);
    expect(otherGate.enterTransaction()).toBeUndefined();
    const rows = await sql`select count(*) as n from t`.execute(db.kysely);
    expect(rows.rows).toHaveLength(1);
    otherGate.leaveTransaction();
  });
});
