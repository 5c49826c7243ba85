import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { lockEmbeddedDb } from './embedded-lock';
import { hasCluster, initClusterOutOfProcess, PGLITE_START_PARAMS } from './pglite-tuning';
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
    private readonly unlock?: () => void, private readonly reads = new ReadCache()) {}

  /**
   * Opens (creating if needed) the database in `dir`; `dir` undefined = in memory. A directory is locked while
   * open: one open in another process (or still open in this one) is refused with `DirectoryInUseError`.
   */
  static async open(dir?: string): Promise<PgliteSqlDb> {
    const unlock = dir ? lockEmbeddedDb(dir) : undefined;
    try {
      // Loaded lazily: the wasm module costs ~1.5 s and is not needed when DATABASE_URL points at a server.
      const { PGlite } = await import('@electric-sql/pglite');
      if (dir && !hasCluster(dir)) await initClusterOutOfProcess(dir);
      const db = new PGlite(dir, { startParams: PGLITE_START_PARAMS }) as unknown as PGliteLike;
      await db.waitReady;
      if (dir) privatize(dir);
      return new PgliteSqlDb(db, null, dir, unlock);
    } catch (err) {
      unlock?.();
      throw err;
    }
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    // A statement that may write drops what was kept, before it runs and after it ends, so no read taken
    // meanwhile outlives it. Plain reads (the operation engine's polls among them) keep it.
    const writes = !READ_ONLY.test(sql) || LOCKING_OR_WRITING.test(sql);
    if (writes) this.reads.clear();
    try {
      const r = await (this.tx ?? this.db).query<T>(sql, params.map(toPgliteParam));
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    } finally {
      if (writes) this.reads.clear();
    }
  }

  /**
   * Answered from memory when the same read ran since the last other statement. Every query, exec and transaction
   * of this store runs through this object (the embedded store's lock keeps other processes out), so nothing can
   * change the rows unseen. Inside a transaction it is a plain query (the transaction may roll back).
   */
  async cachedQuery<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    if (this.tx) return this.query<T>(sql, params);
    const key = JSON.stringify([sql, params]);
    const hit = this.reads.get<T>(key);
    if (hit) return hit;
    const gen = this.reads.generation;
    const r = await this.db.query<T>(sql, params.map(toPgliteParam));
    const result = { rows: r.rows, rowCount: r.rows.length };
    this.reads.set(key, result, gen);
    return result;
  }

  async exec(sql: string): Promise<void> {
    this.reads.clear();
    try {
      await (this.tx ?? this.db).exec(sql);
    } finally {
      this.reads.clear();
    }
  }

  async transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    this.reads.clear();
    try {
      return await this.db.transaction((tx) => fn(new PgliteSqlDb(this.db, tx as unknown as PGliteLike, undefined, undefined, this.reads)));
    } finally {
      this.reads.clear();
    }
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

/** A plain read: SELECT or SHOW ... */
const READ_ONLY = /^\s*(select|show)\b/i;
/** ... unless it locks rows or may change something (sequences, functions known to write, set_config). */
const LOCKING_OR_WRITING = /\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b|\b(nextval|setval|set_config|pg_advisory\w*)\s*\(|\binto\b/i;

/**
 * Results of cached reads, dropped whole by any other statement. A result is kept only if no other statement ran
 * while it was read (`generation`), and is handed out as a copy, so a caller changing its rows changes no one else's.
 */
class ReadCache {
  private readonly entries = new Map<string, QueryResult<unknown>>();
  /** Bumped by every clear: a read that started before it must not be kept. */
  generation = 0;
  /** Reads kept at most (a view's handful of statements; the cap only bounds a misuse). */
  private static readonly MAX = 256;

  clear(): void {
    this.generation++;
    if (this.entries.size) this.entries.clear();
  }

  get<T>(key: string): QueryResult<T> | undefined {
    const r = this.entries.get(key);
    return r && { rows: structuredClone(r.rows) as T[], rowCount: r.rowCount };
  }

  set(key: string, r: QueryResult<unknown>, startedAt: number): void {
    if (startedAt !== this.generation) return;
    if (this.entries.size >= ReadCache.MAX) this.entries.clear();
    this.entries.set(key, { rows: structuredClone(r.rows), rowCount: r.rowCount });
  }
}

// pg serialises plain objects as JSON; PGlite needs the string for json/jsonb parameters.
function toPgliteParam(v: unknown): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v) && !(v instanceof Uint8Array) ? JSON.stringify(v) : v;
}
