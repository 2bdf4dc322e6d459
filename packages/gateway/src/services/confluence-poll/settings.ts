import type { ConfluencePolling, UpdateConfluencePollingBody } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { nowIso } from '../../store/ids.js';
import type { Store } from '../../store/store.js';
import { loadConnection } from '../connection-manage.js';
import type { PollRow, PollStore } from './poll-store.js';

export const DEFAULT_INTERVAL_SECONDS = 60;

/** Scopes that let a 3LO token call `/wiki/rest/api/search` (v1 takes classic scopes; see FACTS.md §1.1). */
const SEARCH_SCOPES = ['search:confluence', 'read:content-details:confluence'];

export interface PollSettingsDeps {
  store: Store;
  polls: PollStore;
}

function view(connectionId: string, row: PollRow | undefined): ConfluencePolling {
  return {
    connection_id: connectionId,
    enabled: row?.enabled === 1,
    spaces: row === undefined ? [] : (JSON.parse(row.spaces) as string[]),
    interval_seconds: row?.interval_seconds ?? DEFAULT_INTERVAL_SECONDS,
    watermark: row?.watermark ?? null,
    last_run_at: row?.last_run_at ?? null,
    last_success_at: row?.last_success_at ?? null,
    last_error: row?.last_error ?? null,
    last_event_count: row?.last_event_count ?? 0,
    next_run_at: row?.enabled === 1 ? row.next_run_at : null,
  };
}

/** Only an `atlassian-cloud` connection with Confluence (and, for OAuth, a search scope) can be polled. */
async function pollableConnection(store: Store, tenantId: string, connectionId: string): Promise<void> {
  const { row, grant } = await loadConnection(store, tenantId, connectionId);
  if (row.provider !== 'atlassian-cloud') {
    throw new AppError(
      'VALIDATION',
      `Confluence polling is for atlassian-cloud connections; this one is ${row.provider} (Confluence Data Center sends webhooks: create a hook).`,
    );
  }
  const products = JSON.parse(row.products) as string[];
  if (!products.includes('confluence')) {
    throw new AppError('VALIDATION', 'This connection has no access to Confluence. Reconnect it with Confluence.');
  }
  const scopes = JSON.parse(row.scopes) as string[];
  if (grant.auth_type === 'oauth2' && !scopes.some((s) => SEARCH_SCOPES.includes(s))) {
    throw new AppError(
      'VALIDATION',
      'This connection was not granted the search:confluence scope that polling needs. Add it to the OAuth app and reconnect.',
    );
  }
}

export async function getPolling(deps: PollSettingsDeps, tenantId: string, connectionId: string) {
  await loadConnection(deps.store, tenantId, connectionId);
  return view(connectionId, await deps.polls.get(tenantId, connectionId));
}

/**
 * Turn polling on or off, or change its spaces and interval. Turning it on (from off) starts the watermark now:
 * only pages modified from then on become events, never the history of the site.
 */
export async function setPolling(
  deps: PollSettingsDeps,
  tenantId: string,
  connectionId: string,
  body: UpdateConfluencePollingBody,
): Promise<ConfluencePolling> {
  if (body.enabled) await pollableConnection(deps.store, tenantId, connectionId);
  else await loadConnection(deps.store, tenantId, connectionId);
  const current = await deps.polls.get(tenantId, connectionId);
  const at = nowIso();
  const switchedOn = body.enabled && current?.enabled !== 1;
  const spaces = body.spaces ?? (current === undefined ? [] : (JSON.parse(current.spaces) as string[]));
  const row: PollRow = {
    connection_id: connectionId,
    tenant_id: tenantId,
    enabled: body.enabled ? 1 : 0,
    spaces: JSON.stringify([...new Set(spaces)].sort()),
    interval_seconds: body.interval_seconds ?? current?.interval_seconds ?? DEFAULT_INTERVAL_SECONDS,
    watermark: switchedOn || current === undefined ? at : current.watermark,
    backlog: switchedOn || current === undefined ? 0 : current.backlog,
    next_run_at: switchedOn || current === undefined ? at : current.next_run_at,
    lease_owner: null,
    lease_until: null,
    last_run_at: null,
    last_success_at: null,
    last_error: null,
    last_event_count: 0,
    created_at: at,
    updated_at: at,
  };
  await deps.polls.upsert(row);
  return view(connectionId, await deps.polls.get(tenantId, connectionId));
}
