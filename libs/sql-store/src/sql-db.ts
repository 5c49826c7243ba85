/** Rows and affected count of one statement. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/**
 * The SQL surface Site and Hub stores use. Both implementations speak PostgreSQL's dialect ($1 parameters, jsonb,
 * ON CONFLICT), so one schema and one set of migrations serve both.
 */
export interface SqlDb {
  readonly kind: 'postgres' | 'pglite';
  /** Runs one statement. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /**
   * A read (one SELECT) that may be answered from memory: the embedded store, which one process owns alone (its
   * lock), keeps the rows of each such read until any other statement runs through it; on a PostgreSQL server,
   * which other processes write too, it is `query`. Use it for the hot reads of views, with SQL that depends only
   * on the data and its parameters (no now(), no FOR UPDATE).
   */
  cachedQuery<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T>;
  /** Releases connections / flushes and closes the embedded database. */
  close(): Promise<void>;
}

/** One forward-only schema change, applied once, in id order. */
export interface Migration {
  id: string;
  sql: string;
}
