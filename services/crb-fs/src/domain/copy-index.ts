// The order in which copies are listed, kept up to date as records change, so that a page costs a binary search and
// a slice instead of copying and sorting every record on every request.

/** Sort key of a copy: its `copyTimeStamp` in ms (-Infinity when absent), then its id. */
export interface CopyKey { t: number; id: string }

const before = (a: CopyKey, b: CopyKey): boolean => a.t < b.t || (a.t === b.t && a.id < b.id);

/** A sorted array of keys with O(log n) search; insert and delete move at most n pointers (a memmove). */
class SortedKeys {
  readonly keys: CopyKey[] = [];

  /** Index of the first key not before `k`. */
  private lowerBound(k: CopyKey): number {
    let lo = 0, hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.keys[mid], k)) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  insert(k: CopyKey): void { this.keys.splice(this.lowerBound(k), 0, k); }

  remove(k: CopyKey): void {
    const i = this.lowerBound(k);
    if (i < this.keys.length && this.keys[i].id === k.id && this.keys[i].t === k.t) this.keys.splice(i, 1);
  }
}

/** Copy ids in listing order, over all copies and per repository. */
export class CopyIndex {
  private readonly all = new SortedKeys();
  private readonly byRepo = new Map<string, SortedKeys>();
  private readonly entries = new Map<string, { key: CopyKey; repoId: string }>();

  get size(): number { return this.entries.size; }

  /** Adds or moves a copy. */
  upsert(id: string, t: number, repoId: string): void {
    const cur = this.entries.get(id);
    if (cur && cur.key.t === t && cur.repoId === repoId) return;
    if (cur) this.remove(id);
    const key = { t, id };
    this.entries.set(id, { key, repoId });
    this.all.insert(key);
    let r = this.byRepo.get(repoId);
    if (!r) { r = new SortedKeys(); this.byRepo.set(repoId, r); }
    r.insert(key);
  }

  remove(id: string): void {
    const cur = this.entries.get(id);
    if (!cur) return;
    this.entries.delete(id);
    this.all.remove(cur.key);
    const r = this.byRepo.get(cur.repoId);
    r?.remove(cur.key);
    if (r && r.keys.length === 0) this.byRepo.delete(cur.repoId);
  }

  /** Ids from position `offset`, at most `limit` of them (of one repository when `repoId` is given). */
  slice(repoId: string | undefined, offset: number, limit: number): string[] {
    const keys = this.keysOf(repoId);
    const out: string[] = [];
    for (let i = offset; i < keys.length && out.length < limit; i++) out.push(keys[i].id);
    return out;
  }

  count(repoId?: string): number { return this.keysOf(repoId).length; }

  /** Every id in order, one at a time (a listing streamed to a client never holds a copy of the whole set). */
  *ids(repoId?: string): Generator<string> {
    // Walks by key rather than by position (a binary search per step), so copies added or removed while a slow
    // client reads shift nothing under the walker: each id is yielded at most once, in order.
    let last: CopyKey | undefined;
    for (;;) {
      const keys = this.keysOf(repoId);
      const i = last ? this.nextAfter(keys, last) : 0;
      if (i >= keys.length) return;
      last = keys[i];
      yield last.id;
    }
  }

  private nextAfter(keys: CopyKey[], k: CopyKey): number {
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(k, keys[mid])) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  private keysOf(repoId: string | undefined): CopyKey[] {
    return repoId === undefined ? this.all.keys : (this.byRepo.get(repoId)?.keys ?? []);
  }
}
