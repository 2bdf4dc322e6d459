import { randomBytes } from 'node:crypto';
import { close as closeAsync, fdatasync, fstatSync, mkdirSync, openSync, writevSync } from 'node:fs';
import { open, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type EventRow, type NewEvent, withoutBytes } from './event-store.js';

/** `2026-12-06T04`: the hour of a `received_at`, which names the file its body goes to. */
const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;
/** `<hour>.<writer>-<lane>.raw`, the only names this class reads or deletes. */
const FILE = /^(\d{4}-\d{2}-\d{2}T\d{2})\.[0-9a-f]{12}-[01]\.raw$/;
/** A reference as stored in `events.raw_ref`: `<file>:<offset>:<length>`. */
const REF = /^(\d{4}-\d{2}-\d{2}T\d{2}\.[0-9a-f]{12}-[01]\.raw):(\d+):(\d+)$/;
/** Tenant ids are ours (`ten_…`); anything else is refused rather than turned into a path. */
const TENANT = /^[A-Za-z0-9_-]{1,128}$/;
const HOUR_MS = 3_600_000;

export interface RawFilesOptions {
  /** Whether `place` is used (SWITCHYARD_SQLITE_RAW_FILES); off, the files are only read and pruned. Default true. */
  writes?: boolean;
  /** How often bodies appended since the last sync are flushed to disk (`fdatasync`). Default 1,000 ms. */
  syncIntervalMs?: number;
  /** Files kept open for appending at most (least recently used closed first). Default 64. */
  maxOpen?: number;
}

/** A body as the rows carry it: the bytes received, or the text alone. */
type Body = Uint8Array | string;
/** Where a body lands in its group's write. */
interface Span {
  offset: number;
  length: number;
}

/** The bodies of one `place` call that go to one tenant's hour. */
interface Group {
  tenant: string;
  chunks: Uint8Array[];
  bytes: number;
  /** Each body once, by identity: the rows of one delivery share their body. */
  at: Map<Body, Span>;
  /** Once written: the file's name and the offset the group starts at. */
  name: string;
  start: number;
}

/** One of a slot's two files. */
interface Lane {
  /** The file's name in its tenant's directory, as references give it. */
  name: string;
  fd: number;
  /** Where the next append lands: this writer is the file's only one. */
  size: number;
  dirty: boolean;
  /** An asynchronous fdatasync is in flight; the fd is closed after it if `retired`. */
  syncing: boolean;
  retired: boolean;
}

/**
 * A tenant's hour, as this writer appends to it: two files (lanes), appended to in turn. Each sync switches the
 * appends to the other lane and flushes the one just left, so a file is never appended to while it is flushed
 * (on ext4 an append waits 6–14 ms for a flush of its own file to finish allocating its blocks; BENCHMARKS.md).
 */
interface Slot {
  key: string;
  tenant: string;
  lanes: [Lane | undefined, Lane | undefined];
  active: 0 | 1;
}

function tenantDir(tenantId: string): string {
  if (!TENANT.test(tenantId)) throw new Error(`tenant id ${JSON.stringify(tenantId)} cannot name a directory`);
  return tenantId;
}

/**
 * Raw webhook bodies of the SQLite event log, kept out of the database: appended to files of their own
 * (`<dir>/<tenant>/<hour>.<writer>-<lane>.raw`), with only a reference (`file:offset:length`) in the event's row.
 *
 * Why: a body stored in SQLite is written twice (into the WAL at commit, then into the database file by the
 * checkpoint), through the WAL's 4 KB frames, one after another. Appended here it is written once, with one
 * `writev` per tenant and hour for a whole group commit. `npm run bench:sqlite` measures the difference.
 *
 * Durability follows SQLite's `synchronous = NORMAL`, which the gateway runs with: the bytes are written (to the
 * page cache) before the transaction that references them commits, so a crash of the process never leaves a row
 * without its body; bodies written since the last sync (about `syncIntervalMs` ago, or a little more while a
 * flush runs long) can be lost with the machine, as the WAL's last commits can. A reference whose bytes are
 * missing reads as null. Each sync switches the appends between a slot's two files (see `Slot`).
 *
 * Each instance (one per SQLite connection: the main thread's, the ingest thread's) appends only to files named
 * with its own random writer id, so no two writers share a file and offsets need no lock. Bodies of rows never
 * committed (a duplicate delivery, a failed transaction) stay in their file as unreferenced bytes until the file
 * is pruned with its hour.
 */
export class RawFiles {
  readonly dir: string;
  readonly writes: boolean;
  readonly #writer = randomBytes(6).toString('hex');
  readonly #open = new Map<string, Slot>();
  readonly #maxOpen: number;
  readonly #timer: NodeJS.Timeout;
  #inFlight = 0;
  #settled: Array<() => void> = [];
  #closed = false;

