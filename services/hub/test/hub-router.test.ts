import request from 'supertest';
import { createHubApp } from '../src/app';
import type { ComposedHub } from '../src/compose';
import { FakeSiteGateway, type FakeSite } from './fake-site-gateway';
import { notesTemplate, testHub, until, USER } from './helpers';

const H = '/hub-api';
const MISSING = '00000000-0000-4000-8000-000000000000';

jest.setTimeout(60_000);

describe('hub router', () => {
  let c: ComposedHub;
  let app: ReturnType<typeof createHubApp>;
  let gw: FakeSiteGateway;
  let siteA: FakeSite;
  let siteId: string;
  let templateId: string;

  beforeAll(async () => {
    gw = new FakeSiteGateway();
    siteA = gw.addSite('site-a');
    c = await testHub(gw);
    app = createHubApp({ hub: c.hub });
    const add = await request(app.app).post(`${H}/commands/add-site`).send({ urn: 'site-a', url: siteA.url }).expect(201);
    siteId = add.body;
    expect(add.headers.location).toBe(`${H}/site/${siteId}`);
    const t = await request(app.app).post(`${H}/commands/createApplicationTemplate`).send({
      ...notesTemplate(), appServiceTemplates: [{ ...notesTemplate().appServiceTemplates[0], entryPointURL: undefined, entryPointUrl: 'ui/', dependencies: [{ name: 'notes-db', type: 'DATABASE', protocols: [{ protocolName: 'fs' }] }] }],
    }).expect(201);
    templateId = t.body.id;
    expect(t.body.appServiceTemplates[0]).toMatchObject({ entryPointURL: 'ui/', dependencies: [{ type: 'database' }] });
  });
  afterAll(async () => { await c.close(); });

  const plan = async () => (await request(app.app).post(`${H}/commands/create-app-deployment-plan`).send({ appTemplateId: templateId, siteId }).expect(200)).body;

  it('implements every operation of the spec', () => {
    expect(app.unhandledOperations()).toEqual([]);
  });

  it('lists and gets sites and templates; 404 for unknown ids, 400 for malformed ones', async () => {
    const sites = await request(app.app).get(`${H}/site`).expect(200);
    expect(sites.body[0]).toMatchObject({ id: siteId, urn: 'site-a', location: null, status: 'reachable' });
    await request(app.app).get(`${H}/site/${MISSING}`).expect(404);
    await request(app.app).get(`${H}/site/not-a-uuid`).expect(400);
    await request(app.app).get(`${H}/app/catalog/${MISSING}`).expect(404);
    await request(app.app).get(`${H}/app/instance/${MISSING}`).expect(404);
    await request(app.app).get(`${H}/app/instance-state/${MISSING}`).expect(404);
    await request(app.app).get(`${H}/app/instance/${MISSING}/downstream`).expect(404);
    await request(app.app).get(`${H}/test-dev/saved-images/${MISSING}`).expect(404);
    await request(app.app).get(`${H}/operations/${MISSING}`).expect(404);
    await request(app.app).delete(`${H}/app/catalog/${MISSING}`).expect(404);
    expect((await request(app.app).get(`${H}/app/catalog`).expect(200)).body.map((t: { id: string }) => t.id)).toContain(templateId);
  });

  it('validates templates: 400 for a bad entry point or duplicate service, 409 for a duplicate name+version', async () => {
    const base = notesTemplate('tpl-x');
    const r = await request(app.app).post(`${H}/commands/createApplicationTemplate`).send({ ...base, entryPointServiceName: 'web' }).expect(400);
    expect(r.body.message).toMatch(/entryPointServiceName 'web'/);
    await request(app.app).post(`${H}/commands/createApplicationTemplate`).send({ ...base, appServiceTemplates: [...base.appServiceTemplates, ...base.appServiceTemplates] }).expect(400);
    await request(app.app).post(`${H}/commands/createApplicationTemplate`).send({ ...base, id: MISSING }).expect(400);
    await request(app.app).post(`${H}/commands/createApplicationTemplate`).send({ ...base, appServiceTemplates: [] }).expect(400);
    await request(app.app).post(`${H}/commands/createApplicationTemplate`).send({ ...base, name: 'notes-app' }).expect(409);
  });

  it('plans: 400 unknown template or site; both plan spellings are emitted', async () => {
    await request(app.app).post(`${H}/commands/create-app-deployment-plan`).send({ appTemplateId: MISSING, siteId }).expect(400);
    await request(app.app).post(`${H}/commands/create-app-deployment-plan`).send({ appTemplateId: templateId, siteId: MISSING }).expect(400);
    const p = await plan();
    expect(p.dataServices['notes-db']).toMatchObject({ enabled: true, dsbUrn: 'dsb-fs', planId: 'standard', protocol: 'fs', dsbURN: 'dsb-fs', dsbPlan: 'standard', dsbProtocol: 'fs' });
    const noSite = await request(app.app).post(`${H}/commands/create-app-deployment-plan`).send({ appTemplateId: templateId }).expect(200);
    expect(noSite.body).toEqual(p);
  });

  it('deploy: 400 unknown site/template, plan not matching; 409 duplicate name before the site is contacted', async () => {
    const p = await plan();
    const body = { appInstanceName: 'r-1', appTemplateId: templateId, siteId, creatorUserId: USER, deploymentPlan: p };
    await request(app.app).post(`${H}/commands/deploy-application`).send({ ...body, siteId: MISSING }).expect(400);
    await request(app.app).post(`${H}/commands/deploy-application`).send({ ...body, appTemplateId: MISSING }).expect(400);
    await request(app.app).post(`${H}/commands/deploy-application`).send({ ...body, deploymentPlan: { appServices: {}, dataServices: {} } }).expect(400);
    const wrong = { ...p, dataServices: { 'notes-db': { enabled: true, dsbURN: 'dsb-fs', dsbPlan: 'standard', dsbProtocol: 'mongodb' } } };
    expect((await request(app.app).post(`${H}/commands/deploy-application`).send({ ...body, deploymentPlan: wrong }).expect(400)).body.message).toMatch(/mongodb/);
    await request(app.app).post(`${H}/commands/deploy-application`).send({ appInstanceName: 'r-1' }).expect(400);
    // UI spelling of the plan is accepted.
    const ui = { ...p, dataServices: { 'notes-db': { enabled: true, dsbURN: 'dsb-fs', dsbPlan: 'standard', dsbProtocol: 'fs' } } };
    const ok = await request(app.app).post(`${H}/commands/deploy-application`).send({ ...body, deploymentPlan: ui }).expect(200);
    expect(ok.headers['x-operation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const deploysBefore = gw.calls.length;
    await request(app.app).post(`${H}/commands/deploy-application`).send(body).expect(409);
    expect(gw.calls.length).toBe(deploysBefore);
    const id = ok.body as string;
    await until(async () => (await request(app.app).get(`${H}/app/instance-state/${id}`)).body.state === 'running');
    const st = await request(app.app).get(`${H}/app/instance-state/${id}`).expect(200);
    expect(st.body).toMatchObject({ id, name: 'r-1', state: 'running', siteReachable: true, webEntryPointURL: 'http://site-a.test:7000/r-1/ui/' });
    const op = await request(app.app).get(`${H}/operations/${ok.headers['x-operation-id']}`).expect(200);
    expect(op.body).toMatchObject({ kind: 'deploy', phase: 'succeeded', appInstanceId: id });
    expect((await request(app.app).get(`${H}/operations`).query({ kind: 'deploy', phase: 'succeeded' }).expect(200)).body.length).toBeGreaterThan(0);
  });

  it('saved images and copies: 404 unknown instance/image, 409 duplicate image name, 409 copy of a non-running instance', async () => {
    await request(app.app).post(`${H}/commands/create-saved-image`).send({ name: 'x', appInstanceId: MISSING, userId: USER }).expect(404);
    await request(app.app).post(`${H}/commands/create-app-copy`).send({ appInstanceId: MISSING }).expect(404);
    await request(app.app).post(`${H}/commands/stop-app`).send({ appInstanceId: MISSING, userId: USER }).expect(404);
    const p = await plan();
    await request(app.app).post(`${H}/commands/deploy-saved-image`).send({ appInstanceName: 'y', savedImageId: MISSING, userId: USER, siteId, deploymentPlan: p }).expect(404);
    const id = (await request(app.app).post(`${H}/commands/deploy-application`).send({ appInstanceName: 'img-src', appTemplateId: templateId, siteId, creatorUserId: USER, deploymentPlan: p }).expect(200)).body;
    await until(async () => (await request(app.app).get(`${H}/app/instance-state/${id}`)).body.state === 'running');
    const img = await request(app.app).post(`${H}/commands/create-saved-image`).send({ name: 'snap', appInstanceId: id, userId: USER }).expect(200);
    await request(app.app).post(`${H}/commands/create-saved-image`).send({ name: 'snap', appInstanceId: id, userId: USER }).expect(409);
    await until(async () => (await request(app.app).get(`${H}/test-dev/saved-images/${img.body}`)).body.state === 'created');
    const list = await request(app.app).get(`${H}/test-dev/saved-images`).query({ appTemplateId: templateId }).expect(200);
    expect(list.body.map((s: { id: string }) => s.id)).toContain(img.body);
    // Paging, and what a careless or hostile caller sends instead of a page.
    expect((await request(app.app).get(`${H}/test-dev/saved-images`).query({ pageSize: 1 }).expect(200)).body).toHaveLength(1);
    for (const q of [{ pageSize: 0 }, { pageSize: 'x' }, { pageSize: 5000 }, { pageSize: 1, pageNumber: -1 }, { pageNumber: 2 }]) {
      const r = await request(app.app).get(`${H}/test-dev/saved-images`).query(q).expect(400);
      expect(r.body).toMatchObject({ code: 400, message: expect.stringMatching(/page/i) });
    }
    await request(app.app).post(`${H}/commands/deploy-saved-image`).send({ appInstanceName: 'img-src', savedImageId: img.body, userId: USER, siteId, deploymentPlan: p }).expect(409);
    await request(app.app).post(`${H}/commands/deploy-saved-image`).send({ appInstanceName: 'img-2', savedImageId: img.body, userId: USER, siteId: MISSING, deploymentPlan: p }).expect(400);
    const d = await request(app.app).post(`${H}/commands/deploy-saved-image`).send({ appInstanceName: 'img-2', savedImageId: img.body, userId: USER, siteId, deploymentPlan: p }).expect(201);
    expect(d.headers.location).toBe(`${H}/app/instance/${d.body}`);
    await request(app.app).post(`${H}/commands/stop-app`).send({ appInstanceId: id, userId: USER }).expect(204);
    await until(async () => (await request(app.app).get(`${H}/app/instance-state/${id}`)).body.state === 'stopped');
    await request(app.app).post(`${H}/commands/create-app-copy`).send({ appInstanceId: id }).expect(409);
    await request(app.app).post(`${H}/commands/repurpose-application`).send({ appInstanceName: 'rp', originAppInstanceId: id, copyId: MISSING }).expect(404);
    expect((await request(app.app).get(`${H}/app/instance`).expect(200)).body.length).toBeGreaterThanOrEqual(2);
  });

  it('add-site: 409 for a known URN, 400 for a non-http URL, 503 when nothing answers', async () => {
    await request(app.app).post(`${H}/commands/add-site`).send({ urn: 'site-a', url: siteA.url }).expect(409);
    await request(app.app).post(`${H}/commands/add-site`).send({ urn: 'site-z', url: 'site-z' }).expect(400);
    await request(app.app).post(`${H}/commands/add-site`).send({ urn: 'site-z', url: 'http://nobody.test/site-api' }).expect(503);
  });
});
