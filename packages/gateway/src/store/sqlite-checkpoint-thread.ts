// The WAL checkpoint thread (see sqlite-checkpointer.ts): a worker_threads entry, never imported.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { type CheckpointThreadData, DIRTY, HOLD, IDLE, NUDGE, STOP, WRITERS, WRITING } from './sqlite-checkpointer.js';

const data = workerData as CheckpointThreadData;
const flag = new Int32Array(data.signal);
const db = new SQLite(data.file, { timeout: data.busyTimeoutMs });

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** How long a hold waits for the writers to leave their transactions. */
const HOLD_WAIT_MS = 50;

const passive = () => (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]?.log ?? 0;

/** Wait until no gated writer is in a transaction, up to HOLD_WAIT_MS; answers whether they all left. */
function writersLeft(): boolean {
  const until = performance.now() + HOLD_WAIT_MS;
  for (const writer of Object.values(WRITERS)) {
    for (let n = Atomics.load(flag, WRITING + writer); n > 0; n = Atomics.load(flag, WRITING + writer)) {
      const left = until - performance.now();
      if (left <= 0) return false;
      Atomics.wait(flag, WRITING + writer, n, left);
    }
  }
  return true;
}

function checkpoint(): void {
  const log = passive();
  if (log < data.restartFrames) return;
  // The log is long: copy what came in meanwhile with the gated writers held between transactions, so that the
  // next transaction finds every frame copied and starts the log over (sqlite-checkpointer.ts). A writer still in
  // its transaction after HOLD_WAIT_MS is not waited for: this round does not start the log over.
  Atomics.store(flag, HOLD, 1);
  try {
    if (writersLeft()) passive();
  } finally {
    Atomics.store(flag, HOLD, 0);
    Atomics.notify(flag, HOLD);
  }
  // Writes that do not go through the gate may keep the log from starting over. Far past the bound, wait for them.
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
