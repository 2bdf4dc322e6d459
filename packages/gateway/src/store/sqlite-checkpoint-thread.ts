// The WAL checkpoint thread (see sqlite-checkpointer.ts): a worker_threads entry, never imported.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { type CheckpointThreadData, DIRTY, HOLD, IDLE, NUDGE, STOP, WRITING } from './sqlite-checkpointer.js';

const data = workerData as CheckpointThreadData;
const flag = new Int32Array(data.signal);
const db = new SQLite(data.file, { timeout: data.busyTimeoutMs });

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const passive = () => (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]?.log ?? 0;

function checkpoint(): void {
  const log = passive();
  if (log < data.restartFrames) return;
  // The log is long: copy what came in meanwhile with the gated writer held between transactions, so that its next
  // one finds every frame copied and starts the log over (sqlite-checkpointer.ts).
  Atomics.store(flag, HOLD, 1);
  try {
    while (Atomics.load(flag, WRITING) === 1) Atomics.wait(flag, WRITING, 1, data.busyTimeoutMs);
    passive();
  } finally {
    Atomics.store(flag, HOLD, 0);
    Atomics.notify(flag, HOLD);
  }
  // Other connections (the main thread's) may have written meanwhile. Far past the bound, wait for them too.
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
