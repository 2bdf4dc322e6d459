import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { withOwnYoungGeneration } from '../../runtime/young-generation.js';
import type { Db } from '../../store/connect.js';
import type { NewEvent } from '../../store/event-store.js';
import { WRITERS, WriteGate } from '../../store/sqlite-checkpointer.js';
import type { Committed, EventNotifier } from '../notifier.js';
import type { EventSink } from './event-writer.js';
import type { DeliveryJob, IngestSink, StoreOutcome } from './store-delivery.js';

/** What the thread is started with. */
export interface IngestThreadData {
  file: string;
  busyTimeoutMs: number;
  /** How often the thread checkpoints the WAL for the main thread's commits (its own trigger SQLite's). */
  checkpointMs: number;
  /** Whether raw bodies go to files of their own (SWITCHYARD_SQLITE_RAW_FILES), as on the main thread's connection. */
  rawFiles: boolean;
  /** The writers' lock shared by the main thread, the ingest thread and its checkpoint thread (WriteGate). */
  gate: SharedArrayBuffer;
}

export type ThreadCall =
  | { op: 'ingest'; seq: number; job: DeliveryJob }
  | { op: 'write'; seq: number; rows: NewEvent[] }
  | { op: 'drain'; seq: number };

/** Calls travel in batches (see IngestThread.#post); `close` alone, after a drain. */
export type ThreadRequest = { op: 'calls'; calls: ThreadCall[] } | { op: 'close' };

/**
 * The thread's young generation: semi-spaces of 16 MB (V8 makes the young generation three semi-spaces), against
 * the 4 MB the process starts with for the main thread (docs/configuration.md, "Memory"). A delivery lives on this
 * thread for its group commit; with the main thread's size, enough of them outlived two young collections to need
 * a full collection every ~170 ms at 5,000 deliveries/s. V8 grows a semi-space only as far as it needs.
 */
const YOUNG_GENERATION_MB = 48;

/** Calls posted together at most: a burst of requests reaches the thread in a few messages, not one each. */
const MAX_CALLS_PER_MESSAGE = 8;

export type ThreadReply =
  /** What the commits of one turn stored (each told to the notifier), and the answers they settle. */
  | { op: 'done'; commits: Committed[]; answers: Array<{ seq: number; value: unknown }> }
  | { op: 'failed'; seq: number; error: { name: string; message: string; code?: string } }
  | { op: 'log'; level: 'warn' | 'error'; fields: Record<string, unknown>; message: string };

/**
 * The thread's entry, resolved from the package root: `dist/` when the gateway runs built, and the same built file
 * when the test runner loads this module from `src/` (a worker thread cannot load our TypeScript sources).
 */
const ENTRY = new URL('../../../dist/webhooks/ingest/ingest-thread.js', import.meta.url);

/** Calls made to one worker and not posted yet (IngestThread.#post). */
interface Outbox {
  worker: Worker;
  calls: ThreadCall[];
  transfer: ArrayBuffer[];
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export interface IngestThreadDeps {
  /** The main thread's connection: its automatic checkpoints are off while the thread runs (the thread does them). */
  db: Db;
  file: string;
  busyTimeoutMs: number;
  notifier: EventNotifier;
  logger: Logger;
  checkpointMs?: number;
}

/**
 * The SQLite ingest thread, seen from the main thread. Verified deliveries are parsed, normalized and committed
 * there, on a connection of its own, and so are the WAL checkpoints (copying the log back into the database and
 * its fsync): the main thread, which answers every HTTP request, keeps only the request and the signature check.
 * A request is answered when the thread replies, that is after the commit, exactly as in-process.
 *
 * The thread starts on first use and is restarted on the next use if it dies; the calls it held
 * fail. It does not keep the process alive while idle.
 */
export class IngestThread implements IngestSink, EventSink {
  readonly #deps: IngestThreadDeps;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #seq = 0;
  /** Calls not posted yet, for the worker they were made to; posted when full, or once this turn's I/O is done. */
  #outbox: Outbox | undefined;

  constructor(deps: IngestThreadDeps) {
    this.#deps = deps;
  }

  get running(): boolean {
    return this.#worker !== undefined;
  }

