import type { GrantRow } from '../store/connection-store.js';

export interface NewTokenGrant {
  id: string;
  tenantId: string;
  provider: string;
  authType: GrantRow['auth_type'];
  /** Email or username sent with the secret (Basic); null for Bearer tokens. */
  username: string | null;
  at: string;
}

/**
 * The row of a newly saved token credential: active, version 1, no OAuth app, scopes, expiry, lease or
 * error. POST /v1/connections stores exactly this; test fixtures that seed grants build it here too, so
 * they cannot drift from what the gateway writes.
 */
export function tokenGrantRow(g: NewTokenGrant): GrantRow {
  return {
    id: g.id,
    tenant_id: g.tenantId,
    provider: g.provider,
    auth_type: g.authType,
    oauth_app_id: null,
    username: g.username,
    status: 'active',
    version: 1,
    scopes: '[]',
    expires_at: null,
    refreshed_at: null,
    consented_at: null,
    last_used_at: null,
    last_error: null,
    lease_owner: null,
    lease_until: null,
    created_at: g.at,
    updated_at: g.at,
  };
}
