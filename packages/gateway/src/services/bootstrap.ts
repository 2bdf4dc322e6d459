import type { CreatedApiKey } from '@switchyard/sdk';
import type { Store, TenantRow } from '../store/store.js';
import { createApiKey } from './api-keys.js';
import { createTenant } from './tenants.js';

export interface BootstrapResult {
  tenant: TenantRow;
  adminKey: CreatedApiKey;
}

/**
 * On the first start of an empty database: create the `default` tenant and an admin key, in one
 * transaction. Answers undefined when any tenant exists (or another replica won the race).
 */
export async function bootstrap(store: Store): Promise<BootstrapResult | undefined> {
  try {
    return await store.transaction(async (tx) => {
      if ((await tx.countTenants()) > 0) return undefined;
      const tenant = await createTenant(tx, { name: 'Default', slug: 'default' });
      const adminKey = await createApiKey(tx, { tenantId: tenant.id, name: 'bootstrap admin', role: 'admin' });
      return { tenant, adminKey };
    });
  } catch (err) {
    // Another replica created the default tenant at the same moment: its key was printed there.
    if ((await store.countTenants()) > 0) return undefined;
    throw err;
  }
}