  start(): void {
    if (this.#worker !== undefined) return;
    if (!existsSync(fileURLToPath(ENTRY))) {
      throw new Error(
        `the SQLite ingest thread is not built (${fileURLToPath(ENTRY)}): run npm run build, or set SWITCHYARD_INGEST_THREAD=false`,
      );
    }
    const gate = WriteGate.create();
    const workerData: IngestThreadData = {
      file: this.#deps.file,
      busyTimeoutMs: this.#deps.busyTimeoutMs,
      checkpointMs: this.#deps.checkpointMs ?? 1000,
      rawFiles: this.#deps.db.rawFiles?.writes === true,
      gate,
    };
    const worker = withOwnYoungGeneration(
      () =>
        new Worker(ENTRY, {
          workerData,
          name: 'switchyard-ingest',
          resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
        }),
    );
    worker.on('message', (reply: ThreadReply) => this.#onReply(reply));
    worker.on('error', (err) => this.#deps.logger.error({ err }, 'the ingest thread failed'));
    worker.on('exit', (code) => {
      // A thread that died inside a write cannot give the lock back.
      WriteGate.release(gate, WRITERS.ingest);
      WriteGate.release(gate, WRITERS.checkpoint);
      this.#onExit(worker, code);
    });
    worker.unref();
    this.#worker = worker;
    this.#autoCheckpoint(false);
    // This thread's writes take the same lock, and nudge the checkpoint thread after they commit.
    this.#deps.db.gate = new WriteGate(gate, WRITERS.main, this.#deps.busyTimeoutMs);
  }

  store(job: DeliveryJob): Promise<StoreOutcome> {
    // A copy of the body of its own, moved (not cloned) to the thread.
    const body = new Uint8Array(job.body);
    return this.#call({ op: 'ingest', seq: 0, job: { ...job, body } }, [body.buffer]) as Promise<StoreOutcome>;
  }

  write(rows: NewEvent[]): Promise<string[]> {
    return this.#call({ op: 'write', seq: 0, rows }) as Promise<string[]>;
  }

  async drain(): Promise<void> {
    if (this.#worker !== undefined) await this.#call({ op: 'drain', seq: 0 });
  }

  /** Let the thread commit what it holds, then stop it. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    await this.drain().catch(() => undefined);
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // the caller waits for it
    worker.postMessage({ op: 'close' } satisfies ThreadRequest);
    await exited;
  }

  #call(call: ThreadCall, transfer: ArrayBuffer[] = []): Promise<unknown> {
    this.start();
    const worker = this.#worker as Worker;
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) worker.ref();
      this.#pending.set(seq, { resolve, reject });
      this.#post(worker, { ...call, seq }, transfer);
    });
  }

  /**
   * Every message costs both threads a wake-up and an event dispatch, so calls go in batches: the requests that
   * became readable in the same turn of the event loop leave together, at most MAX_CALLS_PER_MESSAGE at a time
   * (a full batch leaves at once, so the thread starts on the first requests of a burst while this thread still
   * verifies the rest).
   */
  #post(worker: Worker, call: ThreadCall, transfer: ArrayBuffer[]): void {
    let outbox = this.#outbox;
    if (outbox === undefined) {
      outbox = { worker, calls: [], transfer: [] };
      this.#outbox = outbox;
      const posting = outbox;
      setImmediate(() => this.#flush(posting));
    }
    outbox.calls.push(call);
    outbox.transfer.push(...transfer);
    if (outbox.calls.length >= MAX_CALLS_PER_MESSAGE) this.#flush(outbox);
  }

  #flush(outbox: Outbox): void {
    if (this.#outbox !== outbox) return; // already posted
    this.#outbox = undefined;
    // A thread that died meanwhile has rejected these calls (#onExit); its successor must not run them.
    if (outbox.worker !== this.#worker) return;
    outbox.worker.postMessage({ op: 'calls', calls: outbox.calls } satisfies ThreadRequest, outbox.transfer);
  }

  #onReply(reply: ThreadReply): void {
    switch (reply.op) {
      case 'log':
        this.#deps.logger[reply.level](reply.fields, reply.message);
        return;
      case 'done':
        // The notifier first, as when each commit told it on its own: the outbox hears of new deliveries before
        // the requests that made them are answered.
        for (const what of reply.commits) this.#deps.notifier.notify(what);
        for (const { seq, value } of reply.answers) this.#settle(seq)?.resolve(value);
        return;
      case 'failed':
        this.#settle(reply.seq)?.reject(Object.assign(new Error(reply.error.message), reply.error));
    }
  }

  #settle(seq: number): Pending | undefined {
    const pending = this.#pending.get(seq);
    this.#pending.delete(seq);
    if (this.#pending.size === 0) this.#worker?.unref();
    return pending;
  }

  #onExit(worker: Worker, code: number): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#outbox = undefined; // its calls are pending, and rejected below
    this.#deps.db.gate = undefined;
    this.#autoCheckpoint(true);
    if (this.#pending.size === 0) return;
    const err = new Error(`the ingest thread stopped (exit code ${code}) before it answered`);
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }

  /** SQLite's automatic checkpoints on the main connection: off while the thread does them, back on after. */
  #autoCheckpoint(on: boolean): void {
    this.#deps.db.sqlite?.pragma(`wal_autocheckpoint = ${on ? 1000 : 0}`);
  }
}
