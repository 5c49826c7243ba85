import type { Migration, SqlDb } from './sql-db';

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction, in id order.
 * An advisory lock keeps two processes sharing one PostgreSQL database from migrating at once.
 */
export async function migrate(db: SqlDb, migrations: Migration[]): Promise<string[]> {
  const ordered = [...migrations].sort((a, b) => a.id.localeCompare(b.id));
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at bigint NOT NULL)`);
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema()))`);
    const done = new Set((await tx.query<{ id: string }>(`SELECT id FROM schema_migrations`)).rows.map((r) => r.id));
    for (const m of ordered) {
      if (done.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query(`INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)`, [m.id, Date.now()]);
      applied.push(m.id);
    }
  });
  return applied;
}
