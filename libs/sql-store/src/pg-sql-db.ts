import { Pool, type PoolClient } from 'pg';
import type { QueryResult, SqlDb } from './sql-db';

/**
 * PostgreSQL through `pg`. Each service keeps its tables in its own schema (`search_path`), so Site and Hub can share
 * one database.
 */
export class PgSqlDb implements SqlDb {
  readonly kind = 'postgres' as const;

  private constructor(private readonly pool: Pool | null, private readonly client: PoolClient | null) {}

  static async connect(url: string, schema: string): Promise<PgSqlDb> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name '${schema}'`);
    const pool = new Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
    pool.on('error', () => { /* idle client errors surface on the next query */ });
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (err) {
      await pool.end();
      throw new Error(`cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`, { cause: err });
    }
    return new PgSqlDb(pool, null);
  }

  /** Other processes write the same server: nothing read can be kept. */
  cachedQuery<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> { return this.query<T>(sql, params); }

  async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    const r = await (this.client ?? this.pool!).query(sql, params);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await (this.client ?? this.pool!).query(sql);
  }

  async transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    if (this.client) return fn(this);
    const client = await this.pool!.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(new PgSqlDb(null, client));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool?.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
