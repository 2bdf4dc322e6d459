import type { Logger } from 'pino';
import type { Config } from '../../config/load.js';
import { type Clock, systemClock } from '../../http/clock.js';
import type { RegistrationRow, RegistrationStore } from '../../store/registration-store.js';
import { connectionJira } from '../jira/transport.js';
import type { VendorTransportDeps } from '../vendor-json.js';
import { refreshJiraWebhooks } from './jira.js';

const DAY_MS = 86_400_000;
/** How often the job looks for webhooks due; the margin (days) is what makes a missed run harmless. */
const INTERVAL_MS = 3_600_000;
/** Registrations looked at per run; the rest wait for the next run. */
const BATCH = 200;
const EXPIRED = 'Jira deleted this webhook before it was refreshed: run POST /v1/connections/{id}/webhooks/sync again';
const iso = (ms: number) => new Date(ms).toISOString();

export interface WebhookRefreshDeps extends VendorTransportDeps {
  registrations: RegistrationStore;
  config: Pick<Config, 'jiraWebhookRefreshDays'> & VendorTransportDeps['config'];
  logger: Logger;
  clock?: Clock;
}

export interface WebhookRefreshReport {
  refreshed: number;
  failed: number;
}

/**
 * The background job that keeps Jira Cloud dynamic webhooks alive: Jira deletes them 30 days after they were
 * registered or last refreshed, so every webhook expiring within SWITCHYARD_JIRA_WEBHOOK_REFRESH_DAYS is
 * extended with `PUT /rest/api/3/webhook/refresh`, one call per connection. Two replicas running it at once
 * only refresh twice (the call is idempotent), so it needs no lease.
 */
export class WebhookRefresher {
  readonly #deps: WebhookRefreshDeps;
  readonly #clock: Clock;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<WebhookRefreshReport> | undefined;

  constructor(deps: WebhookRefreshDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  /** Run hourly (the first run soon after start); SWITCHYARD_JIRA_WEBHOOK_REFRESH_DAYS=0 turns it off. */
  start(firstDelayMs = 15_000): void {
    if (this.#deps.config.jiraWebhookRefreshDays === 0 || this.#timer !== undefined) return;
    const tick = (delay: number) => {
      this.#timer = setTimeout(() => {
        this.#running = this.runOnce().finally(() => {
          this.#running = undefined;
        });
        this.#running.catch((err: unknown) => this.#deps.logger.error({ err }, 'webhook refresh run failed'));
        tick(INTERVAL_MS);
      }, delay);
      this.#timer.unref();
    };
    tick(firstDelayMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  async runOnce(): Promise<WebhookRefreshReport> {
    const report: WebhookRefreshReport = { refreshed: 0, failed: 0 };
    const now = this.#clock.now();
    const before = new Date(now + this.#deps.config.jiraWebhookRefreshDays * DAY_MS).toISOString();
    const due = await this.#deps.registrations.listExpiringBefore(before, BATCH);
    const byConnection = new Map<string, RegistrationRow[]>();
    for (const row of due) byConnection.set(row.connection_id, [...(byConnection.get(row.connection_id) ?? []), row]);
    for (const rows of byConnection.values()) await this.#refresh(rows, now, report);
    if (report.refreshed + report.failed > 0) this.#deps.logger.info({ ...report }, 'jira webhook refresh run');
    return report;
  }

  async #refresh(all: RegistrationRow[], now: number, report: WebhookRefreshReport): Promise<void> {
    // Jira has already deleted an expired webhook and ignores its id in a refresh: only a new sync brings it back.
    const expired = all.filter((r) => r.expires_at !== null && Date.parse(r.expires_at) <= now);
    for (const r of expired) {
      // expires_at is cleared so the row leaves the queue; the error keeps when it expired.
      const lastError = `${EXPIRED} (expired ${r.expires_at})`;
      await this.#deps.registrations.update(r.id, { expires_at: null, last_error: lastError, updated_at: iso(now) });
      report.failed++;
    }
    const rows = all.filter((r) => !expired.includes(r));
    const first = rows[0];
    if (first === undefined) return;
    try {
      const jira = await connectionJira(this.#deps, first.tenant_id, first.connection_id);
      const expiresAt = await refreshJiraWebhooks(
        jira,
        rows.map((r) => r.upstream_id),
        now,
      );
      const at = new Date(now).toISOString();
      for (const r of rows) {
        await this.#deps.registrations.update(r.id, {
          expires_at: expiresAt,
          last_refreshed_at: at,
          last_error: null,
          updated_at: at,
        });
      }
      report.refreshed += rows.length;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      for (const r of rows) {
        await this.#deps.registrations.update(r.id, { last_error: message, updated_at: new Date(now).toISOString() });
      }
      report.failed += rows.length;
      this.#deps.logger.warn(
        { err, connection_id: first.connection_id, webhooks: rows.length },
        'jira webhook refresh failed',
      );
    }
  }
}
