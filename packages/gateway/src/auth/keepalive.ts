import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { type Clock, systemClock } from '../http/clock.js';
import { providers } from '../providers/registry.js';
import type { GrantRow } from '../store/connection-store.js';
import type { Store } from '../store/store.js';
import type { GrantManager } from './grant-manager.js';

const DAY_MS = 86_400_000;
/** Warn this long before a grant's absolute expiry (Atlassian: 365 days after the first consent). */
const WARN_BEFORE_MS = 30 * DAY_MS;
/** Grants looked at per run and kind of work; the rest wait for the next run. */
const BATCH = 100;

export interface KeepAliveDeps {
  store: Store;
  grants: Pick<GrantManager, 'keepAlive'>;
  config: Pick<Config, 'keepaliveIntervalSeconds'>;
  logger: Logger;
  clock?: Clock;
}

export interface KeepAliveReport {
  refreshed: number;
  failed: number;
  flagged: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const oauthOf = (g: GrantRow) =>
  Object.hasOwn(providers, g.provider) ? providers[g.provider as keyof typeof providers].oauth : undefined;

/** A grant is idle once a third of its provider's inactivity expiry has passed without a refresh. */
function idleSince(nowMs: number, g: GrantRow): string | undefined {
  const days = oauthOf(g)?.inactivityExpiryDays;
  return days == null ? undefined : iso(nowMs - (days / 3) * DAY_MS);
}

/**
 * The background job that keeps idle OAuth grants alive (a refresh resets Atlassian's 90-day and
 * Bitbucket's inactivity expiry) and flags grants nearing their absolute expiry. Every refresh goes
 * through the GrantManager, so it takes the same single flight and lease as a request would.
 */
export class KeepAlive {
  readonly #deps: KeepAliveDeps;
  readonly #clock: Clock;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<KeepAliveReport> | undefined;

  constructor(deps: KeepAliveDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  /** Run every SWITCHYARD_KEEPALIVE_INTERVAL_SECONDS (the first run soon after start); 0 = off. */
  start(firstDelayMs = 10_000): void {
    const interval = this.#deps.config.keepaliveIntervalSeconds * 1000;
    if (interval === 0 || this.#timer !== undefined) return;
    const tick = (delay: number) => {
      this.#timer = setTimeout(() => {
        this.#running = this.runOnce().finally(() => {
          this.#running = undefined;
        });
        this.#running.catch((err: unknown) => this.#deps.logger.error({ err }, 'keep-alive run failed'));
        tick(interval);
      }, delay);
      this.#timer.unref();
    };
    tick(Math.min(firstDelayMs, interval));
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  async runOnce(): Promise<KeepAliveReport> {
    const report: KeepAliveReport = { refreshed: 0, failed: 0, flagged: 0 };
    await this.#refreshIdle(report);
    await this.#flagExpiring(report);
    if (report.refreshed + report.failed + report.flagged > 0) this.#deps.logger.info({ ...report }, 'keep-alive run');
    return report;
  }

  async #refreshIdle(report: KeepAliveReport): Promise<void> {
    const now = this.#clock.now();
    const days = Object.values(providers).map((p) => p.oauth?.inactivityExpiryDays ?? Number.POSITIVE_INFINITY);
    const soonest = Math.min(...days);
    if (!Number.isFinite(soonest)) return;
    for (const g of await this.#deps.store.connections.listIdleOAuthGrants(iso(now - (soonest / 3) * DAY_MS), BATCH)) {
      const since = idleSince(now, g);
      if (since === undefined || (g.refreshed_at ?? g.created_at) >= since) continue;
      try {
        await this.#deps.grants.keepAlive(g.id, since);
        report.refreshed++;
      } catch (err) {
        report.failed++;
        this.#deps.logger.warn({ err, grantId: g.id, provider: g.provider }, 'keep-alive refresh failed');
      }
    }
  }

  async #flagExpiring(report: KeepAliveReport): Promise<void> {
    const now = this.#clock.now();
    const days = Object.values(providers).map((p) => p.oauth?.absoluteExpiryDays ?? Number.POSITIVE_INFINITY);
    const soonest = Math.min(...days);
    if (!Number.isFinite(soonest)) return;
    const before = iso(now - soonest * DAY_MS + WARN_BEFORE_MS);
    for (const g of await this.#deps.store.connections.listOAuthGrantsConsentedBefore(before, BATCH)) {
      const absolute = oauthOf(g)?.absoluteExpiryDays;
      if (absolute == null || g.consented_at === null) continue;
      const expiresAt = Date.parse(g.consented_at) + absolute * DAY_MS;
      if (expiresAt - now > WARN_BEFORE_MS) continue;
      const message = `the provider ends this authorization on ${iso(expiresAt).slice(0, 10)} whatever happens: reconnect before then`;
      this.#deps.logger.warn(
        { grantId: g.id, provider: g.provider, expiresAt: iso(expiresAt) },
        'grant nears its absolute expiry',
      );
      if (g.last_error !== message)
        await this.#deps.store.connections.updateGrant(g.id, { last_error: message, updated_at: iso(now) });
      report.flagged++;
    }
  }
}
