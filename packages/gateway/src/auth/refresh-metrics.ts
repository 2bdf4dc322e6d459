import { Counter, type Registry } from 'prom-client';
import type { GrantManager } from './grant-manager.js';

/**
 * `switchyard_oauth_refreshes_total{provider, outcome}` in `registry`: every refresh a GrantManager
 * attempts, by outcome (refreshed, reauth_required, transient, rejected, conflict). Answers the unsubscribe.
 */
export function countRefreshes(registry: Registry, grants: Pick<GrantManager, 'onRefresh'>): () => void {
  const counter = new Counter({
    name: 'switchyard_oauth_refreshes_total',
    help: 'OAuth token refreshes attempted, by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });
  return grants.onRefresh((provider, outcome) => counter.inc({ provider, outcome }));
}
