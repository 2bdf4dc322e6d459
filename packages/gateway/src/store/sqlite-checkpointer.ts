import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What the checkpoint thread is started with. */
export interface CheckpointThreadData {
  file: string;
  busyTimeoutMs: number;
  /** The shared slots (WriteGate). */
  signal: SharedArrayBuffer;
  /** Checkpoint at least this often, for commits nobody nudged about (the main thread's). */
  intervalMs: number;
  /** Rest at least this long between checkpoints. */
  minGapMs: number;
  /** WAL frames above which a checkpoint makes the next writer start the log over, bounding its size. */
  restartFrames: number;
}

/**
 * Int32 slots of the shared signal: NUDGE (IDLE, DIRTY or STOP) wakes the checkpoint thread; LOCK holds the id of
 * the writer inside a write (0: none); WANT has one bit per writer waiting for LOCK; NEXT names the waiter the
 * last holder handed the lock to (0: anyone). See WriteGate.
 */
export const NUDGE = 0;
export const LOCK = 1;
export const WANT = 2;
export const NEXT = 3;
const SLOTS = 4;
/** Who takes the lock: the ingest thread's connection, the main thread's, and the checkpoint thread's hold. */
export const WRITERS = { ingest: 1, main: 2, checkpoint: 3 } as const;
/** States of NUDGE. */
export const IDLE = 0;
export const DIRTY = 1;
export const STOP = 2;

/**
 * How much lower the checkpoint thread's priority is than the process's (nice steps). Its copying competes for the
 * cores of a small machine with the threads that answer requests; a background thread at a lower priority (as
 * databases run their compaction threads) gets the CPU they leave. Its own work is mostly waiting on the disk, so
 * it keeps up. Measured at 5,000 events/s open loop on disk, four pairs of runs (BENCHMARKS.md): the p99 was lower
 * with the step in three and higher in one, with no change in closed-loop throughput; within the VM's noise.
 */
export const CHECKPOINT_NICE_STEP = 5;

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
 * without bound. Past `restartFrames` the thread takes the writers' lock (WriteGate) between two transactions,
 * copies the little that came in since its last pass, and lets go: the next transaction starts the log over. The
 * hold lasts one short pass and ends the moment it is done (writers wait on the shared lock, not in SQLite's busy
 * handler, which sleeps in steps of up to 100 ms).
 */
