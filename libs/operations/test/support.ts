// Shared by the engine tests: both stores, gates, polling, and database handles a test can freeze or watch.
import { PgliteSqlDb, PgSqlDb, migrate, requireTestPostgres, TEST_PG_URL, uniqueSchema, dropTestSchema, type SqlDb } from '@ocopea/sql-store';
import { OperationEngine, operationMigrations, type EngineOptions, type Operation } from '../src';

/** One database for a test file, and more handles on the same database (what a second process would have). */
export interface TestStore {
  db: SqlDb;
  /** PostgreSQL: a new pool on the same schema (real row locks between engines). PGlite: the same single connection. */
  another(): Promise<SqlDb>;
  close(): Promise<void>;
}

/**
 * `describe.each(STORES)`: every promise is checked on the embedded store and on PostgreSQL. OCOPEA_TEST_STORES
 * (`pglite`, `postgres`) narrows that to one: mutation testing runs PostgreSQL only (see scripts/mutation.mjs).
 */
export const STORES: [string, (prefix: string) => Promise<TestStore>][] = ([
  ['embedded PGlite', async () => {
    const db = await PgliteSqlDb.open();
    await migrate(db, operationMigrations);
    return { db, another: async () => ({ ...shareOf(db) }), close: () => db.close() };
  }],
  ['PostgreSQL', async (prefix) => {
    await requireTestPostgres(); // a clear message when the server is down
    const schema = uniqueSchema(prefix);
    const opened: SqlDb[] = [];
    const connect = async () => { const d = await PgSqlDb.connect(TEST_PG_URL, schema); opened.push(d); return d; };
    const db = await connect();
    await migrate(db, operationMigrations);
    return { db, another: connect, close: async () => { for (const d of opened) await d.close(); await dropTestSchema(schema); } };
  }],
] as [string, (prefix: string) => Promise<TestStore>][]).filter(([label]) => onlyStore(label));

/** Whether OCOPEA_TEST_STORES (unset: all) includes the store labelled `label`. */
export function onlyStore(label: string): boolean {
  const only = process.env.OCOPEA_TEST_STORES;
  return !only || only.split(',').some((s) => label.toLowerCase().includes(s.trim().toLowerCase()));
}

function shareOf(db: SqlDb): SqlDb {
  return { kind: db.kind, query: (s, p) => db.query(s, p), exec: (s) => db.exec(s), transaction: (fn) => db.transaction(fn), close: async () => undefined };
}

/** A promise the test opens when it chooses. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => { open = r; });
  return { wait, open };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 5_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * A handle whose queries can be held: what a process looks like to the others when it stalls (GC pause, lost
 * network) while its step keeps going. Held queries run, in order, once thawed.
 */
export interface Freezable {
  db: SqlDb;
  freeze(): void;
  thaw(): void;
  /** Statements now held by the freeze. */
  held(): number;
  /** Every UPDATE that ran through this handle: its first parameter (an operation id for the engine's own writes) and how many rows it changed. */
  updates: { first: unknown; rowCount: number }[];
}

export function freezable(db: SqlDb): Freezable {
  let hold: { wait: Promise<void>; open(): void } | undefined;
  let waiting = 0;
  const updates: Freezable['updates'] = [];
  return {
    updates,
    db: {
      ...shareOf(db),
      query: async (s, p) => {
        while (hold) { waiting++; await hold.wait; waiting--; }
        const r = await db.query(s, p);
        if (/^\s*UPDATE/.test(s)) updates.push({ first: p?.[0], rowCount: r.rowCount });
        return r as never;
      },
    },
    freeze: () => { hold ??= gate(); },
    thaw: () => { const h = hold; hold = undefined; h?.open(); },
    held: () => waiting,
  };
}

/** A handle that records the operation rows as they are right after every write to them (the crash points). */
export function recording(db: SqlDb): { db: SqlDb; history: Operation[] } {
  const history: Operation[] = [];
  const reader = new OperationEngine(db); // never started: only reads
  return {
    history,
    db: {
      ...shareOf(db),
      query: async (s, p) => {
        const r = await db.query(s, p);
        if (/^\s*UPDATE operations SET/.test(s) && typeof p?.[0] === 'string') {
          const op = await reader.find(p[0] as string);
          if (op) history.push(op);
        }
        return r as never;
      },
    },
  };
}

/** Engines made by a test, stopped after it (thaw frozen handles first: a frozen engine cannot stop). */
export function engines() {
  const made: OperationEngine[] = [];
  const thaws: (() => void)[] = [];
  return {
    make(db: SqlDb, opts: EngineOptions = {}): OperationEngine {
      const e = new OperationEngine(db, { stopTimeoutMs: 50, ...opts });
      made.push(e);
      return e;
    },
    freezable(db: SqlDb) { const f = freezable(db); thaws.push(f.thaw); return f; },
    async stopAll(): Promise<void> {
      for (const t of thaws.splice(0)) t();
      await Promise.all(made.splice(0).map((e) => e.stop()));
    },
  };
}

let seq = 0;
/** Kind names unique in the file: engines only claim kinds they know, so tests sharing a database stay apart. */
export const uniqueKind = (name: string) => `${name}-${++seq}`;

/** The lease columns, which `Operation` does not show. */
export async function leaseOf(db: SqlDb, id: string): Promise<{ owner: string | null; until: number }> {
  const r = await db.query<{ lease_owner: string | null; lease_until: string | number }>(`SELECT lease_owner, lease_until FROM operations WHERE id=$1`, [id]);
  return { owner: r.rows[0].lease_owner, until: Number(r.rows[0].lease_until) };
}
