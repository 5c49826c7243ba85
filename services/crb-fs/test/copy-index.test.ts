import { CopyIndex } from '../src/domain/copy-index';

/** The listing order the index must keep: copyTimeStamp, then id. */
function sorted(entries: { id: string; t: number; repo: string }[], repo?: string): string[] {
  return entries.filter((e) => repo === undefined || e.repo === repo)
    .sort((a, b) => (a.t - b.t) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((e) => e.id);
}

describe('CopyIndex', () => {
  it('keeps every listing in order through random inserts, moves and removes (checked against a full sort)', () => {
    const idx = new CopyIndex();
    const live = new Map<string, { id: string; t: number; repo: string }>();
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let step = 0; step < 3000; step++) {
      const id = `c${rnd(400)}`;
      const op = rnd(10);
      if (op < 6) {
        const e = { id, t: rnd(5) === 0 ? -Infinity : rnd(50), repo: ['default', 'r1', 'r2'][rnd(3)] };
        live.set(id, e);
        idx.upsert(e.id, e.t, e.repo);
      } else {
        live.delete(id);
        idx.remove(id);
      }
      if (step % 250 === 0 || step === 2999) {
        const all = [...live.values()];
        expect([...idx.ids()]).toEqual(sorted(all));
        expect([...idx.ids('r1')]).toEqual(sorted(all, 'r1'));
        expect(idx.count('r2')).toBe(sorted(all, 'r2').length);
        expect(idx.slice(undefined, 10, 7)).toEqual(sorted(all).slice(10, 17));
        expect(idx.slice('default', 3, 5)).toEqual(sorted(all, 'default').slice(3, 8));
        expect(idx.size).toBe(live.size);
      }
    }
  });

  it('a walk in progress yields each remaining id once, in order, while copies come and go', () => {
    const idx = new CopyIndex();
    for (let i = 0; i < 10; i++) idx.upsert(`c${i}`, i * 10, 'default');
    const walk = idx.ids();
    const seen = [walk.next().value, walk.next().value];
    idx.remove('c2'); // the next one, gone before it is read
    idx.upsert('c0', 95, 'default'); // already read: moves behind, read again at its new place
    idx.upsert('new', 5, 'default'); // behind the walker: not seen
    idx.upsert('late', 1000, 'default'); // ahead: seen
    for (let v = walk.next(); !v.done; v = walk.next()) seen.push(v.value);
    expect(seen).toEqual(['c0', 'c1', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c0', 'late']);
  });

  it('an unknown repository lists nothing', () => {
    const idx = new CopyIndex();
    idx.upsert('a', 1, 'default');
    expect([...idx.ids('nope')]).toEqual([]);
    expect(idx.slice('nope', 0, 10)).toEqual([]);
    expect(idx.count('nope')).toBe(0);
  });
});
