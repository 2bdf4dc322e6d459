import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRow, NewEvent } from './event-store.js';
import { RawFiles } from './raw-files.js';

const HOUR = 3_600_000;

let dir: string;
const opened: RawFiles[] = [];
const files = (options: ConstructorParameters<typeof RawFiles>[1] = {}) => {
  const f = new RawFiles(dir, options);
  opened.push(f);
  return f;
};

let seq = 0;
function row(tenant: string, receivedAt: string, raw: string | null, rawBytes?: Uint8Array): NewEvent {
  seq++;
  return {
    id: `evt_${seq}`,
    tenant_id: tenant,
    connection_id: 'con_x',
    hook_id: 'hook_x',
    type: 'push',
    provider: 'bitbucket-cloud',
    dedupe_key: `d${seq}`,
    occurred_at: receivedAt,
    received_at: receivedAt,
    payload: '{}',
    raw,
    raw_ref: null,
    ...(rawBytes === undefined ? {} : { rawBytes }),
    vendor_event_key: 'repo:push',
  };
}

const ref = (r: EventRow | undefined) => r?.raw_ref ?? '';
const tree = () =>
  readdirSync(dir)
    .flatMap((tenant) => readdirSync(path.join(dir, tenant)).map((name) => `${tenant}/${name}`))
    .sort();

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'switchyard-raw-'));
});
afterEach(async () => {
  for (const f of opened.splice(0)) await f.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('RawFiles', () => {
  it('appends bodies once per delivery, one file per tenant and hour, and reads each back', async () => {
    const f = files();
    const bytes = Buffer.from('{"title":"naïve ✓"}');
    const rows = [
      row('ten_a', '2026-12-06T04:10:00.000Z', '{"title":"naïve ✓"}', bytes),
      row('ten_a', '2026-12-06T04:10:00.000Z', '{"title":"naïve ✓"}', bytes),
      row('ten_a', '2026-12-06T05:00:00.000Z', '{"n":2}'),
      row('ten_b', '2026-12-06T04:59:59.999Z', '{"n":3}'),
      row('ten_a', '2026-12-06T05:30:00.000Z', null),
    ];
    const placed = f.place(rows);
    expect(placed.map((r) => r.raw)).toEqual([null, null, null, null, null]);
    expect(placed.every((r) => !('rawBytes' in r))).toBe(true);
    expect(ref(placed[1])).toBe(ref(placed[0]));
    expect(placed[4]?.raw_ref).toBeNull();
    expect(ref(placed[0])).toMatch(/^2026-12-06T04\.[0-9a-f]{12}-0\.raw:0:22$/); // bytes, not characters
    expect(await f.read('ten_a', ref(placed[0]))).toBe('{"title":"naïve ✓"}');
    expect(await f.read('ten_a', ref(placed[2]))).toBe('{"n":2}');
    expect(await f.read('ten_b', ref(placed[3]))).toBe('{"n":3}');
    expect(tree().map((p) => p.replace(/\.[0-9a-f]{12}-0\./, '.W.'))).toEqual([
      'ten_a/2026-12-06T04.W.raw',
      'ten_a/2026-12-06T05.W.raw',
      'ten_b/2026-12-06T04.W.raw',
    ]);
    // The caller's rows are left as they were: a batch retried after a failure places them again.
    expect(rows[0]?.raw_ref).toBeNull();
    expect(rows[0]?.raw).toBe('{"title":"naïve ✓"}');
  });

  it('writes one body in each tenant’s and hour’s file it belongs to', async () => {
    const f = files();
    const same = '{"same":"body"}';
    const placed = f.place([
      row('ten_a', '2026-12-06T04:00:00.000Z', same),
      row('ten_b', '2026-12-06T04:00:00.000Z', same),
      row('ten_a', '2026-12-06T05:00:00.000Z', same),
      row('ten_a', '2026-12-06T04:30:00.000Z', same),
    ]);
    // A reference names a file in its event's tenant's directory.
    expect(new Set(placed.map((r) => `${r.tenant_id} ${ref(r)}`)).size).toBe(3);
    expect(ref(placed[3])).toBe(ref(placed[0]));
    expect(await f.read('ten_a', ref(placed[0]))).toBe(same);
    expect(await f.read('ten_b', ref(placed[1]))).toBe(same);
    expect(await f.read('ten_a', ref(placed[2]))).toBe(same);
    expect(tree()).toHaveLength(3);
  });

  it('appends later batches after the earlier ones, and leaves rows already placed alone', async () => {
    const f = files();
    const at = '2026-12-06T04:00:00.000Z';
    const first = f.place([row('ten_a', at, 'first')]);
    const second = f.place([row('ten_a', at, 'second'), ...first]);
    expect(ref(second[0])).toMatch(/:5:6$/);
    expect(second[1]).toEqual(first[0]);
    expect(await f.read('ten_a', ref(second[0]))).toBe('second');
    expect(await f.read('ten_a', ref(first[0]))).toBe('first');
    const [only] = tree();
    expect(readFileSync(path.join(dir, only ?? ''), 'utf8')).toBe('firstsecond');
  });

  it('gives each writer files of its own, which the other reads', async () => {
    const one = files();
    const two = files();
    const at = '2026-12-06T04:00:00.000Z';
    const a = one.place([row('ten_a', at, 'from one')]);
    const b = two.place([row('ten_a', at, 'from two')]);
    expect(ref(a[0])).toMatch(/:0:8$/);
    expect(ref(b[0])).toMatch(/:0:8$/);
    expect(tree()).toHaveLength(2);
    expect(await one.read('ten_a', ref(b[0]))).toBe('from two');
    expect(await two.read('ten_a', ref(a[0]))).toBe('from one');
  });

  it('reads a body whose bytes are gone as null, and refuses what is not a reference', async () => {
    const f = files();
    const placed = f.place([row('ten_a', '2026-12-06T04:00:00.000Z', 'x'.repeat(100))]);
    const [file] = tree();
    truncateSync(path.join(dir, file ?? ''), 50);
    expect(await f.read('ten_a', ref(placed[0]))).toBeNull();
    rmSync(path.join(dir, file ?? ''));
    expect(await f.read('ten_a', ref(placed[0]))).toBeNull();
    await expect(f.read('ten_a', '../../etc/passwd:0:10')).rejects.toThrow(/not a raw body reference/);
    await expect(f.read('../ten_a', ref(placed[0]))).rejects.toThrow(/cannot name a directory/);
  });

  it('fails the batch when the write fails, and refuses tenant ids that are not ours', () => {
    const f = files();
    writeFileSync(path.join(dir, 'ten_file'), 'not a directory');
    expect(() => f.place([row('ten_file', '2026-12-06T04:00:00.000Z', 'x')])).toThrow();
    expect(() => f.place([row('../x', '2026-12-06T04:00:00.000Z', 'x')])).toThrow(/cannot name a directory/);
    expect(() => f.place([row('ten_a', 'yesterday', 'x')])).toThrow(/not an ISO time/);
  });

  it('prunes the files of hours that ended before the cutoff, unless an event still points into them', async () => {
    const f = files();
    const now = Date.parse('2026-12-06T04:30:00.000Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    const placed = f.place([
      row('ten_a', iso(now - 3 * HOUR), 'old'),
      row('ten_a', iso(now - 2 * HOUR), 'kept'),
      row('ten_b', iso(now - 2 * HOUR), 'old too'),
      row('ten_a', iso(now - HOUR), 'cutoff hour'),
      row('ten_a', iso(now), 'current'),
    ]);
    writeFileSync(path.join(dir, 'ten_a', 'notes.txt'), 'not ours');
    const asked: string[] = [];
    const deleted = await f.prune(iso(now - HOUR), async (tenant, from, to) => {
      asked.push(`${tenant} ${from} ${to}`);
      return tenant === 'ten_a' && from === '2026-12-06T02:00:00.000Z';
    });
    expect(deleted).toBe(2);
    expect(asked.sort()).toEqual([
      'ten_a 2026-12-06T01:00:00.000Z 2026-12-06T02:00:00.000Z',
      'ten_a 2026-12-06T02:00:00.000Z 2026-12-06T03:00:00.000Z',
      'ten_b 2026-12-06T02:00:00.000Z 2026-12-06T03:00:00.000Z',
    ]);
    expect(tree().map((p) => p.replace(/\.[0-9a-f]{12}-0\./, '.W.'))).toEqual([
      'ten_a/2026-12-06T02.W.raw',
      'ten_a/2026-12-06T03.W.raw',
      'ten_a/2026-12-06T04.W.raw',
      'ten_a/notes.txt',
    ]);
    expect(await f.read('ten_a', ref(placed[0]))).toBeNull();
    expect(await f.read('ten_a', ref(placed[1]))).toBe('kept');
    // The writer goes on appending to the current hour's file.
    const next = f.place([row('ten_a', iso(now), 'more')]);
    expect(await f.read('ten_a', ref(next[0]))).toBe('more');
  });

  it('keeps at most maxOpen files open, reopening one at its end', async () => {
    const f = files({ maxOpen: 2 });
    const at = '2026-12-06T04:00:00.000Z';
    const a1 = f.place([row('ten_a', at, 'a1')]);
    f.place([row('ten_b', at, 'b1')]);
    f.place([row('ten_c', at, 'c1')]); // closes ten_a's file
    const a2 = f.place([row('ten_a', at, 'a2')]);
    expect(ref(a1[0])).toMatch(/:0:2$/);
    expect(ref(a2[0])).toMatch(/:2:2$/);
    expect(await f.read('ten_a', ref(a2[0]))).toBe('a2');
  });

  it('switches the appends to the other file of the hour at each sync, so none is appended to while flushed', async () => {
    const f = files({ syncIntervalMs: 3_600_000 });
    const at = '2026-12-06T04:00:00.000Z';
    const first = f.place([row('ten_a', at, 'one')]);
    const again = f.place([row('ten_a', at, 'two')]);
    await f.sync();
    const second = f.place([row('ten_a', at, 'three')]);
    await f.sync();
    const third = f.place([row('ten_a', at, 'four')]);
    await f.sync();
    // No appends since the last switch: an idle slot stays where it is.
    await f.sync();
    const fourth = f.place([row('ten_a', at, 'five')]);
    expect([first, again, second, third, fourth].map((r) => ref(r[0]).replace(/\.[0-9a-f]{12}-/, '.W-'))).toEqual([
      '2026-12-06T04.W-0.raw:0:3',
      '2026-12-06T04.W-0.raw:3:3',
      '2026-12-06T04.W-1.raw:0:5',
      '2026-12-06T04.W-0.raw:6:4',
      '2026-12-06T04.W-1.raw:5:4',
    ]);
    for (const [placed, body] of [
      [first, 'one'],
      [second, 'three'],
      [third, 'four'],
      [fourth, 'five'],
    ] as const) {
      expect(await f.read('ten_a', ref(placed[0]))).toBe(body);
    }
  });

  it('syncs on its own every syncIntervalMs', async () => {
    const f = files({ syncIntervalMs: 10 });
    const at = '2026-12-06T04:00:00.000Z';
    f.place([row('ten_a', at, 'first')]);
    let lane = '0';
    for (let i = 0; i < 200 && lane === '0'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      lane = /-([01])\.raw:/.exec(ref(f.place([row('ten_a', at, 'next')])[0]))?.[1] ?? '';
    }
    expect(lane).toBe('1');
  });

  it('flushes and closes on close, and refuses appends after it and when not writing', async () => {
    const f = files({ syncIntervalMs: 10 });
    const placed = f.place([row('ten_a', '2026-12-06T04:00:00.000Z', 'synced')]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await f.close();
    await f.close();
    expect(() => f.place([row('ten_a', '2026-12-06T04:00:00.000Z', 'late')])).toThrow(/closed/);
    expect(await f.read('ten_a', ref(placed[0]))).toBe('synced');
    const reader = files({ writes: false });
    expect(reader.writes).toBe(false);
    expect(await reader.read('ten_a', ref(placed[0]))).toBe('synced');
    expect(() => reader.place([row('ten_a', '2026-12-06T04:00:00.000Z', 'x')])).toThrow(/not written to/);
  });
});
