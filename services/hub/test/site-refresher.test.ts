import { SiteRefresher, type RefresherStore } from '../src/domain/site-refresher';
import { SiteStatusBook } from '../src/domain/site-status';
import type { AppInstance, HubSite } from '../src/domain/model';
import type { SiteAppInstance, SiteGateway } from '../src/domain/site-gateway';

const site = (n: number): HubSite => ({ id: `s${n}`, urn: `s${n}`, url: `http://s${n}`, name: null, version: null, location: null, publicDns: `s${n}.example`, status: 'reachable', lastSeen: 1 });
const inst = (id: string, siteId: string, state: AppInstance['state']): AppInstance => ({
  id, name: id, appTemplateId: 't', siteId, baseSavedImageId: null, baseAppInstanceId: null, creatorUserId: null, deploymentType: null,
  created: 1, state, stateMessage: null, stateDate: 1, webEntryPointURL: null, entryPointPath: 'ui',
});
const app = (id: string, state: SiteAppInstance['state']): SiteAppInstance => ({
  id, name: id, templateName: 't', templateVersion: '1', state, stateMessage: state === 'error' ? 'boom' : null, stateDate: 1, launched: 1,
  entryPointURL: 'http://{siteURL}:9000', appServices: [], dataServices: [],
} as unknown as SiteAppInstance);

describe('SiteRefresher', () => {
  it('asks every Site with at most `refreshConcurrency` calls in flight, and records answers and silences', async () => {
    const sites = Array.from({ length: 20 }, (_, i) => site(i));
    const instances = [inst('i3', 's3', 'deploying'), inst('i4', 's4', 'running'), inst('i5', 's5', 'stopped')];
    const writes: [string, string, unknown][] = [];
    const store: RefresherStore & { setSiteStatus(): Promise<void> } = {
      listSites: async () => sites, listInstances: async () => instances,
      setInstanceState: async (id, state, o) => { writes.push([id, state, o]); return true; },
      setSiteStatus: async () => undefined,
    };
    let inFlight = 0, most = 0;
    const gateway = {
      listAppInstances: async (url: string) => {
        inFlight++; most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        if (url === 'http://s7') throw new Error('ECONNREFUSED');
        if (url === 'http://s8') await new Promise((r) => setTimeout(r, 1000)); // past the per-site timeout
        return [app('i3', 'running'), app('i4', 'error'), app('i5', 'running')].filter((a) => url === `http://s${a.id.slice(1)}`);
      },
    } as unknown as SiteGateway;
    const book = new SiteStatusBook(store);
    await book.load();
    const r = new SiteRefresher(store, gateway, book, { siteTimeoutMs: 100, refreshConcurrency: 4 });
    await Promise.all([r.refresh(), r.refresh()]); // the second joins the first
    expect(most).toBe(4);
    expect(book.reachable('s7')).toBe(false);
    expect(book.reachable('s8')).toBe(false);
    expect(book.reachable('s3')).toBe(true);
    // Changed states are written; a stopped instance is not followed any more.
    expect(writes).toEqual([
      ['i3', 'running', { message: null, url: 'http://s3.example:9000/ui' }],
      ['i4', 'error', { message: 'boom', url: undefined }],
    ]);
  });
});
