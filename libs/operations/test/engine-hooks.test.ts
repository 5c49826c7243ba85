// What the hooks are handed and what a failure records: the operation as it ended (phase, progress, the state a step
// replaced rather than changed, the error), whatever a step threw; and the default lease.
import type { Operation, OperationKind, StepContext } from '../src';
import { STORES, engines, gate, leaseOf, sleep, uniqueKind, until, type TestStore } from './support';

type St = { n: number; replaced?: boolean };

describe.each(STORES)('operation engine hooks on %s', (_label, openStore) => {
  let store: TestStore;
  const e = engines();
  beforeAll(async () => { store = await openStore('ops_hooks'); }, 30_000);
  afterEach(() => e.stopAll());
  afterAll(async () => { await store?.close(); });

  it('onSucceeded gets the operation as it ended: succeeded, every step counted, the state a step replaced', async () => {
    const name = uniqueKind('ended');
    const seen: Operation<unknown, St>[] = [];
    const kind: OperationKind<unknown, St> = {
      kind: name, resumable: true, initialState: () => ({ n: 0 }),
      steps: [
        { name: 'add', run: async (c) => { expect(c.op.progress).toEqual({ completed: 0, total: 2 }); c.state.n += 1; } },
        { name: 'replace', run: async (c) => { c.state = { n: c.state.n + 10, replaced: true }; } },
      ],
      onSucceeded: async (op) => { seen.push(structuredClone(op)); },
    };
    const engine = e.make(store.db, { leaseMs: 60 }).register(kind);
    await engine.start();
    const op = await engine.submit(name, 'app', {});
    const final = await engine.waitForFinal(op.id, 5_000);
    expect(final).toMatchObject({ phase: 'succeeded', state: { n: 11, replaced: true }, progress: { completed: 2, total: 2 }, error: null });
    await until('onSucceeded', () => seen.length === 1);
    expect(seen[0]).toMatchObject({ id: op.id, phase: 'succeeded', step: 'replace', state: { n: 11, replaced: true }, progress: { completed: 2, total: 2 } });
  });

  it('onFailed gets the failed operation with its reason; the state a failing step replaced is kept', async () => {
    const name = uniqueKind('failing');
    const seen: [Operation<unknown, St>, string][] = [];
    const kind: OperationKind<unknown, St> = {
      kind: name, resumable: true, initialState: () => ({ n: 0 }),
      steps: [{ name: 'break', run: async (c) => { c.state = { n: 5, replaced: true }; throw new Error('half done'); } }, { name: 'never', run: async () => undefined }],
      onFailed: async (op, reason) => { seen.push([structuredClone(op), reason]); },
    };
    const engine = e.make(store.db, { leaseMs: 60 }).register(kind);
    await engine.start();
    const op = await engine.submit(name, 'app', {});
    const final = await engine.waitForFinal(op.id, 5_000);
    expect(final).toMatchObject({ phase: 'failed', step: 'break', error: 'half done', state: { n: 5, replaced: true }, progress: { completed: 0, total: 2 } });
    expect(final.stepTimes.break.finished).toBeGreaterThanOrEqual(final.stepTimes.break.started);
    await until('onFailed', () => seen.length === 1);
    expect(seen[0][1]).toBe('half done');
    expect(seen[0][0]).toMatchObject({ phase: 'failed', error: 'half done', state: { n: 5, replaced: true } });
    expect(seen[0][0].stepTimes.break.finished).toBe(final.stepTimes.break.finished);
  });

  it('whatever a step throws becomes the error in words: a message, a string, undefined, an object', async () => {
    const name = uniqueKind('thrown');
    const kind: OperationKind<{ t: string }, St> = {
      kind: name, resumable: true, initialState: () => ({ n: 0 }),
      steps: [{ name: 's', run: async (c: StepContext<{ t: string }, St>) => {
        const t = c.input.t;
        throw t === 'error' ? new Error('with a message') : t === 'string' ? 'plain words' : t === 'undefined' ? undefined : { code: 7 };
      } }],
    };
    const engine = e.make(store.db, { leaseMs: 60 }).register(kind);
    await engine.start();
    const errors: Record<string, string | null> = {};
    for (const t of ['error', 'string', 'undefined', 'object']) {
      const op = await engine.submit(name, 'app', { t });
      const final = await engine.waitForFinal(op.id, 5_000);
      expect(final.phase).toBe('failed');
      errors[t] = final.error;
    }
    expect(errors).toEqual({ error: 'with a message', string: 'plain words', undefined: 'undefined', object: '[object Object]' });
  });

  it('the lease is 15 s by default', async () => {
    const name = uniqueKind('default-lease');
    const hold = gate();
    const engine = e.make(store.db).register({ kind: name, resumable: true, initialState: () => ({}), steps: [{ name: 'wait', run: () => hold.wait }] });
    await engine.start();
    const op = await engine.submit(name, 'app', {});
    const claimed = await until('the claim', async () => ((await engine.get(op.id)).step === 'wait' ? Date.now() : 0));
    const lease = await leaseOf(store.db, op.id);
    expect(lease.until - claimed).toBeGreaterThan(14_000);
    expect(lease.until - claimed).toBeLessThanOrEqual(15_000);
    hold.open();
    expect((await engine.waitForFinal(op.id, 5_000)).phase).toBe('succeeded');
  });

  it('an operation that succeeded stays succeeded: no hook, or a throwing onSucceeded without onError, never fails it', async () => {
    const plain = uniqueKind('no-hooks');
    const throwing = uniqueKind('throwing-hook');
    const failedCalls: string[] = [];
    const steps = [{ name: 's', run: async () => undefined }];
    const engine = e.make(store.db, { leaseMs: 60 })
      .register({ kind: plain, resumable: true, initialState: () => ({}), steps })
      .register({ kind: throwing, resumable: true, initialState: () => ({}), steps,
        onSucceeded: async () => { throw new Error('hook broke'); }, onFailed: async (_op, r) => { failedCalls.push(r); } });
    await engine.start();
    const a = await engine.submit(plain, 'app', {});
    const b = await engine.submit(throwing, 'app', {});
    expect((await engine.waitForFinal(a.id, 5_000)).phase).toBe('succeeded');
    expect((await engine.waitForFinal(b.id, 5_000)).phase).toBe('succeeded');
    await sleep(150);
    expect((await engine.get(a.id)).phase).toBe('succeeded');
    expect(await engine.get(b.id)).toMatchObject({ phase: 'succeeded', error: null });
    expect(failedCalls).toEqual([]);
  });

  it('a synchronous onFailed hook is called too', async () => {
    const name = uniqueKind('sync-hook');
    const reasons: string[] = [];
    const engine = e.make(store.db, { leaseMs: 60 }).register({
      kind: name, resumable: true, initialState: () => ({}), steps: [{ name: 's', run: async () => { throw new Error('no'); } }],
      onFailed: ((_op: Operation, reason: string) => { reasons.push(reason); }) as never,
    });
    await engine.start();
    const op = await engine.submit(name, 'app', {});
    expect((await engine.waitForFinal(op.id, 5_000)).error).toBe('no');
    await until('onFailed', () => reasons.length === 1);
    await sleep(50);
    expect(await engine.get(op.id)).toMatchObject({ phase: 'failed', error: 'no' });
  });

  it('failing an interrupted operation keeps the finish time of a step that had finished', async () => {
    const name = uniqueKind('finished-step');
    const reader = e.make(store.db).register({ kind: name, resumable: false, initialState: () => ({}), steps: [{ name: 'one', run: async () => undefined }, { name: 'two', run: async () => undefined }] });
    const op = await reader.submit(name, 'app', {});
    await store.db.query(`UPDATE operations SET phase='running', step='one', step_times=$2, lease_owner='gone', lease_until=1 WHERE id=$1`,
      [op.id, JSON.stringify({ one: { started: 1000, finished: 2000 } })]);
    const engine = e.make(store.db, { leaseMs: 60 }).register({ kind: name, resumable: false, initialState: () => ({}), steps: [{ name: 'one', run: async () => undefined }, { name: 'two', run: async () => undefined }] });
    await engine.start();
    const final = await engine.get(op.id);
    expect(final).toMatchObject({ phase: 'failed', error: "interrupted: the service restarted during step 'one' and this operation cannot be resumed safely" });
    expect(final.stepTimes).toEqual({ one: { started: 1000, finished: 2000 } });
  });

  it('a running operation taken over before its first step began is failed naming the start', async () => {
    const name = uniqueKind('claimed-only');
    const kind: OperationKind = { kind: name, resumable: false, initialState: () => ({}), steps: [{ name: 'one', run: async () => undefined }] };
    const reader = e.make(store.db).register(kind);
    const op = await reader.submit(name, 'app', {});
    const engine = e.make(store.db, { leaseMs: 60 }).register(kind);
    await engine.start();
    // A worker elsewhere claimed it (running, no step yet) and stopped renewing: its lease lapses, this engine takes it.
    await store.db.query(`UPDATE operations SET phase='running', step=NULL, lease_owner='gone', lease_until=$2 WHERE id=$1`, [op.id, Date.now() + 30]);
    expect(await engine.waitForFinal(op.id, 5_000)).toMatchObject({
      phase: 'failed', error: "interrupted: the worker running step 'start' stopped renewing its lease and this operation cannot be resumed safely",
    });
  });

  it('a pending operation is never anybody\'s: start() fails one of an unknown kind even if its lease field says held', async () => {
    const ghost = uniqueKind('ghost-pending');
    const reader = e.make(store.db).register({ kind: ghost, resumable: true, initialState: () => ({}), steps: [{ name: 's', run: async () => undefined }] });
    const op = await reader.submit(ghost, 'app', {});
    await store.db.query(`UPDATE operations SET lease_until=$2 WHERE id=$1`, [op.id, Date.now() + 60_000]);
    const engine = e.make(store.db, { leaseMs: 60 });
    await engine.start();
    expect(await engine.get(op.id)).toMatchObject({ phase: 'failed', error: "interrupted: the service restarted during step 'start' and this operation cannot be resumed safely" });
  });

  it('after stop(), a step that ends late does not renew the lease of another left-behind step', async () => {
    const name = uniqueKind('left-behind');
    const late = gate();
    const never = gate();
    const engine = e.make(store.db, { leaseMs: 60, stopTimeoutMs: 20 }).register({
      kind: name, resumable: true, initialState: () => ({}),
      steps: [{ name: 's', run: async (c) => { await ((c.input as { which: string }).which === 'late' ? late.wait : never.wait); } }],
    });
    await engine.start();
    const a = await engine.submit(name, 'app', { which: 'late' });
    const b = await engine.submit(name, 'app', { which: 'never' });
    await until('both running', async () => (await engine.get(a.id)).step === 's' && (await engine.get(b.id)).step === 's');
    await engine.stop();
    const leaseB = (await leaseOf(store.db, b.id)).until;
    late.open();
    await sleep(100);
    expect((await leaseOf(store.db, b.id)).until).toBe(leaseB);
    never.open();
  });
});