  constructor(dir: string, options: RawFilesOptions = {}) {
    this.dir = dir;
    this.writes = options.writes ?? true;
    this.#maxOpen = options.maxOpen ?? 64;
    this.#timer = setInterval(() => this.#syncAll(), options.syncIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  /**
   * Append the bodies of `rows` and answer the rows to insert: each with `raw` null and `raw_ref` naming its
   * bytes. Rows of one delivery share its body, written once. A row without a body, or already placed, is
   * answered as it is. Throws if a write fails (the caller's transaction then fails with it).
   */
  place(rows: readonly NewEvent[]): EventRow[] {
    if (this.#closed || !this.writes) throw new Error('raw body files are closed, or not written to');
    const out: EventRow[] = new Array(rows.length);
    // Per file (tenant and hour): the bodies to append, each once, at its offset from where the group starts; once
    // written, the file's name and where the group starts in it.
    const groups = new Map<string, Group>();
    const pending: Array<{ index: number; group: Group; span: Span }> = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as NewEvent;
      if (row.raw === null || row.raw_ref !== null) {
        out[i] = withoutBytes(row);
        continue;
      }
      // A copy: the caller's row keeps its body, so a batch retried after a failure places it again.
      const { rawBytes, ...plain } = row;
      out[i] = plain;
      const body = rawBytes ?? row.raw;
      const hour = row.received_at.slice(0, 13);
      if (!HOUR.test(hour)) throw new Error(`received_at ${row.received_at} is not an ISO time`);
      const key = `${tenantDir(row.tenant_id)}/${hour}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { tenant: row.tenant_id, chunks: [], bytes: 0, at: new Map(), name: '', start: 0 };
        groups.set(key, group);
      }
      let span = group.at.get(body);
      if (span === undefined) {
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        span = { offset: group.bytes, length: bytes.byteLength };
        group.at.set(body, span);
        group.chunks.push(bytes);
        group.bytes += bytes.byteLength;
      }
      pending.push({ index: i, group, span });
    }
    for (const [key, group] of groups) {
      const slot = this.#slot(key, group.tenant);
      const lane = this.#lane(slot, slot.active);
      let written: number;
      try {
        written = writev(lane.fd, group.chunks);
      } catch (err) {
        this.#retire(slot);
        throw err;
      }
      if (written !== group.bytes) {
        // A short write (a full disk): what landed is unreferenced; the next open starts after it.
        this.#retire(slot);
        throw new Error(`raw body file ${key}: wrote ${written} of ${group.bytes} bytes`);
      }
      group.name = lane.name;
      group.start = lane.size;
      lane.size += written;
      lane.dirty = true;
    }
    for (const { index, group, span } of pending) {
      const row = out[index] as EventRow;
      row.raw = null;
      row.raw_ref = `${group.name}:${group.start + span.offset}:${span.length}`;
    }
    return out;
  }

  /** The body a reference names, or null if its bytes are gone (pruned, or lost with the machine). */
  async read(tenantId: string, ref: string): Promise<string | null> {
    const match = REF.exec(ref);
    if (match === null) throw new Error(`not a raw body reference: ${ref}`);
    const [, name, offset, length] = match as unknown as [string, string, string, string];
    const size = Number(length);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path.join(this.dir, tenantDir(tenantId), name), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const buffer = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const { bytesRead } = await handle.read(buffer, got, size - got, Number(offset) + got);
        if (bytesRead === 0) return null;
        got += bytesRead;
      }
      return buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  }

  /**
   * Delete the files of every hour that ended at or before `before` and whose events are all gone:
   * `referenced(tenantId, from, to)` answers whether an event received in [from, to) still points into them (an
   * event kept past its retention for a pending delivery keeps its hour's files). Answers the files deleted.
   */
  async prune(
    before: string,
    referenced: (tenantId: string, from: string, to: string) => Promise<boolean>,
  ): Promise<number> {
    const cutoff = Date.parse(before);
    let deleted = 0;
    for (const tenant of await listDir(this.dir)) {
      if (!TENANT.test(tenant)) continue;
      const byHour = new Map<string, string[]>();
      for (const name of await listDir(path.join(this.dir, tenant))) {
        const hour = FILE.exec(name)?.[1];
        if (hour === undefined || Date.parse(`${hour}:00:00.000Z`) + HOUR_MS > cutoff) continue;
        const names = byHour.get(hour);
        if (names === undefined) byHour.set(hour, [name]);
        else names.push(name);
      }
      for (const [hour, names] of byHour) {
        const from = Date.parse(`${hour}:00:00.000Z`);
        if (await referenced(tenant, new Date(from).toISOString(), new Date(from + HOUR_MS).toISOString())) continue;
        // This writer appends to an hour only while it is the tenant's latest; one that is pruned is long past.
        const open = this.#open.get(`${tenant}/${hour}`);
        if (open !== undefined) this.#retire(open);
        for (const name of names) {
          await unlink(path.join(this.dir, tenant, name)).catch(ignoreMissing);
          deleted++;
        }
      }
    }
    return deleted;
  }

  /**
   * What the timer does every `syncIntervalMs`, now: switch the appends of every slot written to since the last
   * sync to its other file and flush the one left. Resolves once every flush under way has finished.
   */
  async sync(): Promise<void> {
    this.#syncAll();
    await this.#idle();
  }

  /** Flush what was appended and close every file; later appends throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const slot of [...this.#open.values()]) this.#retire(slot);
    await this.#idle();
  }

  #idle(): Promise<void> {
    return this.#inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.#settled.push(resolve));
  }

  #slot(key: string, tenant: string): Slot {
    const found = this.#open.get(key);
    if (found !== undefined) {
      // Most recently used last: the map's order is the eviction order.
      this.#open.delete(key);
      this.#open.set(key, found);
      return found;
    }
    // A tenant's files of earlier hours get no more appends once a later hour starts.
    for (const slot of this.#open.values()) {
      if (slot.tenant === tenant && slot.key < key) this.#retire(slot);
    }
    while (this.#open.size >= this.#maxOpen) this.#retire(this.#open.values().next().value as Slot);
    mkdirSync(path.join(this.dir, tenant), { recursive: true, mode: 0o700 });
    const slot: Slot = { key, tenant, lanes: [undefined, undefined], active: 0 };
    this.#open.set(key, slot);
    return slot;
  }

  /** A slot's lane, opened (at its end, if it exists) on first use. */
  #lane(slot: Slot, index: 0 | 1): Lane {
    const found = slot.lanes[index];
    if (found !== undefined) return found;
    const name = `${slot.key.slice(slot.tenant.length + 1)}.${this.#writer}-${index}.raw`;
    const fd = openSync(path.join(this.dir, slot.tenant, name), 'a', 0o600);
    const lane: Lane = { name, fd, size: fstatSync(fd).size, dirty: false, syncing: false, retired: false };
    slot.lanes[index] = lane;
    return lane;
  }

  /** Take a slot out of use: flush what it has not synced, then close its files. */
  #retire(slot: Slot): void {
    if (this.#open.get(slot.key) === slot) this.#open.delete(slot.key);
    for (const lane of slot.lanes) {
      if (lane === undefined || lane.retired) continue;
      lane.retired = true;
      if (lane.syncing) continue; // its sync's callback closes it
      if (lane.dirty) this.#sync(lane);
      else this.#closeFd(lane);
    }
  }

  /**
   * Every `syncIntervalMs`: a slot appended to since the last tick switches its appends to its other lane, and the
   * lane it leaves is flushed. If the other lane's own flush is still running, the slot keeps its lane this time.
   */
  #syncAll(): void {
    for (const slot of this.#open.values()) {
      const current = slot.lanes[slot.active];
      if (current === undefined || !current.dirty) continue;
      const next: 0 | 1 = slot.active === 0 ? 1 : 0;
      if (slot.lanes[next]?.syncing === true) continue;
      slot.active = next;
      this.#sync(current);
    }
  }

  #sync(lane: Lane): void {
    lane.dirty = false;
    lane.syncing = true;
    this.#inFlight++;
    fdatasync(lane.fd, () => {
      // A failed sync is not retried here: the bytes stay in the page cache and the kernel writes them back.
      lane.syncing = false;
      this.#inFlight--;
      if (lane.retired) this.#closeFd(lane);
      else this.#settle();
    });
  }

  #closeFd(lane: Lane): void {
    this.#inFlight++;
    closeAsync(lane.fd, () => {
      this.#inFlight--;
      this.#settle();
    });
  }

  #settle(): void {
    if (this.#inFlight === 0) for (const done of this.#settled.splice(0)) done();
  }
}

function writev(fd: number, chunks: Uint8Array[]): number {
  // Linux takes at most 1,024 buffers per writev.
  let written = 0;
  for (let i = 0; i < chunks.length; i += 1024) {
    const part = chunks.slice(i, i + 1024);
    const n = writevSync(fd, part);
    written += n;
    if (n !== part.reduce((sum, c) => sum + c.byteLength, 0)) break;
  }
  return written;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    ignoreMissing(err);
    return [];
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
