import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not depend on today's row types
type AnyDb = Kysely<any>;

/**
 * Webhooks Switchyard registered at a vendor for a connection (POST /v1/connections/{id}/webhooks/sync): one row
 * per target (a repository, a workspace, a project, a Jira site), so a second sync updates instead of duplicating,
 * a delete can unregister them, and Jira's 30-day dynamic webhooks can be refreshed before they expire.
 * `hook_id` is not a foreign key: a hook deleted by hand must not erase what is registered upstream.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('webhook_registrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('hook_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('upstream_id', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('last_refreshed_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('webhook_registrations_target_uq', ['connection_id', 'target'])
    .execute();
  await db.schema
    .createIndex('webhook_registrations_expiry_idx')
    .on('webhook_registrations')
    .columns(['expires_at'])
    .execute();
}
