// Aggregation over real HTTP: two fake Site servers, one of which hangs and is then killed. The Hub's views answer
// at once (< 300 ms) even while its refresher waits on the hanging Site, show that Site unreachable with its
// instances' last known state and `asOf`, and still show the other Site's data.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHubApp } from '../src/app';
import type { ComposedHub } from '../src/compose';
import { testHub, USER } from './helpers';

jest.setTimeout(60_000);

interface FakeHttpSite { url: string; server: http.Server; mode: 'ok' | 'hang'; apps: object[] }

async function fakeSite(name: string): Promise<FakeHttpSite> {
  const site: FakeHttpSite = { url: '', server: http.createServer(), mode: 'ok', apps: [] };
  site.server.on('request', (req, res) => {
    if (site.mode === 'hang') return; // accept, never answer
    const send = (b: unknown) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(b)); };
    if (req.url === '/site-api/site/info') return send({ name, version: '1', publicDNS: `${name}.example`, location: null });
    if (req.url === '/site-api/site/app-instance') return send(site.apps);
    res.statusCode = 404;
    send({ code: 404, message: 'no' });
  });
  await new Promise<void>((r) => site.server.listen(0, '127.0.0.1', r));
  site.url = `http://127.0.0.1:${(site.server.address() as AddressInfo).port}/site-api`;
  return site;
}

describe('aggregation across sites', () => {
  let c: ComposedHub;
  let a: FakeHttpSite, b: FakeHttpSite;

  beforeAll(async () => {
    a = await fakeSite('a');
    b = await fakeSite('b');
    // The real HTTP gateway (no fake): testHub's store, this file's per-site timeout.
    c = await testHub(undefined, { siteTimeoutMs: 500 });
  });
  afterAll(async () => {
    await c.close();
    for (const s of [a, b]) { s.server.closeAllConnections(); s.server.close(); }
  });

  it('answers within the per-site timeout with the dead site unreachable and the live one refreshed', async () => {
    const app = createHubApp({ hub: c.hub }).app;
    const siteA = await c.hub.sites.addSite('a', a.url);
    const siteB = await c.hub.sites.addSite('b', b.url);
    const inst = (id: string, name: string, siteId: string) => c.store.insertInstance({
      id, name, appTemplateId: '6f1c2d3e-0b7a-4c55-9d1e-2a3b4c5d6e7f', siteId, baseSavedImageId: null, baseAppInstanceId: null, creatorUserId: USER,
      deploymentType: 'production', created: Date.now(), state: 'deploying', stateMessage: null, stateDate: Date.now(), webEntryPointURL: null, entryPointPath: 'ui',
    });
    const idA = '3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c', idB = '8c7b6a59-4837-4261-9f0e-1d2c3b4a5968';
    await inst(idA, 'on-a', siteA);
    await inst(idB, 'on-b', siteB);
    a.apps = [{ id: idA, name: 'on-a', templateName: 't', templateVersion: '1', state: 'running', stateMessage: null, stateDate: 1, launched: 1,
      entryPointURL: 'http://{siteURL}:9000', appServices: [], dataServices: [] }];

    // A first pass while both answer: what the Hub then knows of 'on-b' is its last known state.
    await c.hub.refresher.refresh();
    const seenB = (await c.hub.sites.getSite(siteB)).lastSeen!;
    expect(seenB).toBeGreaterThan(0);
    for (const mode of ['hang', 'killed'] as const) {
      if (mode === 'hang') b.mode = 'hang';
      else { b.server.closeAllConnections(); await new Promise((r) => b.server.close(r)); }
      // Views answer at once even while a refresh pass waits on the hanging Site.
      const pass = c.hub.refresher.refresh();
      const t0 = Date.now();
      await request(app).get('/hub-api/app/instance-state').expect(200);
      await request(app).get(`/hub-api/app/instance-state/${idB}`).expect(200);
      expect(Date.now() - t0).toBeLessThan(300);
      await pass;
      const t1 = Date.now();
      const res = await request(app).get('/hub-api/app/instance-state').expect(200);
      expect(Date.now() - t1).toBeLessThan(300);
      const byName = Object.fromEntries(res.body.map((i: { name: string }) => [i.name, i]));
      expect(byName['on-a']).toMatchObject({ state: 'running', siteReachable: true, webEntryPointURL: 'http://a.example:9000/ui' });
      expect(byName['on-a'].asOf).toBeGreaterThanOrEqual(t0);
      // The dead Site's instance: its last known state, stamped with when that Site last answered.
      expect(byName['on-b']).toMatchObject({ state: 'deploying', siteReachable: false, asOf: seenB });
      const sites = (await request(app).get('/hub-api/site').expect(200)).body;
      expect(sites.find((s: { urn: string }) => s.urn === 'b')).toMatchObject({ status: 'unreachable', lastSeen: seenB });
      expect(sites.find((s: { urn: string }) => s.urn === 'a')).toMatchObject({ status: 'reachable' });
      const one = await request(app).get(`/hub-api/app/instance-state/${idB}`).expect(200);
      expect(one.body).toMatchObject({ state: 'deploying', siteReachable: false, asOf: seenB });
      expect((await request(app).get('/hub-api/app/instance').expect(200)).body.find((i: { id: string }) => i.id === idB).siteReachable).toBe(false);
    }
  });

  it('a view writes nothing to the store', async () => {
    const writes: string[] = [];
    const query = c.db.query.bind(c.db);
    c.db.query = (async (sql: string, params?: unknown[]) => {
      // Only the views' tables: the operation engine's own background statements are not a view's.
      if (!/^\s*select/i.test(sql) && /hub_(sites|instances)/.test(sql)) writes.push(sql);
      return query(sql, params);
    }) as typeof c.db.query;
    try {
      const app = createHubApp({ hub: c.hub }).app;
      for (const path of ['/hub-api/app/instance-state', '/hub-api/app/instance', '/hub-api/site']) await request(app).get(path).expect(200);
    } finally {
      c.db.query = query;
    }
    expect(writes).toEqual([]);
  });

  it('the background refresher marks sites reachable / unreachable', async () => {
    const sitesBefore = await c.hub.sites.listSites();
    await c.hub.refresher.refresh();
    const after = await c.hub.sites.listSites();
    expect(after.find((s) => s.urn === 'a')!.lastSeen!).toBeGreaterThanOrEqual(sitesBefore.find((s) => s.urn === 'a')!.lastSeen!);
    expect(after.find((s) => s.urn === 'b')!.status).toBe('unreachable');
  });
});
