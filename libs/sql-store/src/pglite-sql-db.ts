import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { lockEmbeddedDb } from './embedded-lock';
import type { QueryResult, SqlDb } from './sql-db';

type PGliteLike = {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(fn: (tx: { query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>; exec(sql: string): Promise<unknown> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  waitReady: Promise<void>;
};

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in a directory: the default when no DATABASE_URL is given, so a Site or
 * Hub runs with no server and still uses the same SQL as production. Single connection; PGlite serialises queries.
 */
export class PgliteSqlDb implements SqlDb {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGliteLike, private readonly tx: PGliteLike | null, private readonly dir?: string,
    private readonly unlock?: () => void) {}

  /**
   * Opens (creating if needed) the database in `dir`; `dir` undefined = in memory. A directory is locked while
   * open: one open in another process (or still open in this one) is refused with `DirectoryInUseError`.
   */
  static async open(dir?: string): Promise<PgliteSqlDb> {
    const unlock = dir ? lockEmbeddedDb(dir) : undefined;
    try {
      // Loaded lazily: the wasm module costs ~1.5 s and is not needed when DATABASE_URL points at a server.
      const { PGlite } = await import('@electric-sql/pglite');
      const db = new PGlite(dir) as unknown as PGliteLike;
      await db.waitReady;
      if (dir) privatize(dir);
      return new PgliteSqlDb(db, null, dir, unlock);
    } catch (err) {
      unlock?.();
      throw err;
    }
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    const r = await (this.tx ?? this.db).query<T>(sql, params.map(toPgliteParam));
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }

  async exec(sql: string): Promise<void> {
    await (this.tx ?? this.db).exec(sql);
  }

  async transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    return this.db.transaction((tx) => fn(new PgliteSqlDb(this.db, tx as unknown as PGliteLike)));
  }

  async close(): Promise<void> {
    if (this.tx) return;
    try {
      await this.db.close();
      if (this.dir) privatize(this.dir);
    } finally {
      this.unlock?.();
    }
  }
}

/**
 * PGlite writes its files with explicit modes (0666 for the files of its initial cluster, 0644 for the relcache
 * init files it rewrites at start), whatever the process umask says, and its log and tables hold registry and
 * broker credentials. So the database directory is made private after it opens and after it closes: 0700 and
 * 0600. Files it makes in between honour the kit's umask (077), apart from the relcache files, which sit inside
 * the 0700 directory anyway.
 */
export function privatize(dir: string): void {
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      if ((st.mode & 0o077) !== 0) chmodSync(p, st.mode & 0o700);
      for (const name of readdirSync(p)) walk(path.join(p, name));
    } else if ((st.mode & 0o077) !== 0) {
      chmodSync(p, st.mode & 0o700);
    }
  };
  walk(dir);
}

// pg serialises plain objects as JSON; PGlite needs the string for json/jsonb parameters.
function toPgliteParam(v: unknown): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v) && !(v instanceof Uint8Array) ? JSON.stringify(v) : v;
}
