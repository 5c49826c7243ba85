import { PgliteSqlDb, PgSqlDb, migrate, requireTestPostgres, TEST_PG_URL, uniqueSchema, dropTestSchema, type SqlDb } from '@ocopea/sql-store';
import { OperationEngine, operationMigrations, type OperationKind } from '../src';
import { onlyStore } from './support';

type In = { n: number };
type St = { log: string[] };

function kind(name: string, resumable: boolean, gate?: { wait: Promise<void> }, calls: string[] = []): OperationKind<In, St> {
  return {
    kind: name, resumable, initialState: () => ({ log: [] }),
    steps: [
      { name: 'one', run: async (c) => { calls.push('one'); c.state.log.push('one'); } },
      { name: 'two', run: async (c) => { calls.push('two'); if (gate) await gate.wait; if (c.input.n < 0) throw new Error('negative input'); c.state.log.push('two'); } },
      { name: 'three', run: async (c) => { calls.push('three'); c.state.log.push('three'); } },
    ],
  };
}

describe.each(([
  ['embedded PGlite', async () => PgliteSqlDb.open()],
  ['PostgreSQL', async () => { await requireTestPostgres(); return PgSqlDb.connect(TEST_PG_URL, schema); }],
] as [string, () => Promise<SqlDb>][]).filter(([label]) => onlyStore(label)))('operation engine on %s', (_label, open) => {
  let db: SqlDb;
  // Every engine a test makes is stopped after it, passed or failed: one left running would claim the next test's work.
  const made: OperationEngine[] = [];
  const newEngine = (...args: ConstructorParameters<typeof OperationEngine>) => { const e = new OperationEngine(...args); made.push(e); return e; };
  beforeAll(async () => { db = await open(); await migrate(db, operationMigrations); }, 30_000);
  afterEach(async () => { await Promise.all(made.splice(0).map((e) => e.stop())); });
  afterAll(async () => { await db?.close(); if (_label === 'PostgreSQL') await dropTestSchema(schema); });

  it('runs the steps in order, persists state and progress, ends succeeded', async () => {
    const done: string[] = [];
    const engine = newEngine(db, { exclusive: true }).register({ ...kind('ok', true), onSucceeded: async (op) => { done.push(op.id); } });
    await engine.start();
    const op = await engine.submit<In>('ok', 'app-1', { n: 1 });
    expect(op.phase).toBe('pending');
    const final = await engine.waitForFinal(op.id);
    expect(final).toMatchObject({ phase: 'succeeded', steps: ['one', 'two', 'three'], progress: { completed: 3, total: 3 }, state: { log: ['one', 'two', 'three'] }, error: null });
    expect(done).toEqual([op.id]);
    // Each step's times, persisted: in order, each finished no earlier than it started, before the next started.
    const t = final.stepTimes;
    expect(Object.keys(t)).toEqual(['one', 'two', 'three']);
    for (const [a, b] of [['one', 'two'], ['two', 'three']] as const) expect(t[a].finished!).toBeLessThanOrEqual(t[b].started);
    for (const s of Object.values(t)) expect(s.finished!).toBeGreaterThanOrEqual(s.started);
    expect(t.one.started).toBeGreaterThanOrEqual(op.created);
    expect((await engine.list({ subject: 'app-1' })).map((o) => o.id)).toContain(op.id);
    await expect(engine.submit('ok', 'app-1', { n: 1 }, op.id)).rejects.toThrow(/exists/);
    await engine.stop();
  });

  it('a throwing step fails the operation with its message and calls onFailed once', async () => {
    const failed: string[] = [];
    const engine = newEngine(db, { exclusive: true }).register({ ...kind('bad', true), onFailed: async (_op, reason) => { failed.push(reason); } });
    await engine.start();
    const op = await engine.submit<In>('bad', 'app-2', { n: -1 });
    const final = await engine.waitForFinal(op.id);
    expect(final).toMatchObject({ phase: 'failed', step: 'two', error: 'negative input', state: { log: ['one'] } });
    expect(final.stepTimes.two.finished).toEqual(expect.any(Number)); // the failed step ended too
    expect(final.stepTimes.three).toBeUndefined();
    expect(failed).toEqual(['negative input']);
    await engine.stop();
  });

  it('after a crash, a resumable operation re-runs its interrupted step and finishes', async () => {
    let release!: () => void;
    const gate = { wait: new Promise<void>((r) => { release = r; }) };
    const first = newEngine(db, { exclusive: true, stopTimeoutMs: 50 }).register(kind('res', true, gate));
    await first.start();
    const op = await first.submit<In>('res', 'app-3', { n: 1 });
    while ((await first.get(op.id)).step !== 'two') await new Promise((r) => setTimeout(r, 10));
    const firstStart = (await first.get(op.id)).stepTimes.two.started;
    await new Promise((r) => setTimeout(r, 20));
    // "Crash": the first engine is simply abandoned (its lease stays), a new process starts on the same database.
    const calls: string[] = [];
    const second = newEngine(db, { exclusive: true }).register(kind('res', true, undefined, calls));
    await second.start();
    const final = await second.waitForFinal(op.id);
    expect(final.phase).toBe('succeeded');
    expect(calls).toEqual(['two', 'three']);
    expect(final.attempts).toBe(2);
    expect(final.stepTimes.two.started).toBe(firstStart); // the resumed step keeps its first start
    // The abandoned worker wakes up late: its writes are fenced by the lease and must not touch the new owner's result.
    release();
    await new Promise((r) => setTimeout(r, 100));
    expect(await second.get(op.id)).toEqual(final);
    await first.stop();
    await second.stop();
  });

  it('after a crash, a non-resumable running operation fails with a reason instead of staying running', async () => {
    const gate = { wait: new Promise<void>(() => undefined) };
    const reasons: string[] = [];
    const first = newEngine(db, { exclusive: true, stopTimeoutMs: 50 }).register(kind('nores', false, gate));
    await first.start();
    const op = await first.submit<In>('nores', 'app-4', { n: 1 });
    while ((await first.get(op.id)).step !== 'two') await new Promise((r) => setTimeout(r, 10));
    const second = newEngine(db, { exclusive: true }).register({ ...kind('nores', false), onFailed: async (_o, r) => { reasons.push(r); } });
    await second.start();
    const final = await second.get(op.id);
    expect(final.phase).toBe('failed');
    expect(final.error).toMatch(/restarted during step 'two'/);
    expect(reasons).toHaveLength(1);
    await first.stop();
    await second.stop();
  });

  it('a live lease held by another process is not taken over until it lapses', async () => {
    const gate = { wait: new Promise<void>(() => undefined) };
    const a = newEngine(db, { leaseMs: 400, stopTimeoutMs: 50 }).register(kind('lease', true, gate));
    await a.start();
    const op = await a.submit<In>('lease', 'app-5', { n: 1 });
    while ((await a.get(op.id)).step !== 'two') await new Promise((r) => setTimeout(r, 10));
    await a.stop(); // its step ignores the abort, so `a` leaves it behind like a dead process would
    await db.query(`UPDATE operations SET phase='running', lease_owner='someone-else', lease_until=$2 WHERE id=$1`, [op.id, Date.now() + 1500]);
    const calls: string[] = [];
    const b = newEngine(db, { leaseMs: 400 }).register(kind('lease', true, undefined, calls));
    await b.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(calls).toEqual([]);
    const final = await b.waitForFinal(op.id, 10_000);
    expect(final.phase).toBe('succeeded');
    expect(calls).toEqual(['two', 'three']);
    await b.stop();
  }, 20_000);
});

const schema = uniqueSchema('ops_test');
