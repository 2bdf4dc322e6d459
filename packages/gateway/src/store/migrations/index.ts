import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-connections.js';
import * as m0003 from './0003-events.js';
import * as m0004 from './0004-webhook-registrations.js';
import * as m0005 from './0005-confluence-polling.js';
import * as m0006 from './0006-raw-files.js';

/** Versioned migrations, applied in name order. Never edit one that has shipped: add the next. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-connections': m0002,
  '0003-events': m0003,
  '0004-webhook-registrations': m0004,
  '0005-confluence-polling': m0005,
  '0006-raw-files': m0006,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const latestMigration = Object.keys(migrations).sort().at(-1) ?? '';
