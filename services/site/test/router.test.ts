import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createSiteApp } from '../src/app';
import type { SiteParts } from '../src/compose';
import type { FakeBrokers } from './fakes';
import { fakeSite, twoServiceApp, waitOp } from './helpers';

describe('Site HTTP API (responses validated against specs/site.yaml)', () => {
  let parts: SiteParts;
  let brokers: FakeBrokers;
  let app: ReturnType<typeof createSiteApp>['app'];
  beforeAll(async () => {
    ({ parts, brokers } = await fakeSite());
    app = createSiteApp(parts).app;
  });
  beforeEach(() => { brokers.reset(); });
  afterAll(async () => { await parts.close(); });
  const api = '/site-api';
  const expectError = (res: request.Response, status: number, message: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code: status });
    expect(res.body.message).toMatch(message);
  };

  it('implements every operation of the contract', () => {
    expect(createSiteApp(parts).unhandledOperations()).toEqual([]);
  });

  it('site info, brokers, catalog and registries', async () => {
    expect((await request(app).get(`${api}/site/info`)).body).toEqual({ name: 'test-site', version: '1.0.0', publicDNS: null, location: null });
    const psbs = await request(app).get(`${api}/site/psb`);
    expect(psbs.body).toEqual([{ urn: 'process-psb', name: 'fake-psb', type: 'process', version: '1' }]);
    const detailed = await request(app).get(`${api}/site/psb-detailed`);
    expect(detailed.body[0].spaces).toEqual([{ name: 'default', properties: {} }]);
    expect((await request(app).get(`${api}/site/copy-repo`)).body).toEqual([{ urn: 'fs-crb', url: 'http://crb', name: 'fake-crb', type: 'file', version: '1' }]);
    const catalog = await request(app).get(`${api}/dsb/catalog`);
    expect(catalog.body.map((d: { urn: string }) => d.urn)).toEqual(['pg-dsb', 'fs-dsb']);
    expect(catalog.body[0].plans[0]).toEqual({ id: 'standard', name: 'Standard', description: null, price: null, dsbSettings: { tier: 'std' }, supportedProtocols: [{ protocolName: 'postgres', protocolVersion: '16', properties: {} }] });
    const reg = await request(app).post(`${api}/site/commands/add-docker-artifact-registry`).send({ name: 'hub', url: 'https://registry.example', username: 'u', password: 'secret' });
    expect(reg.status).toBe(204);
    const regs = await request(app).get(`${api}/site/artifact-registry`);
    expect(JSON.stringify(regs.body)).not.toMatch(/secret/);
    expect(regs.body).toContainEqual({ name: 'hub', type: 'dockerRegistry', parameters: { url: 'https://registry.example', username: 'u' } });
    expect((await request(app).post(`${api}/site/commands/remove-artifact-registry`).send({ artifactRegistryName: 'hub' })).status).toBe(204);
    expectError(await request(app).post(`${api}/site/commands/remove-artifact-registry`).send({ artifactRegistryName: 'hub' }), 404, /hub/);
    expectError(await request(app).get(`${api}/site/artifact-registry/nope/x`), 404, /nope/);
  });

  it('lists artifact versions from customRest, Maven and Docker registries; 404 unknown artifact; 503 unreachable', async () => {
    const server = http.createServer((req, res) => {
      const send = (status: number, body: string, type = 'application/json') => { res.writeHead(status, { 'content-type': type }); res.end(body); };
      if (req.url === '/custom/notes-app') return send(200, JSON.stringify(['1.0.0', '1.1.0']));
      if (req.url === '/maven/org/ocopea/notes/maven-metadata.xml') return send(200, '<metadata><versioning><versions><version>2.0</version><version>2.1</version></versions></versioning></metadata>', 'application/xml');
      if (req.url === '/docker/v2/repositories/library/nginx/tags/') return send(200, JSON.stringify({ results: [{ name: 'latest' }, { name: '1.25' }] }));
      if (req.url === '/docker/v2/repositories/library/odd/tags/') return send(200, 'null');
      if (req.url === '/custom/html') return send(200, '<html>not json</html>', 'text/html');
      send(404, '{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await request(app).post(`${api}/site/commands/add-custom-artifact-registry`).send({ name: 'c', url: `${base}/custom` });
      await request(app).post(`${api}/site/commands/add-maven-artifact-registry`).send({ name: 'm', url: `${base}/maven`, username: null, password: null });
      await request(app).post(`${api}/site/commands/add-docker-artifact-registry`).send({ name: 'd', url: `${base}/docker` });
      await request(app).post(`${api}/site/commands/add-custom-artifact-registry`).send({ name: 'down', url: 'http://127.0.0.1:1' });
      expect((await request(app).get(`${api}/site/artifact-registry/c/notes-app`)).body).toEqual(['1.0.0', '1.1.0']);
      expect((await request(app).get(`${api}/site/artifact-registry/m/org.ocopea:notes`)).body).toEqual(['2.0', '2.1']);
      expect((await request(app).get(`${api}/site/artifact-registry/d/${encodeURIComponent('library/nginx')}`)).body).toEqual(['latest', '1.25']);
      expectError(await request(app).get(`${api}/site/artifact-registry/c/ghost`), 404, /ghost/);
      expectError(await request(app).get(`${api}/site/artifact-registry/down/x`), 503, /cannot be reached/);
      // A registry answering what is not its format: the registry's fault (502), not ours (500).
      expectError(await request(app).get(`${api}/site/artifact-registry/c/html`), 502, /not JSON/);
      expectError(await request(app).get(`${api}/site/artifact-registry/d/${encodeURIComponent('library/odd')}`), 502, /no tag list/);
      // A local folder registry (what the topology registers), read as the process PSB reads it.
      const folder = mkdtempSync(path.join(os.tmpdir(), 'site-artifacts-'));
      mkdirSync(path.join(folder, 'app-pkg'));
      writeFileSync(path.join(folder, 'app-pkg', 'package.json'), JSON.stringify({ name: 'app-pkg', version: '3.1.0' }));
      mkdirSync(path.join(folder, 'app-manifest'));
      writeFileSync(path.join(folder, 'app-manifest', 'ocopea-artifact.json'), JSON.stringify({ command: ['true'], versions: ['1', '2'] }));
      await request(app).post(`${api}/site/commands/add-custom-artifact-registry`).send({ name: 'folder', url: pathToFileURL(folder).href });
      expect((await request(app).get(`${api}/site/artifact-registry/folder/app-pkg`)).body).toEqual(['3.1.0']);
      expect((await request(app).get(`${api}/site/artifact-registry/folder/app-manifest`)).body).toEqual(['1', '2']);
      expectError(await request(app).get(`${api}/site/artifact-registry/folder/ghost`), 404, /does not know 'ghost'/);
      expectError(await request(app).get(`${api}/site/artifact-registry/folder/..`), 400, /not a folder name/);
    } finally {
      server.close();
      for (const name of ['c', 'm', 'd', 'down', 'folder']) await request(app).post(`${api}/site/commands/remove-artifact-registry`).send({ artifactRegistryName: name });
    }
  });

  it('register-*: 400 missing field, 400 not a broker of that kind, 503 unreachable; re-registering replaces', async () => {
    expectError(await request(app).post(`${api}/site/commands/register-dsb`).send({ dsbUrn: 'x' }), 400, /dsbUrl/);
    brokers.addDsb('http://bogus').notABroker = true;
    expectError(await request(app).post(`${api}/site/commands/register-dsb`).send({ dsbUrn: 'x', dsbUrl: 'http://bogus' }), 400, /not answer a DSB info/);
    expectError(await request(app).post(`${api}/site/commands/register-dsb`).send({ dsbUrn: 'x', dsbUrl: 'http://nowhere' }), 503, /failed connecting.*ECONNREFUSED/);
    expectError(await request(app).post(`${api}/site/commands/register-psb`).send({ psbUrn: 'x', psbUrl: 'http://nowhere' }), 503, /PSB/);
    expectError(await request(app).post(`${api}/site/commands/register-crb`).send({ crbUrn: 'x', crbUrl: 'http://nowhere' }), 503, /CRB/);
    expectError(await request(app).post(`${api}/site/commands/register-dsb`).send({ dsbUrn: 'x', dsbUrl: 'not a url' }), 400, /dsbUrl 'not a url' is not a URL/);
    expectError(await request(app).post(`${api}/site/commands/register-psb`).send({ psbUrn: 'x', psbUrl: 'file:///etc/passwd' }), 400, /psbUrl .* must be http or https/);
    expectError(await request(app).post(`${api}/site/commands/register-crb`).send({ crbUrn: 'x', crbUrl: 'ftp://crb' }), 400, /crbUrl .* must be http or https/);
    expectError(await request(app).post(`${api}/site/commands/add-custom-artifact-registry`).send({ name: 'bad', url: 'not a url' }), 400, /url 'not a url' is not a URL/);
    expectError(await request(app).post(`${api}/site/commands/add-docker-artifact-registry`).send({ name: 'bad', url: 'file:///tmp' }), 400, /must be http or https/);
    expect((await request(app).get(`${api}/site/artifact-registry`)).body.map((r: { name: string }) => r.name)).not.toContain('bad');
    for (const url of ['/srv/artifacts', 'file:///srv/artifacts']) {
      expect((await request(app).post(`${api}/site/commands/add-custom-artifact-registry`).send({ name: 'folder', url })).status).toBe(204);
    }
    expect((await request(app).post(`${api}/site/commands/remove-artifact-registry`).send({ artifactRegistryName: 'folder' })).status).toBe(204);
    const again = await request(app).post(`${api}/site/commands/register-dsb`).send({ dsbUrn: 'pg-dsb', dsbUrl: 'http://dsb-pg/' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ urn: 'pg-dsb', name: 'postgres-dsb', type: 'postgres' });
    expect((await request(app).get(`${api}/dsb/catalog`)).body.filter((d: { urn: string }) => d.urn === 'pg-dsb')).toHaveLength(1);
  });

  it('deploy-application: 400 for unknown PSB type, DSB, plan, registry, dependency, restore CRB; 409 duplicate id; 204 with X-Operation-Id', async () => {
    const post = (body: object) => request(app).post(`${api}/site/commands/deploy-application`).send(body);
    const base = () => twoServiceApp(randomUUID());
    let b = base(); b.appServiceTemplates!.web.psbType = 'k8s';
    expectError(await post(b), 400, /psb type k8s/);
    b = base(); b.dataServices!.db.dsbUrn = 'ghost-dsb';
    expectError(await post(b), 400, /invalid DSB URN 'ghost-dsb'/);
    b = base(); b.dataServices!.db.plan = 'gold';
    expectError(await post(b), 400, /invalid DSB plan 'gold'/);
    b = base(); b.appServiceTemplates!.web.artifactRegistryName = 'nope';
    expectError(await post(b), 400, /artifact registry 'nope'/);
    b = base(); b.appServiceTemplates!.web.dependencies = ['db', 'cache'];
    expectError(await post(b), 400, /depends on 'cache'/);
    b = base(); b.dataServices!.db.restoreInfo = { copyRepoUrn: 'other-crb', copyId: randomUUID(), copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', restoreFacility: 'shpanCopy' };
    expectError(await post(b), 400, /other-crb/);
    expectError(await post({ ...base(), appInstanceId: 'not-a-uuid' }), 400, /appInstanceId/);
    b = base();
    const ok = await post(b);
    expect(ok.status).toBe(204);
    expect(ok.headers['x-operation-id']).toBeTruthy();
    expectError(await post(b), 409, /already deployed/);
    await waitOp(parts, ok.headers['x-operation-id']);
    const got = await request(app).get(`${api}/site/app-instance/${b.appInstanceId}`);
    expect(got.body).toMatchObject({ id: b.appInstanceId, state: 'running', templateName: 'notes-app', templateVersion: '1.0' });
    expect(got.body.dataServices[0]).toMatchObject({ bindName: 'db', dsbURN: 'pg-dsb', state: 'bound' });
    expect(got.body.appServices[0]).toMatchObject({ serviceName: 'web', state: 'deployed', serviceBindings: ['db', 'files'] });
    const op = await request(app).get(`${api}/site/operations/${ok.headers['x-operation-id']}`);
    expect(op.body).toMatchObject({ kind: 'deploy', appInstanceId: b.appInstanceId, appCopyId: null, phase: 'succeeded', step: 'wait-app-services', error: null });
    const list = await request(app).get(`${api}/site/operations?appInstanceId=${b.appInstanceId}&kind=deploy&phase=succeeded`);
    expect(list.body).toHaveLength(1);
    expectError(await request(app).get(`${api}/site/operations/nope`), 404, /nope/);
    expectError(await request(app).get(`${api}/site/operations?phase=bogus`), 400, /phase/);
    const logs = await request(app).get(`${api}/site/app-instance/${b.appInstanceId}/logs`);
    expect(logs.body).toEqual([{ address: expect.stringMatching(new RegExp(`^ws://.*/site-api/site/app-instance/${b.appInstanceId}/logs$`)), serialization: 'json', tags: ['web', 'worker', 'db', 'files'] }]);
    expectError(await request(app).post(`${api}/site/commands/remove-dsb`).send({ dsbUrn: 'pg-dsb' }), 409, /used by/);
    expectError(await request(app).post(`${api}/site/commands/remove-dsb`).send({ dsbUrn: 'ghost' }), 404, /ghost/);
  });

  it('copies: 404 unknown app/copy, 409 not running, 200 id, history, 307 to the CRB, delete', async () => {
    expectError(await request(app).post(`${api}/site/commands/create-app-copy`).send({ appInstanceId: 'ghost' }), 404, /ghost/);
    expectError(await request(app).get(`${api}/site/copy/ghost`), 404, /ghost/);
    expectError(await request(app).post(`${api}/site/commands/delete-app-copy`).send({ appCopyId: 'ghost' }), 404, /ghost/);
    expectError(await request(app).get(`${api}/site/app-instance/ghost`), 404, /ghost/);
    expectError(await request(app).post(`${api}/site/commands/stop-app`).send({ appInstanceId: 'ghost' }), 404, /ghost/);
    const id = randomUUID();
    brokers.dsbs.get('http://dsb-pg')!.pollsUntilRunning = Infinity;
    const dep = await request(app).post(`${api}/site/commands/deploy-application`).send(twoServiceApp(id));
    expectError(await request(app).post(`${api}/site/commands/create-app-copy`).send({ appInstanceId: id }), 409, /deploying/);
    brokers.dsbs.get('http://dsb-pg')!.pollsUntilRunning = 0;
    await waitOp(parts, dep.headers['x-operation-id']);
    const created = await request(app).post(`${api}/site/commands/create-app-copy`).send({ appInstanceId: id });
    expect(created.status).toBe(200);
    expect(typeof created.body).toBe('string');
    await waitOp(parts, created.headers['x-operation-id']);
    const copy = await request(app).get(`${api}/site/copy/${created.body}`);
    expect(copy.body).toMatchObject({ copyId: created.body, state: 'created' });
    const hist = await request(app).get(`${api}/site/app-instance/${id}/copy-history?intervalStart=-1&intervalEnd=-1`);
    expect(hist.body.map((c: { copyId: string }) => c.copyId)).toEqual([created.body]);
    expectError(await request(app).get(`${api}/site/app-instance/${id}/copy-history?intervalStart=10&intervalEnd=5`), 400, /before/);
    expectError(await request(app).get(`${api}/site/app-instance/${id}/copy-history?intervalStart=99999999999999999999`), 400, /intervalStart must be epoch milliseconds/);
    // Paging: one page, and what a careless or hostile caller sends instead of a page.
    expect((await request(app).get(`${api}/site/app-instance/${id}/copy-history?pageSize=1&pageNumber=0`).expect(200)).body).toHaveLength(1);
    expect((await request(app).get(`${api}/site/app-instance/${id}/copy-history?pageSize=1&pageNumber=1`).expect(200)).body).toEqual([]);
    for (const q of ['pageSize=0', 'pageSize=-1', 'pageSize=abc', 'pageSize=1001', 'pageSize=1&pageNumber=-1', 'pageSize=1&pageNumber=1e9', 'pageNumber=1']) {
      expectError(await request(app).get(`${api}/site/app-instance/${id}/copy-history?${q}`), 400, /page/i);
    }
    const stats = await request(app).get(`${api}/site/app-instance/${id}/stats`);
    expect(stats.body.productionCopyStatistics[0]).toEqual({ dsbName: 'pg-dsb', bindName: 'db', storageType: 'fake', size: 10 });
    const dsCopyId = copy.body.dataServiceCopies[0].copyId;
    const redirect = await request(app).get(`${api}/site/copy-repository/fs-crb/${dsCopyId}`).redirects(0);
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe(`http://crb/copies/${dsCopyId}/data`);
    expectError(await request(app).get(`${api}/site/copy-repository/ghost-crb/${dsCopyId}`), 404, /ghost-crb/);
    expect((await request(app).post(`${api}/site/commands/delete-app-copy`).send({ appCopyId: created.body })).status).toBe(204);
    expectError(await request(app).get(`${api}/site/copy/${created.body}`), 404, /no application copy/);
    const stop = await request(app).post(`${api}/site/commands/stop-app`).send({ appInstanceId: id });
    expect(stop.status).toBe(204);
    await waitOp(parts, stop.headers['x-operation-id']);
    expectError(await request(app).post(`${api}/site/commands/create-app-copy`).send({ appInstanceId: id }), 409, /stopped/);
  });

  it('409 for a copy when no CRB is registered; remove-crb 404 for unknown', async () => {
    const id = randomUUID();
    const dep = await request(app).post(`${api}/site/commands/deploy-application`).send(twoServiceApp(id));
    await waitOp(parts, dep.headers['x-operation-id']);
    expect((await request(app).post(`${api}/site/commands/remove-crb`).send({ crbUrn: 'fs-crb' })).status).toBe(204);
    expectError(await request(app).post(`${api}/site/commands/remove-crb`).send({ crbUrn: 'fs-crb' }), 404, /fs-crb/);
    expectError(await request(app).post(`${api}/site/commands/create-app-copy`).send({ appInstanceId: id }), 409, /no CRB/);
    expect((await request(app).post(`${api}/site/commands/register-crb`).send({ crbUrn: 'fs-crb', crbUrl: 'http://crb' })).status).toBe(204);
    expectError(await request(app).post(`${api}/site/commands/add-cr`).send({ crbUrn: 'ghost', crName: 'n' }), 404, /ghost/);
    expect((await request(app).post(`${api}/site/commands/add-cr`).send({ crbUrn: 'fs-crb', crName: 'nightly' })).status).toBe(204);
    expect((await request(app).get(`${api}/dsb/catalog/instance/pg-dsb`)).body[0]).toMatchObject({ dsb: 'pg-dsb', type: 'postgres', basedOnCopyId: null });
    expectError(await request(app).get(`${api}/dsb/catalog/instance/ghost`), 404, /ghost/);
    expect((await request(app).get(`${api}/dsb/catalog/instance`)).status).toBe(200);
    expect((await request(app).get(`${api}/site/app-instance`)).body.length).toBeGreaterThan(0);
  });
});
