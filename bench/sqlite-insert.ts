// What storing one event costs on SQLite: `npm run bench:sqlite` (builds first). See BENCHMARKS.md.
//
// The ingest thread's storage work without the HTTP, the threads or the parsing around it: rows built from the
// captured payloads by the gateway's own normalizers, inserted in batches of BENCH_BATCH in one transaction each
// (WAL, synchronous = NORMAL, automatic checkpoints off, as the ingest thread runs), with a PASSIVE checkpoint every
// 16 batches (BENCH_CHECKPOINT_EVERY) standing in for the checkpoint thread. Per event: the inserts, the commit
// (both on the ingest thread, without fsync), the checkpoint's CPU time (and its wall time, with the fsyncs), each
// a median of BENCH_ROUNDS rounds, and the CPU total as a ratio of the baseline measured in the same run: a table
// with the same columns and no index, holding the envelope alone. BENCH_COMPACT=1 stores the bodies compact.
// The gateway keeps raw bodies in files of their own (store/raw-files.ts); the bench also measures them in the row
// (SWITCHYARD_SQLITE_RAW_FILES=false, and every build before) and not at all.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventProvider } from '@switchyard/sdk';
import SQLite from 'better-sqlite3';
import { createLogger, createRuntime, loadConfig } from '../packages/gateway/dist/index.js';
import { bootstrap } from '../packages/gateway/dist/services/bootstrap.js';
import { HOOK_SOURCES } from '../packages/gateway/dist/services/hooks.js';
import type { NewEvent } from '../packages/gateway/dist/store/event-store.js';
import { RawFiles } from '../packages/gateway/dist/store/raw-files.js';
import { EVENT_COLUMNS, insertEventsSqlite } from '../packages/gateway/dist/store/sqlite-ingest-statements.js';
import { cachingStatements } from '../packages/gateway/dist/store/sqlite-statements.js';
import { toEnvelope } from '../packages/gateway/dist/webhooks/envelope.js';
import { webhookProviders } from '../packages/gateway/dist/webhooks/registry.js';
import { CAPTURES, fixtures } from './ingest-setup.ts';

const BATCH = Number(process.env.BENCH_BATCH ?? 16);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 32_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHECKPOINT_EVERY = Number(process.env.BENCH_CHECKPOINT_EVERY ?? 16);
type Template = Omit<NewEvent, 'id' | 'dedupe_key'>;

/**
 * One template row per payload the ingest bench sends: the envelope the gateway would store, and the body as
 * received.
 */
function templates(tenantId: string): Template[] {
  return CAPTURES.map((c) => {
    const text = readFileSync(path.join(fixtures, c.file), 'utf8');
    const raw = process.env.BENCH_COMPACT === '1' ? JSON.stringify(JSON.parse(text)) : text;
    const source = HOOK_SOURCES[c.provider];
    if (source === undefined) throw new Error(`no webhook source for ${c.provider}`);
    const headers = c.key === null ? {} : { 'x-event-key': c.key };
    const draft = webhookProviders[source].normalize(JSON.parse(raw), headers)[0];
    if (draft === undefined) throw new Error(`${c.file} gives no event`);
    const receivedAt = new Date().toISOString();
    const provider = c.provider as EventProvider;
    const event = toEnvelope(draft, { id: 'evt_x', connectionId: 'con_bench', provider, receivedAt });
    return {
      tenant_id: tenantId,
      connection_id: 'con_bench',
      hook_id: `hook_${c.provider}`,
      type: event.type,
      provider,
      occurred_at: event.occurred_at,
      received_at: receivedAt,
      payload: JSON.stringify(event),
      raw,
      raw_ref: null,
      // The ingest path hands the store the bytes it received as well as their text.
      rawBytes: Buffer.from(raw),
      vendor_event_key: event.vendor.event_key,
    };
  });
}

/** Prepared statements by SQL text, the gateway's own cache; one per round, as each round has its connection. */
type Statements = ReturnType<typeof cachingStatements>;

interface Variant {
  name: string;
  /** Runs inside the transaction: inserts `rows` (with `files`, the round's raw body files). */
  insert(db: SQLite.Database, rows: NewEvent[], statements: Statements, files: RawFiles): void;
  /** Prepares the table (the gateway's schema is there already). */
  setup?(db: SQLite.Database): void;
  raw: boolean;
}

