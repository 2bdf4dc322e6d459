// The SQLite ingest thread (see ingest-thread-client.ts): a worker_threads entry, never imported.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../store/connect.js';
import { KyselyStore } from '../../store/kysely-store.js';
import { SqliteCheckpointer } from '../../store/sqlite-checkpointer.js';
import type { Committed } from '../notifier.js';
import { EventWriter } from './event-writer.js';
import type { IngestThreadData, ThreadCall, ThreadReply, ThreadRequest } from './ingest-thread-client.js';
import { storeDelivery } from './store-delivery.js';

const port = parentPort;
if (port === null) throw new Error('ingest-thread.js runs as a worker thread');
const data = workerData as IngestThreadData;
const db = openSqlite({
  kind: 'sqlite',
  file: data.file,
  busyTimeoutMs: data.busyTimeoutMs,
  rawFiles: data.rawFiles,
});
const store = new KyselyStore(db);
const send = (reply: ThreadReply) => port.postMessage(reply);
// Commits here only append to the WAL; copying it back into the database (and the fsyncs) runs on a thread of
// its own. This connection's writes take the writers' lock shared with the main thread (WriteGate, through the
// dialect in store/sqlite-dialect.ts), nudge the checkpoint thread after they commit, and let it hold them
// briefly so the WAL can start over.
db.sqlite?.pragma('wal_autocheckpoint = 0');
const checkpointer = new SqliteCheckpointer({
  file: data.file,
  busyTimeoutMs: data.busyTimeoutMs,
  intervalMs: data.checkpointMs,
  signal: data.gate,
});
db.gate = checkpointer;
checkpointer.onError((err) =>
  send({ op: 'log', level: 'error', fields: loggable({ err }), message: 'the WAL checkpoint thread failed' }),
);

/**
 * Log fields as plain data for the main thread's logger: an error keeps what its `err` serializer reads (name,
 * code, message, stack), which redacts and prints it there as for an error of its own.
 */
function loggable(fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? { name: value.name, message: value.message, stack: value.stack, code: (value as { code?: unknown }).code }
        : value;
  }
  return out;
}

// A commit's news (what it stored, for the notifier) and its answers leave in one message, once the commit's promise
// continuations are done. Waking the main thread is what a message costs: on this project's 2-core VM a
// postMessage to a sleeping thread took ~90 µs of the sender's CPU, the one right after it ~30 µs (profiled at
// 1,000 deliveries/s, where every commit holds one delivery and finds the main thread asleep).
let answers: Array<{ seq: number; value: unknown }> = [];
let commits: Committed[] = [];
let flushScheduled = false;
const flushReplies = () => {
  flushScheduled = false;
  send({ op: 'done', commits, answers });
  answers = [];
  commits = [];
};
const scheduleFlush = () => {
  if (flushScheduled) return;
  flushScheduled = true;
  process.nextTick(flushReplies);
};

const writer = new EventWriter({
  store,
  notifier: {
    notify: (what) => {
      commits.push(what);
      scheduleFlush();
    },
  },
  logger: { warn: (fields, message) => send({ op: 'log', level: 'warn', fields: loggable(fields), message }) },
});

async function answer(seq: number, work: () => Promise<unknown>): Promise<void> {
  try {
    const value = await work();
    answers.push({ seq, value });
    scheduleFlush();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: unknown }).code;
    send({
      op: 'failed',
      seq,
      error: { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) },
    });
  }
}

/**
 * Deliveries parsed (and handed to the writer) in one turn of this thread's event loop at most. Every message that
 * has arrived is dispatched before the loop turns, so after a stall (the OS running another thread, a collection)
 * hundreds may be waiting; parsed all at once, they would be committed together and answered only when the last
 * had been parsed, 25–60 ms on this project's 2-core VM. In chunks, the writer commits each chunk in the next turn
 * and its answers leave before the next chunk is parsed.
 */
const CHUNK = 32;
const waiting: Array<Extract<ThreadCall, { op: 'ingest' }>> = [];
let chunkScheduled = false;

/** Drains waiting for the deliveries not parsed yet. */
const parsed: Array<() => void> = [];

function parseChunk(): void {
  chunkScheduled = false;
  // storeDelivery hands its rows to the writer before it first awaits, so the writer holds the whole chunk now.
  for (const call of waiting.splice(0, CHUNK)) void answer(call.seq, () => storeDelivery(writer, call.job));
  if (waiting.length > 0) scheduleChunk();
  else for (const done of parsed.splice(0)) done();
}

function scheduleChunk(): void {
  if (chunkScheduled) return;
  chunkScheduled = true;
  setImmediate(parseChunk);
}

/** Resolves once every delivery received so far is committed (or failed). */
async function drain(): Promise<void> {
  if (waiting.length > 0) await new Promise<void>((resolve) => parsed.push(resolve));
  await writer.drain();
}

function run(call: ThreadCall): void {
  switch (call.op) {
    case 'ingest':
      waiting.push(call);
      scheduleChunk();
      return;
    case 'write':
      void answer(call.seq, () => writer.write(call.rows));
      return;
    case 'drain':
      void answer(call.seq, drain);
  }
}

port.on('message', (request: ThreadRequest) => {
  switch (request.op) {
    case 'calls':
      for (const call of request.calls) run(call);
      return;
    case 'close':
      void drain()
        .then(() => checkpointer.close())
        .then(() => db.destroy())
        .finally(() => port.close());
  }
});
