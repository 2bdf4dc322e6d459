// The WAL checkpoint thread (see sqlite-checkpointer.ts): a worker_threads entry, never imported.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import {
  type CheckpointThreadData,
  DIRTY,
  IDLE,
  NUDGE,
  STOP,
  unlock,
  WRITERS,
  waitForLock,
} from './sqlite-checkpointer.js';

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