export class SqliteCheckpointer {
  readonly #flag: Int32Array;
  readonly #gate: WriteGate;
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(options: {
    file: string;
    busyTimeoutMs: number;
    intervalMs?: number;
    minGapMs?: number;
    restartFrames?: number;
    /** The writers' lock to share (WriteGate.create()); a new one by default. */
    signal?: SharedArrayBuffer;
  }) {
    if (!existsSync(fileURLToPath(ENTRY))) {
      throw new Error(`the SQLite checkpoint thread is not built (${fileURLToPath(ENTRY)}): run npm run build`);
    }
    const signal = options.signal ?? WriteGate.create();
    this.#flag = new Int32Array(signal);
    this.#gate = new WriteGate(signal, WRITERS.ingest, options.busyTimeoutMs);
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

  /** The shared slots, for `new WriteGate(buffer, WRITERS.main)` in another thread. */
  get buffer(): SharedArrayBuffer {
    return this.#gate.buffer;
  }

  /** See WriteGate; these act as the ingest writer. */
  nudge(): void {
    this.#gate.nudge();
  }

  enterTransaction(): Promise<void> | undefined {
    return this.#gate.enterTransaction();
  }

  leaveTransaction(): void {
    this.#gate.leaveTransaction();
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
 * The write lock of the connections on one SQLite file, shared through memory between threads, plus the nudge
 * that tells the checkpoint thread there are commits to copy back.
 *
 * SQLite lets one connection write at a time; the others wait in its busy handler, which *sleeps the calling
 * thread* (1, 2, 5, 10, 25 ms and on). With the ingest thread committing many times a second, every write of the
 * main thread (a delivery claim, an API call's update) slept there, and so did every request the main thread was
 * serving meanwhile. Writers take this lock before a write transaction (or a write outside one) instead: the wait
 * is a promise (`Atomics.waitAsync`), the event loop keeps serving, and SQLite's own lock is then free at once.
 *
 * Fair between writers: a writer that finds the lock taken marks itself in WANT, and the holder hands the lock to
 * a waiter when it lets go (NEXT), so a busy ingest thread cannot starve the main thread. The
 * checkpoint thread takes the same lock (synchronously, for at most a few ms) to hold every writer between two
 * transactions while it copies the last frames, so that the next transaction starts the WAL over.
 *
 * Correctness never depends on it: SQLite's locking stays underneath. A writer that has waited `timeoutMs` goes
 * ahead without the lock (and SQLite's busy handler decides), and a thread that dies holding it has it taken
 * back by `WriteGate.release(buffer, writer)`.
 */
export class WriteGate {
  readonly buffer: SharedArrayBuffer;
  readonly #flag: Int32Array;
  readonly #id: number;
  readonly #timeoutMs: number;
  /** Whether this writer holds LOCK now (it may have gone ahead without it after a timeout). */
  #holding = false;

  constructor(buffer: SharedArrayBuffer, writer: number, timeoutMs = 5000) {
    this.buffer = buffer;
    this.#flag = new Int32Array(buffer);
    this.#id = writer;
    this.#timeoutMs = timeoutMs;
  }

  /** A fresh buffer for a gate and the checkpoint thread. */
  static create(): SharedArrayBuffer {
    return new SharedArrayBuffer(SLOTS * 4);
  }

  /** Take the lock back from a writer that can no longer give it back (its thread has exited). */
  static release(buffer: SharedArrayBuffer, writer: number): void {
    const flag = new Int32Array(buffer);
    giveUp(flag, writer);
    if (Atomics.load(flag, LOCK) === writer) unlock(flag, writer);
  }

  /** There are commits to copy back. Costs an atomic store; nudges while a checkpoint runs coalesce. */
  nudge(): void {
    if (Atomics.compareExchange(this.#flag, NUDGE, IDLE, DIRTY) === IDLE) Atomics.notify(this.#flag, NUDGE);
  }

  /**
   * Call before a write, and `leaveTransaction()` after it (whatever its outcome). Answers at once (undefined)
   * when the lock is free, else a promise that settles once this writer holds it (or has waited `timeoutMs`).
   */
  enterTransaction(): Promise<void> | undefined {
    if (Atomics.load(this.#flag, WANT) === 0 && tryLock(this.#flag, this.#id)) {
      this.#holding = true;
      return undefined;
    }
    return this.#wait();
  }

  leaveTransaction(): void {
    if (!this.#holding) return;
    this.#holding = false;
    unlock(this.#flag, this.#id);
  }

  async #wait(): Promise<void> {
    const deadline = performance.now() + this.#timeoutMs;
    Atomics.or(this.#flag, WANT, 1 << this.#id);
    try {
      for (;;) {
        const next = look(this.#flag, this.#id, deadline);
        if (typeof next === 'boolean') {
          // Not taken in time: go ahead; SQLite's own lock still serializes the writes.
          this.#holding = next;
          return;
        }
        const wait = Atomics.waitAsync(this.#flag, LOCK, next.holder, next.ms);
        if (wait.async) await wait.value;
      }
    } finally {
      giveUp(this.#flag, this.#id);
    }
  }
}

/**
 * The lock for `id`, waiting synchronously up to `timeoutMs` (for a thread with no event loop to keep: the
 * checkpoint thread); answers whether `id` holds it.
 */
export function waitForLock(flag: Int32Array, id: number, timeoutMs: number): boolean {
  const deadline = performance.now() + timeoutMs;
  Atomics.or(flag, WANT, 1 << id); // the holder hands the lock to a waiter when it lets go
  try {
    for (;;) {
      const next = look(flag, id, deadline);
      if (typeof next === 'boolean') return next;
      Atomics.wait(flag, LOCK, next.holder, next.ms);
    }
  } finally {
    giveUp(flag, id);
  }
}

/** One look for a waiting `id`: taken (true), out of time (false), or what to wait on before the next look. */
function look(flag: Int32Array, id: number, deadline: number): boolean | { holder: number; ms: number } {
  if (tryLock(flag, id)) return true;
  const holder = Atomics.load(flag, LOCK);
  const left = deadline - performance.now();
  if (left <= 0) return false;
  // Free but handed to another waiter: look again when that one lets go (or soon, should it give up).
  return { holder, ms: holder === 0 ? Math.min(left, 5) : left };
}

/** Take LOCK for `id` if it is free and not handed to another waiter. */
function tryLock(flag: Int32Array, id: number): boolean {
  const next = Atomics.load(flag, NEXT);
  if (next !== 0 && next !== id) return false;
  if (Atomics.compareExchange(flag, LOCK, 0, id) !== 0) return false;
  if (next === id) Atomics.compareExchange(flag, NEXT, id, 0);
  return true;
}

/** Let go of LOCK, handing it to a waiter other than `id` if there is one. */
export function unlock(flag: Int32Array, id: number): void {
  const others = Atomics.load(flag, WANT) & ~(1 << id);
  // The lowest waiting id: with two writers and the checkpoint thread, a strict order is fair enough.
  Atomics.store(flag, NEXT, others === 0 ? 0 : 31 - Math.clz32(others & -others));
  Atomics.store(flag, LOCK, 0);
  Atomics.notify(flag, LOCK);
}

/** `id` waits no more: off WANT, and the lock it was handed goes to anyone. */
function giveUp(flag: Int32Array, id: number): void {
  Atomics.and(flag, WANT, ~(1 << id));
  if (Atomics.compareExchange(flag, NEXT, id, 0) === id) Atomics.notify(flag, LOCK);
}
