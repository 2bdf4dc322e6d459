import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What the checkpoint thread is started with. */
export interface CheckpointThreadData {
  file: string;
  busyTimeoutMs: number;
  /** Int32 flag: 0 idle, 1 commits to copy back, 2 stop. */
  signal: SharedArrayBuffer;
  /** Checkpoint at least this often, for commits nobody nudged about (the main thread's). */
  intervalMs: number;
  /** Rest at least this long between checkpoints. */
  minGapMs: number;
  /** WAL frames above which a checkpoint makes the next writer start the log over, bounding its size. */
  restartFrames: number;
}

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
 */
export class SqliteCheckpointer {
  readonly #flag: Int32Array;
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
    const signal = new SharedArrayBuffer(4);
    this.#flag = new Int32Array(signal);
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

  /** There are commits to copy back. Costs an atomic store; nudges while a checkpoint runs coalesce. */
  nudge(): void {
    if (Atomics.compareExchange(this.#flag, 0, IDLE, DIRTY) === IDLE) Atomics.notify(this.#flag, 0);
  }

  /** Finish the checkpoint in progress, run a last one, and stop. */
  async close(): Promise<void> {
    this.#worker.ref(); // the caller waits for it
    Atomics.store(this.#flag, 0, STOP);
    Atomics.notify(this.#flag, 0);
    await this.#exited;
  }
}
