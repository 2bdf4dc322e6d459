import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not depend on today's row types
type AnyDb = Kysely<any>;

/**
 * Confluence Cloud polling (docs/confluence-polling.md): one row per connection that opted in. `watermark` is the
 * newest `lastModified` whose events are committed; `lease_*` lets exactly one replica poll a connection at a time.
 * Plus the index the event-retention job prunes by (received_at).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('confluence_polls')
    .addColumn('connection_id', 'text', (c) => c.primaryKey().references('connections.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull().check(sql`enabled in (0, 1)`))
    .addColumn('spaces', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('watermark', 'text', (c) => c.notNull())
    .addColumn('backlog', 'integer', (c) => c.notNull().check(sql`backlog in (0, 1)`))
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_run_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_event_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('confluence_polls_due_idx')
    .on('confluence_polls')
    .columns(['enabled', 'next_run_at'])
    .execute();
  await db.schema.createIndex('events_received_idx').on('events').columns(['received_at']).execute();
}
