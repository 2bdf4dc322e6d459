// The WAL checkpoint thread (see sqlite-checkpointer.ts): a worker_threads entry, never imported.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { type CheckpointThreadData, DIRTY, IDLE, STOP } from './sqlite-checkpointer.js';

const data = workerData as CheckpointThreadData;
const flag = new Int32Array(data.signal);
const db = new SQLite(data.file, { timeout: data.busyTimeoutMs });

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

function checkpoint(): void {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  // Passive checkpoints never wait for writers, so under a steady stream of commits the log may never be wholly
  // copied at a moment when a writer could start it over. Past the bound, wait for one such moment.
  if (result !== undefined && result.log >= data.restartFrames) db.pragma('wal_checkpoint(RESTART)');
}

const pause = new Int32Array(new SharedArrayBuffer(4));

// A dedicated thread: it sleeps on the flag (no event loop needed) and wakes when nudged, or every intervalMs.
// After a checkpoint it rests `minGapMs` first: a page committed again and again (an index page) is then copied
// once per checkpoint, not once per commit, and the fsyncs of checkpoints stay few.
for (;;) {
  Atomics.wait(flag, 0, IDLE, data.intervalMs);
  if (Atomics.load(flag, 0) !== STOP) Atomics.wait(pause, 0, 0, data.minGapMs);
  const state = Atomics.compareExchange(flag, 0, DIRTY, IDLE);
  try {
    checkpoint();
  } catch (err) {
    // A failed checkpoint (a lock held past the busy timeout, a full disk) leaves the log to the next one.
    parentPort?.postMessage({ message: err instanceof Error ? err.message : String(err) });
  }
  if (state === STOP) break;
}
db.close();
