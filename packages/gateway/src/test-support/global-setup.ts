import pg from 'pg';
import { testDatabaseUrl } from './postgres.js';

/**
 * The PostgreSQL suite never skips: when the server is not reachable the run fails here, loudly.
 * (scripts/test.sh tries to start a local cluster before vitest runs.)
 */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${testDatabaseUrl()} (${(err as Error).message}). ` +
        'Start it or set SWITCHYARD_TEST_DATABASE_URL; the store suite must run on PostgreSQL too.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
