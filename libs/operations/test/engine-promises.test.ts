// What the engine promises ("never stuck, never half-done"), each checked by what the steps observably did, on both
// stores. Leases are tens of ms so the whole file stays fast; every wait is bounded and says what it waited for.
import { ConflictError, NotFoundError } from '@ocopea/errors';
import type { SqlDb } from '@ocopea/sql-store';
import type { OperationKind, StepContext } from '../src';
import { STORES, engines, gate, leaseOf, recording, sleep, uniqueKind, until, type TestStore } from './support';

type St = { log: string[] };
/** Renewed every 20 ms, lapsed 60 ms after the last renewal. */
const SHORT = { leaseMs: 60 };
/** So long that only an explicit release (or a takeover test's freeze) hands the operation on during a test. */
const LONG = { leaseMs: 10_000 };

/** A kind whose steps record `<who>:<step>` when they start, then behave as `during` says (default: succeed). */
function recorded(name: string, who: string, runs: string[], opts: {
  steps?: string[]; resumable?: boolean;
  during?: (step: string, c: StepContext<unknown, St>) => Promise<void> | void;
  onFailed?: (reason: string) => void;
} = {}): OperationKind<unknown, St> {
  return {
    kind: name, resumable: opts.resumable ?? true, initialState: () => ({ log: [] }),
    steps: (opts.steps ?? ['one', 'two', 'three']).map((s) => ({
      name: s,
      run: async (c: StepContext<unknown, St>) => {
        runs.push(`${who}:${s}`);
        await opts.during?.(s, c);
        c.state.log.push(`${who}:${s}`);
      },
    })),
    onFailed: opts.onFailed && (async (_op, reason) => { opts.onFailed!(reason); }),
  };
}

/** Rejects with the abort reason `afterMs` after the signal fires: a step that honours shutdown. */
function untilAborted(signal: AbortSignal, afterMs = 0): Promise<never> {
  return new Promise((_, reject) => {
    const go = () => setTimeout(() => reject(signal.reason), afterMs);
    if (signal.aborted) go(); else signal.addEventListener('abort', go, { once: true });
  });
}

