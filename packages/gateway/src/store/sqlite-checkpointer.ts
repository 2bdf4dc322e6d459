import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What the checkpoint thread is started with. */
export interface CheckpointThreadData {
  file: string;
  busyTimeoutMs: number;
  /** The shared slots (CheckpointSignal). */
  signal: SharedArrayBuffer;
  /** Checkpoint at least this often, for commits nobody nudged about (the main thread's). */
  intervalMs: number;
  /** Rest at least this long between checkpoints. */
  minGapMs: number;
  /** WAL frames above which a checkpoint makes the next writer start the log over, bounding its size. */
  restartFrames: number;
}

/**
 * Int32 slots of the shared signal: NUDGE (IDLE, DIRTY or STOP), HOLD (1: gated writers, wait before your next
 * transaction) and, from WRITING on, one count per gated writer of its transactions under way.
 */
export const NUDGE = 0;
export const HOLD = 1;
export const WRITING = 2;
/** Gated writers: the ingest thread's connection and the main thread's. */
export const WRITERS = { ingest: 0, main: 1 } as const;
const SLOTS = WRITING + Object.keys(WRITERS).length;
/** States of NUDGE. */
export const IDLE = 0;
export const DIRTY = 1;
export const STOP = 2;

/** Resolved from the package root, so `src/` under the test runner starts the built file too. */
const ENTRY = new URL('../../dist/store/sqlite-checkpoint-thread.js', import.meta.url);

/**
 * SQLite WAL checkpoints on a thread of their own. A checkpoint copies committed pages from the WAL back into the
 * database file and fsyncs both; run by SQLite's automatic checkpoint it happens inside the commit that crossed
 * the threshold, stalling that writer for the copy and the fsyncs. Here writers turn automatic checkpoints off
 * and `nudge()` after a commit; the thread copies in the background (passive mode never blocks a writer).
 *
 * One thing a background copy cannot do alone: SQLite starts the WAL over only when a writer begins while every
 * frame has been copied, and under a steady stream of commits that moment never comes, so the log would grow
 * without bound. Past `restartFrames` the thread asks the writer that goes through `enterTransaction()` to hold
 * its next transaction, copies the little that came in since its last pass, and lets it go: that writer's next
 * transaction starts the log over. The hold lasts one short pass and ends the moment it is done (the writer waits
 * on the shared flag, not in SQLite's busy handler, which sleeps in steps of up to 100 ms).
 */
export class SqliteCheckpointer {
  readonly #flag: Int32Array;
  readonly #signal: CheckpointSignal;
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(options: {
    file: string;
    busyTimeoutMs: number;
    intervalMs?: number;
    minGapMs?: number;
    restartFrames?: number;
  }) {
    if (!existsSync(fileURLToPath(ENTRY))) {
      throw new Error(`the SQLite checkpoint thread is not built (${fileURLToPath(ENTRY)}): run npm run build`);
    }
    const signal = new SharedArrayBuffer(SLOTS * 4);
    this.#flag = new Int32Array(signal);
    this.#signal = new CheckpointSignal(signal, WRITERS.ingest);
    const workerData: CheckpointThreadData = {
      file: options.file,
      busyTimeoutMs: options.busyTimeoutMs,
      signal,
      intervalMs: options.intervalMs ?? 1000,
      minGapMs: options.minGapMs ?? 50,
      restartFrames: options.restartFrames ?? 16_384,
    };
    this.#worker = new Worker(ENTRY, { workerData, name: 'switchyard-checkpoint' });
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
  }

  /** Errors of the thread (opening the database, a checkpoint that failed); it logs nothing itself. */
  onError(listener: (err: Error) => void): void {
    this.#worker.on('error', listener);
    this.#worker.on('message', (m: { message: string }) => listener(new Error(`WAL checkpoint failed: ${m.message}`)));
  }

  /** The shared slots, for `new CheckpointSignal(buffer, WRITERS.main)` in another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#signal.buffer;
  }

  /** See CheckpointSignal; these act as the ingest writer. */
  nudge(): void {
    this.#signal.nudge();
  }

  enterTransaction(): Promise<void> | undefined {
    return this.#signal.enterTransaction();
  }

  leaveTransaction(): void {
    this.#signal.leaveTransaction();
  }

  /** Finish the checkpoint in progress, run a last one, and stop. */
  async close(): Promise<void> {
    this.#worker.ref(); // the caller waits for it
    Atomics.store(this.#flag, NUDGE, STOP);
    Atomics.notify(this.#flag, NUDGE);
    await this.#exited;
  }
}

/**
 * A writer's side of the checkpoint thread's signal: nudge after a commit, and go through enter/leave around each
 * transaction so the thread can hold the writer between two of them. Correctness never depends on it (a passive
 * checkpoint is always safe); it only gives the WAL its chance to start over.
 */
export class CheckpointSignal {
  readonly buffer: SharedArrayBuffer;
  readonly #flag: Int32Array;
  readonly #slot: number;

  constructor(buffer: SharedArrayBuffer, writer: number) {
    this.buffer = buffer;
    this.#flag = new Int32Array(buffer);
    this.#slot = WRITING + writer;
  }

  /** There are commits to copy back. Costs an atomic store; nudges while a checkpoint runs coalesce. */
  nudge(): void {
    if (Atomics.compareExchange(this.#flag, NUDGE, IDLE, DIRTY) === IDLE) Atomics.notify(this.#flag, NUDGE);
  }

  /**
   * Call before a transaction, and `leaveTransaction()` after it. Answers at once (undefined) unless the
   * checkpoint thread holds writers back, then a promise that settles when it lets go.
   */
  enterTransaction(): Promise<void> | undefined {
    // Announce first, then look: either this writer sees the hold, or the thread sees it writing (and waits).
    Atomics.add(this.#flag, this.#slot, 1);
    if (Atomics.load(this.#flag, HOLD) === 0) return undefined;
    this.leaveTransaction();
    return this.#held();
  }

  leaveTransaction(): void {
    Atomics.sub(this.#flag, this.#slot, 1);
    Atomics.notify(this.#flag, this.#slot);
  }

  async #held(): Promise<void> {
    for (;;) {
      const wait = Atomics.waitAsync(this.#flag, HOLD, 1, 1000);
      if (wait.async) await wait.value;
      if (this.enterTransaction() === undefined) return;
    }
  }
}
