import type { CreateTenantBody, Page, Tenant } from '@switchyard/sdk';
import { AppError, notFound } from '../errors/app-error.js';
import { newId, nowIso } from '../store/ids.js';
import type { Store, TenantRow } from '../store/store.js';
import { pageRequest, toPage } from './pagination.js';

export const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  created_at: row.created_at,
});

function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return slug === '' ? 'tenant' : slug;
}

export async function createTenant(store: Store, body: CreateTenantBody): Promise<TenantRow> {
  const slug = body.slug ?? slugify(body.name);
  return store.transaction(async (tx) => {
    if (await tx.getTenantBySlug(slug)) {
      throw new AppError('CONFLICT', `A tenant with slug "${slug}" already exists. Choose another slug.`);
    }
    const row: TenantRow = { id: newId('ten'), slug, name: body.name, created_at: nowIso() };
    await tx.insertTenant(row);
    return row;
  });
}

/** Find a tenant by id (`ten_…`) or by slug. */
export async function findTenant(store: Store, idOrSlug: string): Promise<TenantRow | undefined> {
  return idOrSlug.startsWith('ten_') ? store.getTenant(idOrSlug) : store.getTenantBySlug(idOrSlug);
}

export async function requireTenant(store: Store, idOrSlug: string): Promise<TenantRow> {
  const row = await findTenant(store, idOrSlug);
  if (row === undefined) throw notFound(`Tenant "${idOrSlug}"`);
  return row;
}

export async function listTenants(store: Store, limit: number, cursor?: string): Promise<Page<Tenant>> {
  return toPage(await store.listTenants(pageRequest(limit, cursor)), limit, toTenant);
}