describe.each(STORES)('operation engine promises on %s', (_label, openStore) => {
  let store: TestStore;
  const e = engines();
  beforeAll(async () => { store = await openStore('ops_promises'); }, 30_000);
  afterEach(() => e.stopAll());
  afterAll(async () => { await store?.close(); });

  describe('claiming', () => {
    it('two engines on one database claim each operation exactly once', async () => {
      const name = uniqueKind('contended');
      const runs: string[] = [];
      const step = { during: () => sleep(10), steps: ['only'] };
      const a = e.make(store.db, { ...LONG, concurrency: 6 }).register(recorded(name, 'a', runs, step));
      const b = e.make(await store.another(), { ...LONG, concurrency: 6 }).register(recorded(name, 'b', runs, step));
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) ids.push((await a.submit(name, `s-${i}`, {})).id); // not started yet: only recorded
      await Promise.all([a.start(), b.start()]);
      const finals = await Promise.all(ids.map((id) => a.waitForFinal(id, 20_000)));
      expect(finals.map((o) => o.phase)).toEqual(ids.map(() => 'succeeded'));
      // One claim each (a second claim of a live lease would count 2), one run each.
      expect(finals.map((o) => o.attempts)).toEqual(ids.map(() => 1));
      expect(runs).toHaveLength(60);
      expect(finals.map((o) => (o.state as St).log.length)).toEqual(ids.map(() => 1));
      // Both engines took part, so their claims really raced.
      expect(new Set(runs.map((r) => r.split(':')[0]))).toEqual(new Set(['a', 'b']));
    }, 30_000);

    it('runs at most `concurrency` operations at once, and fills every slot', async () => {
      const name = uniqueKind('capped');
      const release = gate();
      let active = 0;
      let most = 0;
      const engine = e.make(store.db, { ...SHORT, concurrency: 3 }).register(recorded(name, 'x', [], {
        steps: ['hold'], during: async () => { most = Math.max(most, ++active); await release.wait; active--; },
      }));
      await engine.start();
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await engine.submit(name, `c-${i}`, {})).id);
      await until('three operations running', () => active === 3);
      await sleep(100); // several claim rounds (every 20 ms) and seven submits: none may start a fourth
      expect(active).toBe(3);
      expect(await engine.list({ kind: name, phase: 'pending' })).toHaveLength(4);
      release.open();
      for (const id of ids) expect((await engine.waitForFinal(id, 5_000)).phase).toBe('succeeded');
      expect(most).toBe(3);
    });

    it('runs at most 8 operations at once by default', async () => {
      const name = uniqueKind('default-cap');
      const release = gate();
      let active = 0;
      const engine = e.make(store.db, SHORT).register(recorded(name, 'x', [], { steps: ['hold'], during: async () => { active++; await release.wait; active--; } }));
      await engine.start();
      const ids: string[] = [];
      for (let i = 0; i < 9; i++) ids.push((await engine.submit(name, `d-${i}`, {})).id);
      await until('eight operations running', () => active === 8);
      await sleep(50);
      expect(active).toBe(8);
      expect(await engine.list({ kind: name, phase: 'pending' })).toHaveLength(1);
      release.open();
      for (const id of ids) expect((await engine.waitForFinal(id, 5_000)).phase).toBe('succeeded');
    });
  });

  describe('leases', () => {
    it('renewal keeps a step that outlasts its lease owned by its worker, its lease live all along', async () => {
      const name = uniqueKind('long-step');
      const runs: string[] = [];
      const lease = { leaseMs: 150 }; // renewed every 50 ms
      const a = e.make(store.db, lease).register(recorded(name, 'a', runs, { steps: ['long'], during: () => sleep(750) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to start the step', () => runs.includes('a:long'));
      const b = e.make(await store.another(), lease).register(recorded(name, 'b', runs, { steps: ['long'] }));
      await b.start(); // looks for lapsed leases every 50 ms
      const samples: { at: number; until: number }[] = [];
      for (;;) {
        const at = Date.now();
        const r = await store.db.query<{ phase: string; lease_until: string | number }>(`SELECT phase, lease_until FROM operations WHERE id=$1`, [op.id]);
        if (r.rows[0].phase !== 'running') break;
        samples.push({ at, until: Number(r.rows[0].lease_until) });
        await sleep(15);
      }
      expect(await a.get(op.id)).toMatchObject({ phase: 'succeeded', attempts: 1 });
      expect(runs).toEqual(['a:long']); // five lease lengths long, and b never got it
      expect(samples.length).toBeGreaterThan(10);
      expect(samples.filter((s) => s.until <= s.at)).toEqual([]); // never seen lapsed
      expect(new Set(samples.map((s) => s.until)).size).toBeGreaterThanOrEqual(5); // moved forward as the step ran
    });

    it('a worker whose lease lapsed and was taken over runs no further step and writes nothing (the fence)', async () => {
      const name = uniqueKind('fenced');
      const runs: string[] = [];
      const slow = gate();
      const fa = e.freezable(store.db);
      const a = e.make(fa.db, SHORT).register(recorded(name, 'a', runs, { during: (s) => (s === 'one' ? slow.wait : undefined) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step one', () => runs.includes('a:one'));
      fa.freeze(); // a stalls (no renewal, no write) while its step goes on
      const b = e.make(await store.another(), SHORT).register(recorded(name, 'b', runs));
      await b.start();
      const final = await b.waitForFinal(op.id, 5_000);
      expect(final).toMatchObject({ phase: 'succeeded', attempts: 2, state: { log: ['b:one', 'b:two', 'b:three'] } });
      // a wakes up and its step ends: its first write finds the lease gone, and it stops there.
      fa.thaw();
      slow.open();
      await until('a to try to record step one', () => fa.updates.some((u) => u.first === op.id && u.rowCount === 0));
      await sleep(100); // room for a to go on, which it must not
      expect(runs).toEqual(['a:one', 'b:one', 'b:two', 'b:three']);
      expect(await b.get(op.id)).toEqual(final);
      expect(fa.updates.filter((u) => u.first === op.id && u.rowCount > 0)).toHaveLength(1); // its step-one start, before the stall
    });

    it('a worker whose lease was taken over and whose step then fails does not fail the new owner\'s operation', async () => {
      const name = uniqueKind('fenced-fail');
      const runs: string[] = [];
      const failures: string[] = [];
      const slow = gate();
      const fa = e.freezable(store.db);
      const a = e.make(fa.db, SHORT).register(recorded(name, 'a', runs, {
        during: async (s) => { if (s === 'one') { await slow.wait; throw new Error('late failure'); } },
        onFailed: (r) => failures.push(r),
      }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step one', () => runs.includes('a:one'));
      fa.freeze();
      const b = e.make(await store.another(), SHORT).register(recorded(name, 'b', runs));
      await b.start();
      const final = await b.waitForFinal(op.id, 5_000);
      expect(final.phase).toBe('succeeded');
      fa.thaw();
      slow.open();
      await until('a to try to record its failure', () => fa.updates.some((u) => u.first === op.id && u.rowCount === 0));
      await sleep(50);
      expect(await b.get(op.id)).toEqual(final);
      expect(failures).toEqual([]);
    });

    it('a worker that lost its lease and is then stopped leaves the new owner\'s lease alone', async () => {
      const name = uniqueKind('fenced-stop');
      const runs: string[] = [];
      const bHolds = gate();
      const fa = e.freezable(store.db);
      const a = e.make(fa.db, SHORT).register(recorded(name, 'a', runs, { during: (s, c) => (s === 'one' ? untilAborted(c.signal) : undefined) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step one', () => runs.includes('a:one'));
      fa.freeze();
      const b = e.make(await store.another(), SHORT).register(recorded(name, 'b', runs, { during: (s) => (s === 'two' ? bHolds.wait : undefined) }));
      await b.start();
      await until('b to be in step two', () => runs.includes('b:two'));
      const bLease = await leaseOf(store.db, op.id);
      fa.thaw();
      await a.stop(); // a's step honours the abort; its release of the lease must not land on b's
      expect((await leaseOf(store.db, op.id)).owner).toBe(bLease.owner);
      bHolds.open();
      const final = await b.waitForFinal(op.id, 5_000);
      expect(final).toMatchObject({ phase: 'succeeded', attempts: 2 });
      expect(runs).toEqual(['a:one', 'b:one', 'b:two', 'b:three']);
    });

    it('an engine whose own lease lapsed (a slow database) does not claim its operation a second time', async () => {
      const name = uniqueKind('self');
      const runs: string[] = [];
      const slow = gate();
      const fa = e.freezable(store.db);
      const a = e.make(fa.db, SHORT).register(recorded(name, 'a', runs, { during: (s) => (s === 'one' ? slow.wait : undefined) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step one', () => runs.includes('a:one'));
      fa.freeze();
      await until('a to renew', () => fa.held() > 0);
      await sleep(150); // the lease a computed is stale by the time the database sees it
      fa.thaw();
      await sleep(100); // several claim rounds, which find the lease lapsed
      slow.open();
      expect(await a.waitForFinal(op.id, 5_000)).toMatchObject({ phase: 'succeeded', attempts: 1 });
      expect(runs).toEqual(['a:one', 'a:two', 'a:three']);
    });

    it('renews only what its workers run: an operation recorded as its own that no worker runs lapses and is taken again', async () => {
      const name = uniqueKind('orphan');
      const runs: string[] = [];
      const hold = gate();
      const a = e.make(store.db, SHORT).register(recorded(name, 'a', runs, { steps: ['one'], during: (_s, c) => (c.op.subject === 'busy' ? hold.wait : undefined) }));
      await a.start();
      const busy = await a.submit(name, 'busy', {});
      await until('a to be busy', () => runs.length === 1);
      const { owner } = await leaseOf(store.db, busy.id);
      // As if a's worker had vanished (say its last write failed) leaving the record running under a's lease.
      const id = `lost-${name}`;
      await store.db.query(
        `INSERT INTO operations (id, kind, subject, phase, step, steps, progress_total, input, state, attempts, lease_owner, lease_until, created, updated)
         VALUES ($1, $2, 'lost', 'running', 'one', '["one"]'::jsonb, 1, '{}'::jsonb, '{"log":[]}'::jsonb, 1, $3, $4, $5, $5)`,
        [id, name, owner, Date.now() + 60, Date.now()]);
      expect(await a.waitForFinal(id, 3_000)).toMatchObject({ phase: 'succeeded', attempts: 2 });
      expect(runs).toEqual(['a:one', 'a:one']);
      hold.open();
      expect((await a.waitForFinal(busy.id, 3_000)).attempts).toBe(1);
    });
  });

  describe('stop()', () => {
    it('stops claiming: work submitted afterwards waits, pending, for the next engine', async () => {
      const name = uniqueKind('after-stop');
      const runs: string[] = [];
      const a = e.make(store.db, { leaseMs: 30 }).register(recorded(name, 'a', runs)); // would claim every 10 ms
      await a.start();
      await a.stop();
      const op = await a.submit(name, 'app', {});
      await sleep(100);
      expect(await a.get(op.id)).toMatchObject({ phase: 'pending', attempts: 0 });
      expect(runs).toEqual([]);
      const b = e.make(store.db, SHORT).register(recorded(name, 'b', runs));
      await b.start();
      expect(await b.waitForFinal(op.id, 5_000)).toMatchObject({ phase: 'succeeded', attempts: 1 });
      expect(runs).toEqual(['b:one', 'b:two', 'b:three']);
    });

    it('a claim in flight when stop() is called is handed back, not run after stop() returns', async () => {
      const name = uniqueKind('claim-in-flight');
      const runs: string[] = [];
      const fa = e.freezable(store.db);
      const a = e.make(fa.db, { leaseMs: 30 }).register(recorded(name, 'a', runs));
      await a.start();
      fa.freeze();
      const reader = e.make(store.db).register(recorded(name, 'reader', runs)); // never started
      const op = await reader.submit(name, 'app', {});
      await until('a to be claiming', () => fa.held() > 0);
      let stopped = false;
      const stopping = a.stop().then(() => { stopped = true; });
      await sleep(20);
      expect(stopped).toBe(false); // stop() waits for the claim in flight
      fa.thaw();
      await stopping;
      await sleep(100);
      expect(runs).toEqual([]);
      expect(await reader.get(op.id)).toMatchObject({ phase: 'pending', attempts: 0, step: null });
      expect(await leaseOf(store.db, op.id)).toEqual({ owner: null, until: 0 });
      const b = e.make(store.db, SHORT).register(recorded(name, 'b', runs, { resumable: false }));
      await b.start();
      expect(await b.waitForFinal(op.id, 5_000)).toMatchObject({ phase: 'succeeded', attempts: 1 });
    });

    it('interrupts running steps and leaves their operations open, state kept and lease released, for the next owner', async () => {
      const name = uniqueKind('interrupted');
      const runs: string[] = [];
      const failures: string[] = [];
      const a = e.make(store.db, LONG).register(recorded(name, 'a', runs, {
        // Step two records some progress, then stops 30 ms after the abort: stop() must wait for that.
        during: async (s, c) => { if (s === 'two') { c.state.log.push('a:two-partial'); await untilAborted(c.signal, 30); } },
        onFailed: (r) => failures.push(r),
      }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step two', () => runs.includes('a:two'));
      await a.stop();
      expect(await a.get(op.id)).toMatchObject({ phase: 'running', step: 'two', error: null, state: { log: ['a:one', 'a:two-partial'] } });
      expect(await leaseOf(store.db, op.id)).toEqual({ owner: null, until: 0 });
      expect(failures).toEqual([]);
      // The next owner (another engine, sharing the database: no `exclusive`) resumes it at once, at step two.
      const b = e.make(await store.another(), LONG).register(recorded(name, 'b', runs));
      await b.start();
      const final = await b.waitForFinal(op.id, 5_000);
      expect(final).toMatchObject({ phase: 'succeeded', attempts: 2, state: { log: ['a:one', 'a:two-partial', 'b:two', 'b:three'] } });
      expect(runs).toEqual(['a:one', 'a:two', 'b:two', 'b:three']);
    });

    it('waits up to 5 s by default for steps to honour the abort', async () => {
      const name = uniqueKind('slow-abort');
      const a = e.make(store.db, { ...LONG, stopTimeoutMs: undefined }).register(recorded(name, 'a', [], { during: (_s, c) => untilAborted(c.signal, 300) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be running', async () => (await a.get(op.id)).step === 'one');
      await a.stop();
      expect(await leaseOf(store.db, op.id)).toEqual({ owner: null, until: 0 }); // released: stop() waited the 300 ms
    });

    it('gives up after stopTimeoutMs on a step that ignores the abort; its lease then lapses', async () => {
      const name = uniqueKind('deaf');
      const runs: string[] = [];
      const a = e.make(store.db, { ...SHORT, stopTimeoutMs: 60 }).register(recorded(name, 'a', runs, { during: (s) => (s === 'one' ? new Promise<void>(() => undefined) : undefined) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step one', () => runs.includes('a:one'));
      const t0 = Date.now();
      await a.stop();
      const took = Date.now() - t0;
      expect(took).toBeGreaterThanOrEqual(55);
      expect(took).toBeLessThan(2_000);
      const b = e.make(store.db, SHORT).register(recorded(name, 'b', runs));
      await b.start();
      expect(await b.waitForFinal(op.id, 5_000)).toMatchObject({ phase: 'succeeded', attempts: 2 });
    });
  });

  describe('operations that cannot be resumed', () => {
    it('are failed, not re-run, when another engine takes them over after their lease lapsed', async () => {
      const name = uniqueKind('no-resume-takeover');
      const runs: string[] = [];
      const failures: string[] = [];
      const fa = e.freezable(store.db);
      const never = new Promise<void>(() => undefined);
      const a = e.make(fa.db, SHORT).register(recorded(name, 'a', runs, { resumable: false, during: (s) => (s === 'two' ? never : undefined) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step two', () => runs.includes('a:two'));
      // b starts while a's lease is live (a renews it), so b's start leaves it alone; then a stalls.
      const b = e.make(await store.another(), SHORT).register(recorded(name, 'b', runs, { resumable: false, onFailed: (r) => failures.push(r) }));
      await b.start();
      fa.freeze();
      const final = await b.waitForFinal(op.id, 5_000);
      expect(final).toMatchObject({ phase: 'failed', step: 'two', attempts: 2, state: { log: ['a:one'] } });
      expect(final.error).toMatch(/step 'two'.*cannot be resumed safely/);
      expect(final.stepTimes.two.finished).toEqual(expect.any(Number));
      expect(runs).toEqual(['a:one', 'a:two']); // never re-run
      expect(failures).toEqual([final.error]);
      expect(await leaseOf(store.db, op.id)).toEqual({ owner: null, until: 0 });
    });

    it('are failed by the next engine when a stop() interrupted them', async () => {
      const name = uniqueKind('no-resume-stopped');
      const runs: string[] = [];
      const failures: string[] = [];
      const a = e.make(store.db, LONG).register(recorded(name, 'a', runs, { resumable: false, during: (s, c) => (s === 'one' ? untilAborted(c.signal) : undefined) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step one', () => runs.includes('a:one'));
      // b is already running (its sweeper, not its start, finds the released operation).
      const b = e.make(await store.another(), SHORT).register(recorded(name, 'b', runs, { resumable: false, onFailed: (r) => failures.push(r) }));
      await b.start();
      await a.stop();
      const final = await b.waitForFinal(op.id, 5_000);
      expect(final).toMatchObject({ phase: 'failed', step: 'one' });
      expect(runs).toEqual(['a:one']);
      expect(failures).toHaveLength(1);
    });

    it('are failed by a restarting engine that finds their lease lapsed', async () => {
      const name = uniqueKind('no-resume-restart');
      const runs: string[] = [];
      const fa = e.freezable(store.db);
      const a = e.make(fa.db, SHORT).register(recorded(name, 'a', runs, { resumable: false, during: (s) => (s === 'one' ? new Promise<void>(() => undefined) : undefined) }));
      await a.start();
      const op = await a.submit(name, 'app', {});
      await until('a to be in step one', () => runs.includes('a:one'));
      fa.freeze(); // a dies
      await sleep(100);
      const b = e.make(await store.another(), LONG).register(recorded(name, 'b', runs, { resumable: false }));
      await b.start();
      const final = await b.get(op.id); // failed by start() itself, before anything is claimed
      expect(final).toMatchObject({ phase: 'failed', step: 'one' });
      expect(final.error).toMatch(/restarted during step 'one'/);
      expect(runs).toEqual(['a:one']);
    });
  });

  describe('progress', () => {
    it('step, progress, state and step times are persisted right after every step, not only at the end', async () => {
      const name = uniqueKind('progress');
      const runs: string[] = [];
      const rec = recording(store.db);
      const engine = e.make(rec.db, SHORT).register(recorded(name, 'x', runs, {
        steps: ['a', 'b', 'c'],
        during: async (s, c) => { if (s === 'b') { c.state.log.push('b-half'); await c.checkpoint(); } },
      }));
      await engine.start();
      const op = await engine.submit(name, 'app', {});
      expect((await engine.waitForFinal(op.id, 5_000)).phase).toBe('succeeded');
      // The row can read succeeded a moment before the recorder has read it back after the write.
      await until('the final write to be recorded', () => rec.history.some((o) => o.id === op.id && o.phase === 'succeeded'));
      const h = rec.history.filter((o) => o.id === op.id);
      const steps = ['a', 'b', 'c'];
      steps.forEach((s, i) => {
        // Before the step runs: it is the current step, the earlier ones are counted.
        const before = h.findIndex((o) => o.step === s);
        expect(h[before]).toMatchObject({ phase: 'running', progress: { completed: i, total: 3 } });
        expect(h[before].stepTimes[s]).toEqual({ started: expect.any(Number) });
        // Right after it (a crash here resumes at the next step with all of this one's work).
        const after = h.findIndex((o) => o.stepTimes[s]?.finished !== undefined);
        expect(after).toBeGreaterThan(before);
        const log = [['x:a'], ['x:a', 'b-half', 'x:b'], ['x:a', 'b-half', 'x:b', 'x:c']][i];
        expect(h[after]).toMatchObject({ phase: 'running', step: s, progress: { completed: i + 1, total: 3 }, state: { log } });
        if (i + 1 < steps.length) expect(h[after + 1]).toMatchObject({ step: steps[i + 1], progress: { completed: i + 1 } });
      });
      // The checkpoint inside step b landed while b was still running.
      const half = h.find((o) => o.step === 'b' && o.stepTimes.b.finished === undefined && (o.state as St).log.includes('b-half'));
      expect(half?.state).toEqual({ log: ['x:a', 'b-half'] });
      expect(h[h.length - 1]).toMatchObject({ phase: 'succeeded', step: 'c', progress: { completed: 3, total: 3 } });
    });
  });

  describe('records', () => {
    it('submit records a pending operation with its steps, input and initial state', async () => {
      const name = uniqueKind('submitted');
      const engine = e.make(store.db).register<{ n: number }, { doubled: number }>({
        kind: name, resumable: true, initialState: (i) => ({ doubled: i.n * 2 }), steps: [{ name: 'p', run: async () => undefined }, { name: 'q', run: async () => undefined }],
      });
      const before = Date.now();
      const op = await engine.submit(name, 'app-9', { n: 21 }, 'chosen-id-' + name);
      expect(op).toMatchObject({
        id: 'chosen-id-' + name, kind: name, subject: 'app-9', phase: 'pending', step: null, steps: ['p', 'q'],
        progress: { completed: 0, total: 2 }, input: { n: 21 }, state: { doubled: 42 }, error: null, attempts: 0, stepTimes: {},
      });
      expect(typeof op.created).toBe('number');
      expect(op.created).toBeGreaterThanOrEqual(before);
      expect(op.updated).toBe(op.created);
      expect(await engine.get(op.id)).toEqual(op);
      await expect(engine.submit(name, 'app-9', { n: 1 }, op.id)).rejects.toBeInstanceOf(ConflictError);
      await expect(engine.submit('no-such-kind', 'app-9', {})).rejects.toThrow("unknown operation kind 'no-such-kind'");
      const generated = await engine.submit(name, 'app-9', { n: 1 });
      expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('an unknown id is a 404 for get() and undefined for find()', async () => {
      const engine = e.make(store.db);
      const err = await engine.get('no-such-operation').catch((x: unknown) => x);
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err).toMatchObject({ status: 404, message: "operation 'no-such-operation' not found" });
      expect(await engine.find('no-such-operation')).toBeUndefined();
    });

    it('list() filters by subject, phase and kind, newest first, and limits', async () => {
      const k1 = uniqueKind('listed');
      const k2 = uniqueKind('listed');
      const [sa, sb] = [uniqueKind('subject-a'), uniqueKind('subject-b')];
      const noop = (kind: string): OperationKind => ({ kind, resumable: true, initialState: () => ({}), steps: [{ name: 's', run: async () => undefined }] });
      const engine = e.make(store.db).register(noop(k1)).register(noop(k2)); // never started: the records stay as set
      const rows: [string, string, string, string, number][] = [
        ['x1', k1, sa, 'pending', 1000], ['x2', k1, sb, 'failed', 2000], ['x3', k2, sa, 'pending', 3000],
        ['x4', k2, sb, 'succeeded', 4000], ['x6', k2, sb, 'succeeded', 5000], ['x5', k2, sb, 'succeeded', 5000],
      ];
      for (const [id, kind, subject, phase, created] of rows) {
        await engine.submit(kind, subject, {}, `${id}-${k1}`);
        await store.db.query(`UPDATE operations SET phase=$2, created=$3 WHERE id=$1`, [`${id}-${k1}`, phase, created]);
      }
      const ids = async (f: Parameters<typeof engine.list>[0]) => (await engine.list(f)).map((o) => o.id.replace(`-${k1}`, ''));
      expect(await ids({ subject: sa })).toEqual(['x3', 'x1']);
      expect(await ids({ subject: sb })).toEqual(['x5', 'x6', 'x4', 'x2']); // same created: by id
      expect(await ids({ kind: k1 })).toEqual(['x2', 'x1']);
      expect(await ids({ subject: sa, kind: k1 })).toEqual(['x1']);
      expect(await ids({ kind: k2, phase: 'succeeded' })).toEqual(['x5', 'x6', 'x4']);
      expect(await ids({ subject: sb, kind: k1, phase: 'failed' })).toEqual(['x2']);
      expect(await ids({ subject: sb, kind: k1, phase: 'pending' })).toEqual([]);
      expect(await ids({ kind: k2, limit: 2 })).toEqual(['x5', 'x6']);
      expect((await engine.list({ phase: 'failed' })).every((o) => o.phase === 'failed')).toBe(true);
    });

    it('list() returns at most 500 unless asked for more', async () => {
      const k = uniqueKind('many');
      await store.db.query(
        `INSERT INTO operations (id, kind, subject, phase, steps, progress_total, input, state, created, updated)
         SELECT $1 || '-' || g, $1, 'many', 'succeeded', '[]'::jsonb, 0, '{}'::jsonb, '{}'::jsonb, g, g FROM generate_series(1, 501) g`, [k]);
      const engine = e.make(store.db);
      expect(await engine.list({ kind: k })).toHaveLength(500);
      expect(await engine.list()).toHaveLength(500);
      const all = await engine.list({ kind: k, limit: 1000 });
      expect(all).toHaveLength(501);
      expect(all[0].id).toBe(`${k}-501`);
    });

    it('waitForFinal gives up with where the operation is', async () => {
      const name = uniqueKind('waited');
      const engine = e.make(store.db).register(recorded(name, 'x', []));
      const op = await engine.submit(name, 'app', {}); // never started: stays pending
      const t0 = Date.now();
      await expect(engine.waitForFinal(op.id, 80)).rejects.toThrow(`operation ${op.id} still pending in step null after 80 ms`);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(80);
    });
  });

  describe('hooks and errors', () => {
    it('errors of onSucceeded and onFailed go to onError with the operation id; the outcome stands', async () => {
      const name = uniqueKind('hooks');
      const errors: [string, string | undefined][] = [];
      const engine = e.make(store.db, { ...SHORT, onError: (err, id) => errors.push([(err as Error).message, id]) }).register({
        ...recorded(name, 'x', [], { during: (_s, c) => { if ((c.input as { fail: boolean }).fail) throw new Error('step broke'); } }),
        onSucceeded: async () => { throw new Error('succeeded hook broke'); },
        onFailed: async () => { throw new Error('failed hook broke'); },
      });
      await engine.start();
      const ok = await engine.submit(name, 'app', { fail: false });
      const bad = await engine.submit(name, 'app', { fail: true });
      expect((await engine.waitForFinal(ok.id, 5_000)).phase).toBe('succeeded');
      expect(await engine.waitForFinal(bad.id, 5_000)).toMatchObject({ phase: 'failed', error: 'step broke' });
      await until('both hooks to report', () => errors.length === 2);
      expect(errors).toEqual(expect.arrayContaining([['succeeded hook broke', ok.id], ['failed hook broke', bad.id]]));
    });

    it('a failing claim loop is reported, to onError or else to the console, and the engine carries on', async () => {
      const name = uniqueKind('flaky-db');
      let breakNext = 0;
      const flaky: SqlDb = {
        kind: store.db.kind, exec: (s) => store.db.exec(s), transaction: (fn) => store.db.transaction(fn), close: async () => undefined,
        cachedQuery: (s, p) => store.db.cachedQuery(s, p),
        query: async (s, p) => {
          if (breakNext > 0 && /phase='running'/.test(s)) { breakNext--; throw new Error('connection reset'); }
          return store.db.query(s, p);
        },
      };
      const reported: unknown[] = [];
      const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        for (const onError of [(err: unknown) => reported.push(err), undefined]) {
          breakNext = 1;
          const engine = e.make(flaky, { ...SHORT, onError }).register(recorded(name, 'x', []));
          await engine.start();
          const op = await engine.submit(name, 'app', {});
          expect((await engine.waitForFinal(op.id, 5_000)).phase).toBe('succeeded'); // the next round claims it
          await engine.stop();
        }
        expect(reported).toEqual([expect.objectContaining({ message: 'connection reset' })]);
        expect(spy).toHaveBeenCalledWith('operation engine:', expect.objectContaining({ message: 'connection reset' }));
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('a failure that cannot be written', () => {
    it('is reported, not thrown; the operation is taken over and failed once the database answers again', async () => {
      const name = uniqueKind('unwritable-failure');
      let breakFailWrites = true;
      const flaky: SqlDb = {
        kind: store.db.kind, exec: (s) => store.db.exec(s), transaction: (fn) => store.db.transaction(fn), close: async () => undefined,
        cachedQuery: (s, p) => store.db.cachedQuery(s, p),
        query: async (s, p) => {
          if (breakFailWrites && /SET phase=\$2, error=/.test(s)) throw new Error('connection reset');
          return store.db.query(s, p);
        },
      };
      const reported: [unknown, string | undefined][] = [];
      const unhandled: unknown[] = [];
      const onUnhandled = (r: unknown) => { unhandled.push(r); };
      process.on('unhandledRejection', onUnhandled);
      try {
        const failing = recorded(name, 'x', [], { resumable: false, steps: ['only'], during: () => { throw new Error('step broke'); } });
        const engine = e.make(flaky, { ...SHORT, onError: (err, id) => reported.push([err, id]) }).register(failing);
        await engine.start();
        const op = await engine.submit(name, 'app', {});
        await until('the unwritable failure reported', () => reported.length > 0 || undefined, 5_000);
        expect(reported[0]).toEqual([expect.objectContaining({ message: 'connection reset' }), op.id]);
        expect((await engine.get(op.id)).phase).toBe('running'); // not written, not lost
        breakFailWrites = false;
        // Its lease lapses; the next claim takes it over and, the kind not being resumable, fails it instead of re-running.
        const final = await engine.waitForFinal(op.id, 5_000);
        expect(final.phase).toBe('failed');
        expect(final.error).toMatch(/stopped renewing its lease|step broke/);
        await new Promise((r) => setImmediate(r));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });

  describe('start()', () => {
    it('fails open operations of kinds it does not know, and restarts at the first step when the recorded step is gone', async () => {
      const known = uniqueKind('known');
      const ghost = uniqueKind('ghost');
      const runs: string[] = [];
      const reader = e.make(store.db).register(recorded(ghost, 'r', [])).register(recorded(known, 'r', []));
      const g = await reader.submit(ghost, 'app', {});
      const moved = await reader.submit(known, 'app', {});
      const fresh = await reader.submit(known, 'app', {});
      await store.db.query(`UPDATE operations SET phase='running', step='renamed-step', lease_until=0 WHERE id=$1`, [moved.id]);
      const engine = e.make(await store.another(), { ...SHORT, exclusive: true }).register(recorded(known, 'x', runs));
      await engine.start();
      expect(await engine.get(g.id)).toMatchObject({ phase: 'failed', error: "interrupted: the service restarted during step 'start' and this operation cannot be resumed safely" });
      expect(await engine.waitForFinal(moved.id, 5_000)).toMatchObject({ phase: 'succeeded', attempts: 1 });
      expect(await engine.waitForFinal(fresh.id, 5_000)).toMatchObject({ phase: 'succeeded', attempts: 1 });
      expect(runs.filter((r) => r === 'x:one')).toHaveLength(2); // both from the first step
    });

    it('without `exclusive`, leaves alone an operation whose live lease another engine holds', async () => {
      const name = uniqueKind('held');
      const runs: string[] = [];
      const reader = e.make(store.db).register(recorded(name, 'r', []));
      const op = await reader.submit(name, 'app', {});
      await store.db.query(`UPDATE operations SET phase='running', step='two', lease_owner='someone', lease_until=$2 WHERE id=$1`, [op.id, Date.now() + 300]);
      const engine = e.make(store.db, SHORT).register(recorded(name, 'x', runs, { resumable: false }));
      await engine.start();
      expect(await engine.get(op.id)).toMatchObject({ phase: 'running', step: 'two' });
      expect(runs).toEqual([]);
      await engine.stop();
      // With `exclusive` (the embedded store: nobody else can hold it) it is taken at once.
      await store.db.query(`UPDATE operations SET lease_until=$2 WHERE id=$1`, [op.id, Date.now() + 10_000]);
      const exclusive = e.make(store.db, { ...SHORT, exclusive: true }).register(recorded(name, 'x', runs, { resumable: true }));
      await exclusive.start();
      expect(await exclusive.waitForFinal(op.id, 5_000)).toMatchObject({ phase: 'succeeded', attempts: 1 });
      expect(runs).toEqual(['x:two', 'x:three']);
    });
  });
});
