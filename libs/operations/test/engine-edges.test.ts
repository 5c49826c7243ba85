// Smaller promises of the engine, on both stores: state of any JSON shape survives, and a step that ends after a
// shutdown began is the last one that runs.
import type { OperationKind } from '../src';
import { STORES, engines, gate, leaseOf, uniqueKind, until, type TestStore } from './support';

describe.each(STORES)('operation engine edges on %s', (_label, openStore) => {
  let store: TestStore;
  const e = engines();
  beforeAll(async () => { store = await openStore('ops_edges'); }, 30_000);
  afterEach(() => e.stopAll());
  afterAll(async () => { await store?.close(); });

  it('keeps state that is a JSON array, through every step and a checkpoint', async () => {
    const name = uniqueKind('array-state');
    const kind: OperationKind<number[], number[]> = {
      kind: name, resumable: true, initialState: (input) => [...input],
      steps: [
        { name: 'push', run: async (c) => { c.state.push(3); await c.checkpoint(); } },
        { name: 'double', run: async (c) => { c.state = c.state.map((n) => n * 2); } },
      ],
    };
    const engine = e.make(store.db, { leaseMs: 60 }).register(kind);
    await engine.start();
    const op = await engine.submit(name, 'app', [1, 2]);
    expect(op.state).toEqual([1, 2]);
    expect(await engine.waitForFinal(op.id, 5_000)).toMatchObject({ phase: 'succeeded', input: [1, 2], state: [2, 4, 6] });
  });

  it('a step that completes after stop() aborted it is the last to run: the next step is left for the next owner', async () => {
    const name = uniqueKind('finish-then-stop');
    const runs: string[] = [];
    const aborted = gate();
    const kind: OperationKind<unknown, { log: string[] }> = {
      kind: name, resumable: true, initialState: () => ({ log: [] }),
      steps: [
        { name: 'one', run: async (c) => { runs.push('one'); c.signal.addEventListener('abort', () => aborted.open()); await aborted.wait; c.state.log.push('one'); } },
        { name: 'two', run: async (c) => { runs.push('two'); c.state.log.push('two'); } },
      ],
    };
    const a = e.make(store.db, { leaseMs: 10_000 }).register(kind);
    await a.start();
    const op = await a.submit(name, 'app', {});
    await until('step one to run', () => runs.includes('one'));
    await a.stop(); // step one ignores the abort as such, but finishes right after it
    expect(runs).toEqual(['one']);
    expect(await a.get(op.id)).toMatchObject({ phase: 'running', step: 'one', progress: { completed: 1 }, state: { log: ['one'] } });
    expect(await leaseOf(store.db, op.id)).toEqual({ owner: null, until: 0 });
  });
});
