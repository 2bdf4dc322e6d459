import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../http/clock.js';
import type { EventRow } from '../../store/event-store.js';
import type { VendorTransportDeps } from '../vendor-json.js';
import { pageEventRow, pageHit } from './page-events.js';
import type { PollRow, PollStore } from './poll-store.js';
import { type ConfluenceSearch, connectionSearch, pollCql } from './search.js';

export interface PollerDeps {
  polls: PollStore;
  /** The ingest group-commit writer: polled events take the same path (dedupe, deliveries, SSE signal) as webhooks. */
  writer: { write(rows: EventRow[]): Promise<string[]> };
  transport: VendorTransportDeps;
  logger: Logger;
  clock?: Clock;
  /** Tests script the search; the default goes through the connection's target. */
  searchOf?: (tenantId: string, connectionId: string) => Promise<ConfluenceSearch>;
}

export interface PollerOptions {
  /** How often the job looks for connections due to be polled. */
  tickMs: number;
  /** How long a replica holds a connection's lease; a run must finish within it (else it may run twice, harmlessly). */
  leaseMs: number;
  /** How far before the watermark a window starts: covers the search index lag and clock skew. */
  overlapMs: number;
  /** Search pages read per run at most; the rest is read by the next run, at once. */
  maxPages: number;
  /** Identifies this replica's leases; default `<host>:<pid>:<random>`. */
  owner?: string;
}

export const defaultPollerOptions: PollerOptions = {
  tickMs: 15_000,
  leaseMs: 5 * 60_000,
  overlapMs: 10 * 60_000,
  maxPages: 10,
};

/** Due connections looked at per tick. */
const BATCH = 20;

export interface PollReport {
  polled: number;
  events: number;
  failed: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Confluence Cloud page events for connections that opted in, by CQL search (Confluence Cloud has no webhooks a
 * 3LO app can register). Each due connection is leased by one replica, searched from its watermark minus an
 * overlap, and every page version found is written as `page.created` (version 1) or `page.updated` through the
 * event writer; the watermark moves only after those events are committed. A crash mid-run repeats the window,
 * and the event log's dedupe key (page id + version) makes the repeat store nothing twice.
 */
export class ConfluencePoller {
  readonly owner: string;
  readonly #deps: PollerDeps;
  readonly #options: PollerOptions;
  readonly #clock: Clock;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PollReport> | undefined;

  constructor(deps: PollerDeps, options: Partial<PollerOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...defaultPollerOptions, ...options };
    this.#clock = deps.clock ?? systemClock;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  start(firstDelayMs = 5_000): void {
    if (this.#timer !== undefined) return;
    const tick = (delay: number) => {
      this.#timer = setTimeout(() => {
        this.#running = this.runOnce().finally(() => {
          this.#running = undefined;
          if (this.#timer !== undefined) tick(this.#options.tickMs);
        });
        this.#running.catch((err: unknown) => this.#deps.logger.error({ err }, 'confluence poll run failed'));
      }, delay);
      this.#timer.unref();
    };
    tick(Math.min(firstDelayMs, this.#options.tickMs));
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** Poll every connection that is due and not leased elsewhere. */
  async runOnce(): Promise<PollReport> {
    const report: PollReport = { polled: 0, events: 0, failed: 0 };
    for (const connectionId of await this.#deps.polls.due(iso(this.#clock.now()), BATCH)) {
      const now = this.#clock.now();
      const row = await this.#deps.polls.claim(connectionId, this.owner, iso(now), iso(now + this.#options.leaseMs));
      if (row === undefined) continue; // another replica took it
      report.polled++;
      try {
        await this.#pollClaimed(row, report);
      } catch (err) {
        report.failed++;
        const message = err instanceof Error ? err.message : String(err);
        this.#deps.logger.warn({ err, connectionId }, 'confluence poll failed');
        const at = this.#clock.now();
        await this.#deps.polls.finish(connectionId, this.owner, {
          at: iso(at),
          nextRunAt: iso(at + row.interval_seconds * 1000),
          error: message,
        });
      }
    }
    if (report.polled > 0) this.#deps.logger.debug({ ...report }, 'confluence poll run');
    return report;
  }

  /** One leased connection: search, commit the events page by page (counted as committed), then the watermark. */
  async #pollClaimed(row: PollRow, report: PollReport): Promise<void> {
    const startedAt = this.#clock.now();
    const search = await (this.#deps.searchOf ?? this.#defaultSearch)(row.tenant_id, row.connection_id);
    const from = Date.parse(row.watermark) - (row.backlog === 1 ? 0 : this.#options.overlapMs);
    const cql = pollCql(from, startedAt, JSON.parse(row.spaces) as string[]);
    let watermark = row.watermark;
    let stored = 0;
    let pages = 0;
    let backlog = false;
    const seen = new Set<string>();
    for await (const page of search.pages(cql)) {
      const rows: EventRow[] = [];
      for (const result of page.results) {
        const hit = pageHit(result, page.base);
        if (hit === undefined) continue;
        if (hit.modifiedAt > watermark) watermark = hit.modifiedAt;
        const key = `${hit.page.id}:${hit.version}`;
        if (seen.has(key)) continue;
        seen.add(key);
        // Receipt time is wall time, like ingest: event ids sort by it (the clock only schedules runs).
        rows.push(pageEventRow(row.tenant_id, row.connection_id, hit, Date.now()));
      }
      if (rows.length > 0) {
        const ids = await this.#deps.writer.write(rows);
        stored += ids.length;
        report.events += ids.length;
      }
      if (++pages >= this.#options.maxPages && page.more) {
        backlog = true;
        break;
      }
    }
    // Never past this run's start: a Confluence clock ahead of ours (or a bogus date) must not skip real changes.
    if (watermark > iso(startedAt)) watermark = iso(Math.max(Date.parse(row.watermark), startedAt));
    const at = this.#clock.now();
    const kept = await this.#deps.polls.finish(row.connection_id, this.owner, {
      at: iso(at),
      nextRunAt: iso(backlog ? at : at + row.interval_seconds * 1000),
      success: { watermark, backlog, events: stored },
    });
    if (!kept) {
      this.#deps.logger.warn({ connectionId: row.connection_id }, 'confluence poll outlived its lease');
    }
  }

  readonly #defaultSearch = async (tenantId: string, connectionId: string): Promise<ConfluenceSearch> => {
    const target = await this.#deps.transport.targets.get(tenantId, connectionId);
    return connectionSearch(this.#deps.transport, target);
  };
}
