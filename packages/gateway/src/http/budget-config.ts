import { isProviderId, providerIds } from '../providers/registry.js';
import type { ProviderId } from '../providers/types.js';
import { type BucketSpec, DEFAULT_BUDGETS, perHour, perSecond } from './token-bucket.js';

/**
 * Per-provider budget overrides from SWITCHYARD_BUDGETS: comma-separated `<provider>=<limit>/<s|m|h>[:<burst>]`
 * or `<provider>=off`, e.g. `bitbucket-cloud=1000/h:100,jira-dc=50/s:200,bitbucket-dc=off`. `null` turns the
 * client-side budget off for that provider (the vendor's own limits and Retry-After still apply).
 */
export type BudgetOverrides = Partial<Record<ProviderId, BucketSpec | null>>;

const ENTRY = /^([a-z-]+)=(?:(off)|(\d+(?:\.\d+)?)\/([smh])(?::(\d+))?)$/;

function specOf(limit: number, unit: string, burst: number | undefined): BucketSpec {
  if (unit === 'h') return burst === undefined ? perHour(limit) : perHour(limit, burst);
  const perSec = unit === 'm' ? limit / 60 : limit;
  return perSecond(perSec, burst ?? Math.max(1, Math.ceil(perSec)));
}

/** Parse SWITCHYARD_BUDGETS; throws an Error naming the first bad entry. */
export function parseBudgets(text: string): BudgetOverrides {
  const out: BudgetOverrides = {};
  for (const raw of text.split(',').map((s) => s.trim())) {
    if (raw === '') continue;
    const m = ENTRY.exec(raw);
    const provider = m?.[1];
    if (m === null || provider === undefined || !isProviderId(provider)) {
      throw new Error(
        `"${raw}" is not <provider>=<limit>/<s|m|h>[:<burst>] or <provider>=off with a provider among ${providerIds.join(', ')}`,
      );
    }
    const limit = Number(m[3]);
    if (m[2] === undefined && !(limit > 0)) throw new Error(`"${raw}": the limit must be above 0`);
    out[provider] = m[2] === 'off' ? null : specOf(limit, m[4] ?? 's', m[5] === undefined ? undefined : Number(m[5]));
  }
  return out;
}

/** The budget of a connection of `provider`: the override when configured, else DEFAULT_BUDGETS. */
export function budgetFor(provider: ProviderId, overrides: BudgetOverrides | undefined): BucketSpec | null {
  const configured = overrides?.[provider];
  return configured === undefined ? DEFAULT_BUDGETS[provider] : configured;
}
