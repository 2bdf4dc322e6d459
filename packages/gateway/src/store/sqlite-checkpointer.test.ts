import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_NICE_STEP, SqliteCheckpointer } from './sqlite-checkpointer.js';

/** The WAL checkpoint thread (the built dist/ file) copying a writer's commits back into the database file. */
describe('SqliteCheckpointer', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function writer() {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-ckpt-'));
    const file = path.join(dir, 'test.db');
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('create table t (id integer primary key, v text)');
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => {
      db.close();
    });
    const insert = db.prepare('insert into t (v) values (?)');
    /** Commit about `mb` megabytes; only the WAL grows, as nothing checkpoints. */
    const commit = (mb: number) =>
      db.transaction(() => {
        for (let i = 0; i < mb * 256; i++) insert.run('x'.repeat(4000));
      })();
    return { file, commit, size: () => statSync(file).size, walSize: () => statSync(`${file}-wal`).size };
  }

  const until = async (done: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!done()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('copies committed pages back into the database file when nudged', async () => {
    const w = writer();
    w.commit(2);
    const before = w.size();
    const ckpt = new SqliteCheckpointer({ file: w.file, busyTimeoutMs: 1000, intervalMs: 60_000, minGapMs: 0 });
    cleanup.push(() => ckpt.close());
    await new Promise((r) => setTimeout(r, 200));
    expect(w.size()).toBe(before); // not nudged, interval far off: nothing copied yet
    ckpt.nudge();
    await until(() => w.size() >= before + 2 * 1024 * 1024);
  });

  it('checkpoints every interval without a nudge, and a last time on close', async () => {
    const w = writer();
    const ckpt = new SqliteCheckpointer({ file: w.file, busyTimeoutMs: 1000, intervalMs: 100, minGapMs: 0 });
    w.commit(1);
    await until(() => w.size() >= 1024 * 1024);
    const slow = new SqliteCheckpointer({ file: w.file, busyTimeoutMs: 1000, intervalMs: 60_000, minGapMs: 0 });
    await ckpt.close();
    w.commit(1);
    const before = w.size();
    await slow.close();
    expect(w.size()).toBeGreaterThanOrEqual(before + 1024 * 1024);
  });

  it.runIf(process.platform === 'linux')('runs its thread at a lower priority, and only that thread', async () => {
    const w = writer();
    const ckpt = new SqliteCheckpointer({ file: w.file, busyTimeoutMs: 1000 });
    cleanup.push(() => ckpt.close());
    // Thread names and nice values from /proc: the name is the Worker's (truncated to 15 characters).
    const nice = (comm: string) =>
      readdirSync('/proc/self/task').flatMap((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        // Fields after the name: state is the 1st, nice the 17th.
        return name === comm ? [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] : [];
      });
    const processNice = getPriority();
    const expected = Math.min(19, processNice + CHECKPOINT_NICE_STEP);
    let seen: number[] = [];
    for (let i = 0; i < 100 && !seen.includes(expected); i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = nice('switchyard-chec');
    }
    expect(seen).toContain(expected);
    expect(getPriority()).toBe(processNice); // the process (and this thread) keep theirs
  });

  it('keeps the WAL bounded under a steady writer that takes the lock', async () => {
    const w = writer();
    const ckpt = new SqliteCheckpointer({
      file: w.file,
      busyTimeoutMs: 1000,
      intervalMs: 1000,
      minGapMs: 0,
      restartFrames: 128,
    });
    cleanup.push(() => ckpt.close());
    // 8 MB in 200 transactions of 40 KB, one every 2 ms: the log would reach 8 MB if it never started over, and
    // SQLite starts it over only when a transaction begins with every frame copied (after a pass that caught up
    // between two transactions, or after a hold).
    for (let i = 0; i < 200; i++) {
      const held = ckpt.enterTransaction();
      if (held !== undefined) await held;
      try {
        w.commit(0.04);
      } finally {
        ckpt.leaveTransaction();
      }
      ckpt.nudge();
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(w.walSize()).toBeLessThan(3 * 1024 * 1024);
  });
});
