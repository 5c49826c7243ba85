import { mkdirSync } from 'node:fs';
import { PgSqlDb } from './pg-sql-db';
import { PgliteSqlDb } from './pglite-sql-db';
import type { Migration, SqlDb } from './sql-db';
import { migrate } from './migrate';

/** Where a service's tables live. */
export interface SqlDbConfig {
  /** PostgreSQL URL; when absent an embedded PGlite database in `embeddedDir` is used. */
  databaseUrl?: string;
  /** Directory of the embedded database (created if missing); undefined with no databaseUrl = in memory. */
  embeddedDir?: string;
  /** PostgreSQL schema holding this service's tables (`site`, `hub`). Ignored by the embedded store. */
  schema: string;
  migrations: Migration[];
}

/** Opens the configured database and applies pending migrations. */
export async function openSqlDb(cfg: SqlDbConfig): Promise<SqlDb> {
  let db: SqlDb;
  if (cfg.databaseUrl) db = await PgSqlDb.connect(cfg.databaseUrl, cfg.schema);
  else {
    if (cfg.embeddedDir) mkdirSync(cfg.embeddedDir, { recursive: true });
    db = await PgliteSqlDb.open(cfg.embeddedDir);
  }
  try {
    await migrate(db, cfg.migrations);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
