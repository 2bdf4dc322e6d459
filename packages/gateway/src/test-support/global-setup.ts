import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { testDatabaseUrl } from './postgres.js';
import { startPrismControl } from './prism-control.js';

/**
 * The PostgreSQL suite never skips: when the server is not reachable the run fails here, loudly.
 * (scripts/test.sh tries to start a local cluster before vitest runs.)
 * It also starts the Prism control service (prism-control.ts): the contract tests' mock upstreams start on
 * first use, once per run, and stop at teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
  const prism = await startPrismControl();
  project.provide('prismControl', prism.url);
  return () => prism.close();
}
