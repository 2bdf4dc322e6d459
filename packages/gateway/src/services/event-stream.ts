import type { StoredEvent } from '../store/event-store.js';
import { idFloor } from '../store/ids.js';
import type { Store } from '../store/store.js';
import type { EventNotifier } from '../webhooks/notifier.js';

export interface StreamDeps {
  store: Store;
  notifier: EventNotifier;
  /** Re-read the log at least this often, whatever the nudges say. Default 1 s. */
  pollMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream. Default 15 s. */
  heartbeatMs?: number;
  /** How far back a live stream re-checks for events that committed late. Default 5 s. */
  lateMs?: number;
}

export interface StreamRequest {
  tenantId: string;
  types: ReadonlySet<string> | undefined;
  connectionId: string | undefined;
  /** Resume strictly after this id (Last-Event-ID); else start with events from now on. */
  lastEventId: string | undefined;
}

/** Where the stream writes; `write` resolves when the chunk is flushed (back-pressure). */
export interface StreamSink {
  write(chunk: string): Promise<void>;
  signal: AbortSignal;
}

const PAGE = 200;

export const sseFrame = (e: StoredEvent): string => `id: ${e.id}\nevent: event\ndata: ${e.payload}\n\n`;

/**
 * Server-sent events from the event log until the client goes away. Ids are time-ordered but a transaction that
 * commits late (another replica, a slow batch) can add an id below the newest one sent, so every pass also
 * re-checks the last `lateMs` for ids not sent yet. Events at or below the resume point are never sent.
 */
export async function runEventStream(deps: StreamDeps, req: StreamRequest, sink: StreamSink): Promise<void> {
  const pollMs = deps.pollMs ?? 1000;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const lateMs = deps.lateMs ?? 5000;
  const floor = req.lastEventId ?? idFloor('evt', Date.now());
  let cursor = floor;
  const sent = new Set<string>();
  let lastWrite = Date.now();
  await sink.write(': switchyard event stream\nretry: 2000\n\n');
  while (!sink.signal.aborted) {
    const recent = idFloor('evt', Date.now() - lateMs);
    const batch: StoredEvent[] = [];
    if (cursor > recent) {
      const ids = await deps.store.events.listEventIds(req.tenantId, laterId(recent, floor), cursor);
      const late = ids.filter((id) => !sent.has(id));
      if (late.length > 0) batch.push(...(await deps.store.events.getEvents(req.tenantId, late)));
    }
    for (;;) {
      const page = await deps.store.events.listEvents(req.tenantId, connectionFilter(req), {
        limit: PAGE,
        after: cursor,
      });
      batch.push(...page);
      const last = page.at(-1);
      if (last !== undefined) cursor = last.id;
      if (page.length < PAGE || sink.signal.aborted) break;
    }
    for (const event of batch) {
      sent.add(event.id);
      if (req.types !== undefined && !req.types.has(event.type)) continue;
      await sink.write(sseFrame(event));
      lastWrite = Date.now();
    }
    for (const id of sent) if (id <= recent) sent.delete(id);
    if (Date.now() - lastWrite >= heartbeatMs) {
      await sink.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    await nextPass(deps.notifier, sink.signal, Math.min(pollMs, heartbeatMs));
  }
}

/** The later of two ids (ids compare as strings). */
function laterId(a: string, b: string): string {
  if (a > b) return a;
  return b;
}

const connectionFilter = (req: StreamRequest) =>
  req.connectionId === undefined ? {} : { connectionId: req.connectionId };

function nextPass(notifier: EventNotifier, signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = notifier.subscribe(done);
    signal.addEventListener('abort', done, { once: true });
  });
}
