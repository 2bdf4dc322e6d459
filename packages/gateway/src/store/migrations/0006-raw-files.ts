import type { Kysely } from 'kysely';

/**
 * Where an event's raw body is kept when it is not in the row: on SQLite the bodies go to files of their own
 * (store/raw-files.ts) and the row keeps `file:offset:length`. Rows written before keep their body in `raw`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('raw_ref', 'text').execute();
}
