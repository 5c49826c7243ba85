import { SiteStatusBook, type SiteStatusStore } from '../src/domain/site-status';
import type { HubSite, SiteStatus } from '../src/domain/model';

function site(id: string, status: SiteStatus, lastSeen: number | null): HubSite {
  return { id, urn: id, url: `http://${id}`, name: null, version: null, location: null, publicDns: null, status, lastSeen };
}

/** A store that records each status write. */
function recordingStore(sites: HubSite[]) {
  const writes: [string, SiteStatus, number | undefined][] = [];
  let fail = false;
  const store: SiteStatusStore = {
    listSites: async () => sites,
    setSiteStatus: async (id, status, at) => { if (fail) throw new Error('disk full'); writes.push([id, status, at]); },
  };
  return { store, writes, failNext: (v: boolean) => { fail = v; } };
}

describe('SiteStatusBook', () => {
  it('shows every answer at once but writes the store only on a change, and a reachable Site at most once a minute', async () => {
    const { store, writes } = recordingStore([site('a', 'reachable', 1000)]);
    const book = new SiteStatusBook(store);
    await book.load();
    expect(book.view(site('a', 'unreachable', null))).toMatchObject({ status: 'reachable', lastSeen: 1000 });
    await book.confirmed('a', 2000); // within a minute of what the store holds: no write
    expect(book.lastSeen('a')).toBe(2000);
    expect(writes).toEqual([]);
    await book.confirmed('a', 61_000);
    expect(writes).toEqual([['a', 'reachable', 61_000]]);
    await book.lost('a');
    await book.lost('a');
    expect(book.reachable('a')).toBe(false);
    expect(book.lastSeen('a')).toBe(61_000); // the last answer stays the `asOf` of what the Hub shows
    expect(writes.slice(1)).toEqual([['a', 'unreachable', 61_000]]);
    await book.confirmed('a', 62_000); // back: a change, written at once
    expect(writes.slice(2)).toEqual([['a', 'reachable', 62_000]]);
  });

  it('a failed write is written again on the next answer', async () => {
    const { store, writes, failNext } = recordingStore([site('a', 'reachable', 1000)]);
    const book = new SiteStatusBook(store);
    await book.load();
    failNext(true);
    await expect(book.lost('a')).rejects.toThrow('disk full');
    expect(book.reachable('a')).toBe(false);
    failNext(false);
    await book.lost('a');
    expect(writes).toEqual([['a', 'unreachable', 1000]]);
  });

  it('ignores Sites it does not track (removed, or never added)', async () => {
    const { store, writes } = recordingStore([]);
    const book = new SiteStatusBook(store);
    await book.load();
    await book.confirmed('ghost');
    await book.lost('ghost');
    expect(writes).toEqual([]);
    expect(book.reachable('ghost')).toBe(false);
    expect(book.lastSeen('ghost')).toBeNull();
    book.track(site('b', 'reachable', 5));
    expect(book.reachable('b')).toBe(true);
  });
});
