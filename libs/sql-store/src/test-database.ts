import { Client } from 'pg';

/** The PostgreSQL server tests use (CI starts it; see .ci/run). */
export const TEST_PG_URL = process.env.OCOPEA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Fails with a clear message when the test PostgreSQL server is not running, instead of a pile of ECONNREFUSED.
 * Call in `beforeAll` of tests that need it.
 */
export async function requireTestPostgres(url = TEST_PG_URL): Promise<void> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
  } catch (err) {
    throw new Error(`These tests need PostgreSQL at ${url} (trust auth, user postgres). Start it with: ` +
      `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start — cause: ${(err as Error).message}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** A fresh, uniquely named schema name for one test run (drop it with `dropTestSchema`). */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`.toLowerCase();
}

export async function dropTestSchema(schema: string, url = TEST_PG_URL): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try { await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); } finally { await c.end(); }
}
