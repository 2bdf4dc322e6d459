// The WAL checkpoint thread (see sqlite-checkpointer.ts): a worker_threads entry, never imported.
import { closeSync, fdatasyncSync, openSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import {
  CHECKPOINT_NICE_STEP,
  type CheckpointThreadData,
  DIRTY,
  IDLE,
  NUDGE,
  STOP,
  unlock,
  WRITERS,
  waitForLock,
} from './sqlite-checkpointer.js';

/**
 * Lowers this thread's priority by CHECKPOINT_NICE_STEP, not the process's: on Linux `setpriority` given a thread
 * id applies to that thread only. Elsewhere (no /proc/thread-self) nothing changes.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, getPriority(tid) + CHECKPOINT_NICE_STEP));
  } catch {
    // Not Linux, or not allowed: the thread runs at the process's priority.
  }
}

lowerPriority();
const data = workerData as CheckpointThreadData;
const flag = new Int32Array(data.signal);
const db = new SQLite(data.file, { timeout: data.busyTimeoutMs });

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** How long a hold waits for the writer inside a transaction to finish it. */
const HOLD_WAIT_MS = 50;
const ME = WRITERS.checkpoint;

const passive = () => (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]?.log ?? 0;

/** Take the writers' lock (WriteGate), waiting up to HOLD_WAIT_MS; answers whether this thread holds it. */
const holdWriters = () => waitForLock(flag, ME, HOLD_WAIT_MS);

const letGo = () => unlock(flag, ME);

/** A pass short enough to run with the writers held: it copies (and syncs) what came in during the last one. */
const QUICK_PASS_MS = 4;
/** Unheld passes tried at most before a hold, each copying what came in during the one before. */
const CATCH_UP_PASSES = 4;

function checkpoint(): void {
  const log = passive();
  if (log < data.restartFrames) return;
  // The log is long: copy what came in meanwhile with the writers held between transactions, so that the next
  // transaction finds every frame copied and starts the log over (sqlite-checkpointer.ts). The held pass copies
  // and fsyncs what was committed during the pass before it, so unheld passes first catch up until one is quick:
  // each copies only what came in during the last, and the hold that follows lasts a few ms, not a full pass. A
  // transaction still under way after HOLD_WAIT_MS is not waited for: this round does not start the log over.
  for (let i = 0; i < CATCH_UP_PASSES; i++) {
    const started = performance.now();
    passive();
    if (performance.now() - started < QUICK_PASS_MS) break;
  }
  presync();
  if (holdWriters()) {
    try {
      passive();
    } finally {
      letGo();
    }
  }
  // Writes that do not take the lock (another process) may keep the log from starting over. Far past the bound,
  // wait for them.
  if (log >= 4 * data.restartFrames) db.pragma('wal_checkpoint(RESTART)');
}

/**
 * Flush both files to disk while the writers still run. The held pass syncs the WAL before it copies and the
 * database after, and on ext4 a sync may first have to wait for the journal to commit everything written since
 * the last one: measured at 3,500–5,000 events/s, the longest hold of a run took 13–38 ms when that wait fell
 * inside the hold, and 5–8 ms with this sync before it. It adds syncs and takes none away, so it cannot weaken
 * durability.
 */
function presync(): void {
  for (const path of [`${data.file}-wal`, data.file]) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      fdatasyncSync(fd);
    } catch {
      // No WAL file (nothing written yet) or a failed sync: the held pass's own syncs still decide.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

// A dedicated thread: it sleeps on the flag (no event loop needed) and wakes when nudged, or every intervalMs.
// After a checkpoint it rests `minGapMs` first: a page committed again and again (an index page) is then copied
// once per checkpoint, not once per commit, and the fsyncs of checkpoints stay few.
for (;;) {
  Atomics.wait(flag, NUDGE, IDLE, data.intervalMs);
  if (Atomics.load(flag, NUDGE) !== STOP) Atomics.wait(pause, 0, 0, data.minGapMs);
  const state = Atomics.compareExchange(flag, NUDGE, DIRTY, IDLE);
  try {
    checkpoint();
  } catch (err) {
    // A failed checkpoint (a lock held past the busy timeout, a full disk) leaves the log to the next one.
    parentPort?.postMessage({ message: err instanceof Error ? err.message : String(err) });
  }
  if (state === STOP) break;
}
db.close();
