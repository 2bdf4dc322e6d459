/** Row types of the database. Timestamps are ISO-8601 UTC strings (sortable) on both dialects. */
export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  role: 'admin' | 'tenant';
  prefix: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SecretsTable {
  id: string;
  tenant_id: string;
  owner_table: string;
  owner_id: string;
  field: string;
  key_id: string;
  wrapped_key: string;
  ciphertext: string;
  created_at: string;
  updated_at: string;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  secrets: SecretsTable;
}