const VARIANTS: Variant[] = [
  {
    name: 'baseline: same columns, no index, envelope only',
    raw: false,
    setup: (db) => db.exec(`create table bare_events (${EVENT_COLUMNS.map((c) => `${c} text`).join(', ')})`),
    insert: (_db, rows, statements) => {
      const stmt = statements.prepare(`insert into bare_events values (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
      for (const row of rows) stmt.run(EVENT_COLUMNS.map((c) => row[c]));
    },
  },
  {
    name: "the gateway's insert, raw body in a raw body file",
    raw: true,
    insert: (db, rows, _statements, files) => void insertEventsSqlite(db, files.place(rows)),
  },
  {
    name: 'the same, raw body in the row (RAW_FILES=false)',
    raw: true,
    insert: (db, rows) => void insertEventsSqlite(db, rows),
  },
  {
    name: "the gateway's insert without any raw body",
    raw: false,
    insert: (db, rows) => void insertEventsSqlite(db, rows),
  },
];

interface Costs {
  insert: number;
  commit: number;
  /** CPU time: on the gateway the checkpoint thread's, off the request path but on the same cores. */
  checkpoint: number;
  /** Wall time, with the fsyncs. */
  checkpointWall: number;
}

/** One round of one variant on a fresh copy of the gateway's schema: µs per event of each part. */
async function round(variant: Variant): Promise<Costs> {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-bench-sqlite-'));
  try {
    const config = loadConfig({ SWITCHYARD_DATA_DIR: dir });
    if (config.database.kind !== 'sqlite') throw new Error('the bench needs the SQLite default');
    const runtime = await createRuntime(config, createLogger('error'));
    const admin = await bootstrap(runtime.store);
    await runtime.close();
    if (admin === undefined) throw new Error('the bench data dir is not empty');
    const db = new SQLite(config.database.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('wal_autocheckpoint = 0');
    variant.setup?.(db);
    const statements = cachingStatements(db);
    const rows = templates(admin.tenant.id).map((r) => {
      if (variant.raw) return r;
      const { rawBytes: _, ...row } = r;
      return { ...row, raw: null };
    });
    const files = new RawFiles(`${config.database.file}-raw`);
    const begin = db.prepare('begin immediate');
    const commit = db.prepare('commit');
    const run = Date.now().toString(36);
    const costs: Costs = { insert: 0, commit: 0, checkpoint: 0, checkpointWall: 0 };
    let n = 0;
    for (let b = 0; b < EVENTS / BATCH; b++) {
      // Ids as the gateway's sort by time; dedupe keys as vendors' delivery ids are random.
      const batch = Array.from({ length: BATCH }, () => {
        const i = n++;
        const row = rows[i % rows.length] as Template;
        return { ...row, id: `evt_${run}${String(i).padStart(10, '0')}`, dedupe_key: crypto.randomUUID() };
      });
      begin.run();
      const t0 = performance.now();
      variant.insert(db, batch, statements, files);
      const t1 = performance.now();
      commit.run();
      const t2 = performance.now();
      costs.insert += t1 - t0;
      costs.commit += t2 - t1;
      if (b % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1) {
        const cpu = process.cpuUsage();
        db.pragma('wal_checkpoint(PASSIVE)');
        const used = process.cpuUsage(cpu);
        costs.checkpoint += (used.user + used.system) / 1000;
        costs.checkpointWall += performance.now() - t2;
      }
    }
    db.close();
    await files.close();
    const perEvent = (ms: number) => (ms * 1000) / n;
    return {
      insert: perEvent(costs.insert),
      commit: perEvent(costs.commit),
      checkpoint: perEvent(costs.checkpoint),
      checkpointWall: perEvent(costs.checkpointWall),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
/** CPU per event: the insert and commit run on the CPU throughout (no fsync at commit with synchronous = NORMAL). */
const total = (c: Costs) => c.insert + c.commit + c.checkpoint;

async function main() {
  console.log(
    `${EVENTS.toLocaleString('en')} events in batches of ${BATCH}, checkpoint every ${CHECKPOINT_EVERY} batches, median of ${ROUNDS} rounds; data in ${tmpdir()}; bodies ${process.env.BENCH_COMPACT === '1' ? 'compact' : 'as captured'}\n`,
  );
  // Rounds interleave the variants, so a slower stretch of the machine falls on all of them alike.
  const results = new Map<Variant, Costs[]>(VARIANTS.map((v) => [v, []]));
  for (let r = 0; r < ROUNDS; r++) for (const v of VARIANTS) results.get(v)?.push(await round(v));
  const summary = VARIANTS.map((v) => {
    const rounds = results.get(v) ?? [];
    const c: Costs = {
      insert: median(rounds.map((x) => x.insert)),
      commit: median(rounds.map((x) => x.commit)),
      checkpoint: median(rounds.map((x) => x.checkpoint)),
      checkpointWall: median(rounds.map((x) => x.checkpointWall)),
    };
    return { v, c };
  });
  const base = summary[0]?.c;
  if (base === undefined) throw new Error('no baseline');
  for (const { v, c } of summary) {
    console.log(
      `${v.name.padEnd(58)} insert ${c.insert.toFixed(1).padStart(5)} µs, commit ${c.commit.toFixed(1).padStart(5)} µs, checkpoint ${c.checkpoint.toFixed(1).padStart(5)} µs CPU (${c.checkpointWall.toFixed(1)} µs wall) per event; total ${total(c).toFixed(1).padStart(5)} µs = ${(total(c) / total(base)).toFixed(2)}× baseline`,
    );
  }
}

await main();
