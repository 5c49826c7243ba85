import { BadRequestError, ConflictError, NotFoundError, UnavailableError } from '@ocopea/errors';
import type { ComposedHub } from '../src/compose';
import type { Hub } from '../src/domain/hub';
import { FakeSiteGateway, type FakeSite } from './fake-site-gateway';
import { notesTemplate, testHub, until, USER } from './helpers';

jest.setTimeout(60_000);

describe('hub flows (fake sites)', () => {
  let gw: FakeSiteGateway;
  let c: ComposedHub;
  let hub: Hub;
  let siteA: FakeSite, siteB: FakeSite;
  let aId: string, bId: string, templateId: string;

  // One Hub for the whole file (the embedded store costs seconds to open); tests use distinct names.
  beforeAll(async () => {
    gw = new FakeSiteGateway();
    siteA = gw.addSite('site-a');
    siteB = gw.addSite('site-b');
    siteA.info.publicDNS = 'a.example';
    c = await testHub(gw, { siteUnreachableMs: 300 });
    hub = c.hub;
    aId = await hub.sites.addSite('site-a', siteA.url);
    bId = await hub.sites.addSite('site-b', siteB.url + '/');
    templateId = (await hub.templates.createTemplate(notesTemplate())).id;
  });
  afterAll(async () => { await c.close(); });
  beforeEach(() => {
    for (const s of [siteA, siteB]) { s.down = false; s.deployStatus = undefined; s.deployPolls = 1; }
  });

  const deploy = async (name: string, siteId = aId) => {
    const plan = await hub.deployments.createPlan(templateId, siteId);
    return (await hub.deployments.deployApplication({ appInstanceName: name, appTemplateId: templateId, siteId, creatorUserId: USER, purpose: 'production', deploymentPlan: plan })).value;
  };
  const running = (id: string) => until(async () => { const i = await hub.instances.getInstance(id); return i.state === 'running' ? i : undefined; });
  const imageCreated = (id: string) => until(async () => { const i = await hub.copies.getSavedImage(id); return i.state !== 'creating' ? i : undefined; });

  it('adds sites (without a location), refuses a known URN, stores publicDns with the URL as fallback', async () => {
    const b = await hub.sites.getSite(bId);
    expect(b).toMatchObject({ urn: 'site-b', url: siteB.url, location: null, publicDns: siteB.url, status: 'reachable' });
    await expect(hub.sites.addSite('site-a', siteA.url)).rejects.toBeInstanceOf(ConflictError);
    await expect(hub.sites.addSite('site-a-again', `${siteA.url}/`)).rejects.toMatchObject({ status: 409, message: `the site at ${siteA.url} is already connected as 'site-a'` });
    await expect(hub.sites.addSite('site-x', 'ftp://nope')).rejects.toBeInstanceOf(BadRequestError);
    await expect(hub.sites.addSite('site-x', 'http://nowhere.test/site-api')).rejects.toBeInstanceOf(UnavailableError);
    // A URL that answers but is not a Site (e.g. a CRB): 502 as the contract says, not the peer's 404 or 400.
    for (const status of [404, 400, 500]) {
      const notSite = gw.addSite(`not-a-site-${status}`);
      notSite.infoStatus = status;
      await expect(hub.sites.addSite(`site-x${status}`, notSite.url)).rejects.toMatchObject({ status: 502 });
    }
    expect((await hub.sites.listSites()).map((x) => x.urn)).not.toContain('site-x404');
  });

  it('deploys: sends the translated manifest and follows the instance to running with its web entry URL', async () => {
    const id = await deploy('notes-1');
    const inst = await running(id);
    expect(inst.webEntryPointURL).toBe('http://a.example:7000/notes-1/index.html');
    const m = siteA.apps.get(id)!.manifest;
    expect(m).toMatchObject({ appInstanceId: id, appInstanceName: 'notes-1', appTemplateName: 'notes-app', entryPointService: 'notes-svc' });
    expect(m.appServiceTemplates['notes-svc']).toMatchObject({ psbType: 'process', space: 'default', artifactRegistryName: 'local', imageVersion: '1.0.0', dependencies: ['notes-db'] });
    // Plan settings kept, template-enforced protocol settings laid over them.
    expect(m.dataServices['notes-db']).toEqual({ dataServiceName: 'notes-db', dsbUrn: 'dsb-fs', plan: 'standard', dsbSettings: { quota: '10', mode: 'rw' }, restoreInfo: null });
    await expect(deploy('notes-1')).rejects.toBeInstanceOf(ConflictError);
    expect(gw.calls.filter((x) => x === 'deploy site-a notes-1')).toHaveLength(1);
    // The instance reads `running` a moment before its operation records its final phase: wait for that, not a race.
    const ops = await until(async () => { const o = await hub.operations.listOperations({ appInstanceId: id }); return o[0]?.phase === 'succeeded' ? o : undefined; });
    expect(ops[0]).toMatchObject({ kind: 'deploy', phase: 'succeeded', siteId: aId });
  });

  it('a Site 400 answers 400 and frees the name; a dead Site answers 503 and leaves the instance in error', async () => {
    siteA.deployStatus = 400;
    await expect(deploy('bad')).rejects.toBeInstanceOf(BadRequestError);
    expect((await hub.instances.listInstances()).map((i) => i.name)).not.toContain('bad');
    siteA.deployStatus = undefined;
    const plan = await hub.deployments.createPlan(templateId, aId);
    siteA.down = true;
    await expect(hub.deployments.deployApplication({ appInstanceName: 'down', appTemplateId: templateId, siteId: aId, creatorUserId: USER, deploymentPlan: plan }))
      .rejects.toBeInstanceOf(UnavailableError);
    // The engine records the operation `failed` (which ends the command's wait) just before its failure hook marks
    // the instance: wait for the hook, not a race (CI once read `deploying` here).
    const down = await until(async () => { const i = (await hub.instances.listInstances()).find((x) => x.name === 'down'); return i?.state === 'error' ? i : undefined; });
    expect(down.state).toBe('error');
  });

  it('saves an image (creating -> created) and redeploys it on the same Site from the copy', async () => {
    const id = await deploy('notes-2');
    await running(id);
    const imgId = (await hub.copies.createSavedImage({ name: 'img', appInstanceId: id, userId: USER, tags: ['a', 'a', 'b'] })).value;
    expect((await hub.copies.getSavedImage(imgId)).tags).toEqual(['a', 'b']);
    expect((await imageCreated(imgId)).state).toBe('created');
    await expect(hub.copies.createSavedImage({ name: 'img', appInstanceId: id, userId: USER })).rejects.toBeInstanceOf(ConflictError);
    const plan = await hub.deployments.createPlan(templateId, aId);
    const newId = (await hub.deployments.deploySavedImage({ appInstanceName: 'from-img', savedImageId: imgId, userId: USER, siteId: aId, deploymentPlan: plan })).value;
    const inst = await running(newId);
    expect(inst).toMatchObject({ baseSavedImageId: imgId, deploymentType: 'test-dev' });
    const copy = [...siteA.copies.values()].find((x) => x.appInstanceId === id)!;
    expect(siteA.apps.get(newId)!.manifest.dataServices['notes-db'].restoreInfo).toEqual({
      copyRepoUrn: 'crb-site-a', copyId: copy.dataServiceCopies[0].copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', restoreFacility: 'shpanCopy',
    });
    expect(gw.calls.some((x) => x.startsWith('transfer') && x.endsWith(copy.dataServiceCopies[0].copyId))).toBe(false);
    // Saved images page newest first, in the order of the whole list.
    const img2 = (await hub.copies.createSavedImage({ name: 'img-later', appInstanceId: id, userId: USER })).value;
    const all = (await hub.copies.listSavedImages()).map((x) => x.id);
    expect(all.slice(0, 2)).toEqual([img2, imgId]);
    expect((await hub.copies.listSavedImages(undefined, { size: 1 })).map((x) => x.id)).toEqual([img2]);
    expect((await hub.copies.listSavedImages(undefined, { size: 1, number: 1 })).map((x) => x.id)).toEqual([imgId]);
    expect(await hub.copies.listSavedImages(undefined, { size: 5, number: 100 })).toEqual([]);
    await expect(hub.copies.listSavedImages(undefined, { number: 1 })).rejects.toMatchObject({ status: 400 });
  });

  it('deploys a saved image on another Site: orders a CRB-to-CRB transfer, then restores from the target CRB', async () => {
    const id = await deploy('notes-3');
    await running(id);
    const imgId = (await hub.copies.createSavedImage({ name: 'img3', appInstanceId: id, userId: USER })).value;
    await imageCreated(imgId);
    const dsCopyId = [...siteA.copies.values()].find((x) => x.appInstanceId === id)!.dataServiceCopies[0].copyId;
    const plan = await hub.deployments.createPlan(templateId, bId);
    const started = await hub.deployments.deploySavedImage({ appInstanceName: 'on-b', savedImageId: imgId, userId: USER, siteId: bId, deploymentPlan: plan });
    const inst = await running(started.value);
    expect(inst.siteId).toBe(bId);
    const i = gw.calls.indexOf(`transfer ${siteA.crbUrl} -> ${siteB.crbUrl} ${dsCopyId}`);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(gw.calls.indexOf('deploy site-b on-b')).toBeGreaterThan(i);
    expect(siteB.apps.get(started.value)!.manifest.dataServices['notes-db'].restoreInfo).toMatchObject({ copyRepoUrn: 'crb-site-b', copyId: dsCopyId });
    const ops = await hub.operations.listOperations({ appInstanceId: started.value });
    const transfer = ops.find((o) => o.kind === 'transfer')!;
    expect(transfer).toMatchObject({ phase: 'succeeded', parentId: started.operationId, savedImageId: imgId });
    // Every step of a succeeded operation says when it ran.
    for (const step of transfer.steps) expect(step).toMatchObject({ phase: 'succeeded', started: expect.any(Number), finished: expect.any(Number) });
  });

  it('a failed transfer puts the instance in error; a target without CRB is a 400', async () => {
    const id = await deploy('notes-4');
    await running(id);
    const imgId = (await hub.copies.createSavedImage({ name: 'img4', appInstanceId: id, userId: USER })).value;
    await imageCreated(imgId);
    const siteC = gw.addSite('site-c');
    const cId = await hub.sites.addSite('site-c', siteC.url);
    const plan = await hub.deployments.createPlan(templateId, cId);
    gw.crbs.delete(siteC.crbUrl); // the target CRB is gone
    const s = await hub.deployments.deploySavedImage({ appInstanceName: 'on-c-fail', savedImageId: imgId, userId: USER, siteId: cId, deploymentPlan: plan });
    const inst = await until(async () => { const x = await hub.instances.getInstance(s.value); return x.state === 'error' ? x : undefined; });
    expect(inst.stateMessage).toMatch(/transfer/);
    siteC.copyRepos = [];
    await expect(hub.deployments.deploySavedImage({ appInstanceName: 'no-crb', savedImageId: imgId, userId: USER, siteId: cId, deploymentPlan: plan })).rejects.toThrow(/no CRB/);
  });

  it('repurposes from a copy on the origin Site and keeps the lineage', async () => {
    const root = await deploy('root');
    await running(root);
    const copyId = (await hub.copies.createAppCopy(root)).value;
    await until(async () => (await hub.operations.listOperations({ kind: 'copy', appInstanceId: root }))[0]?.phase === 'succeeded');
    const child = (await hub.deployments.repurpose({ appInstanceName: 'child', originAppInstanceId: root, copyId, userId: USER, purpose: 'qa' })).value;
    await running(child);
    const childCopy = (await hub.copies.createAppCopy(child)).value;
    await until(async () => (await hub.operations.listOperations({ kind: 'copy', appInstanceId: child }))[0]?.phase === 'succeeded');
    const grandchild = (await hub.deployments.repurpose({ appInstanceName: 'grandchild', originAppInstanceId: child, copyId: childCopy })).value;
    expect(await hub.instances.downstream(root)).toEqual({
      siteId: aId, appInstanceId: root, deploymentType: 'production', downStreamInstances: [{
        siteId: aId, appInstanceId: child, deploymentType: 'qa', downStreamInstances: [{ siteId: aId, appInstanceId: grandchild, deploymentType: 'other', downStreamInstances: [] }],
      }],
    });
    expect(siteA.apps.get(child)!.manifest.dataServices['notes-db'].restoreInfo?.copyRepoUrn).toBe('crb-site-a');
    await expect(hub.deployments.repurpose({ appInstanceName: 'x', originAppInstanceId: root, copyId: childCopy })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('marks an instance unknown when its Site stays unreachable, then stops it', async () => {
    siteA.deployPolls = 1_000_000; // stays deploying
    const id = await deploy('lost');
    siteA.down = true;
    const inst = await until(async () => { const x = await hub.instances.getInstance(id); return x.state === 'unknown' ? x : undefined; });
    expect(inst.stateMessage).toMatch(/unreachable/);
    expect((await hub.sites.getSite(aId)).status).toBe('unreachable');
    expect((await hub.instances.listInstances()).find((x) => x.id === id)).toMatchObject({ state: 'unknown', siteReachable: false });
    siteA.down = false;
    await hub.deployments.stopApp(id);
    expect((await hub.instances.getInstance(id)).state).toMatch(/stopping|stopped/);
    await until(async () => (await hub.instances.getInstance(id)).state === 'stopped');
    expect(await hub.deployments.stopApp(id)).toBeUndefined();
  });

  it('stops an instance its Site does not know (a deploy that never reached it, or forgotten there)', async () => {
    const id = await deploy('forgotten');
    await running(id);
    siteA.apps.delete(id); // the Site answers 404 for it from now on
    await hub.deployments.stopApp(id);
    await until(async () => (await hub.instances.getInstance(id)).state === 'stopped');
    expect(await hub.deployments.stopApp(id)).toBeUndefined();
  });

  it('withdraws the instance when its deploy operation cannot be recorded: no ghost left deploying, the name free', async () => {
    const submit = c.engine.submit.bind(c.engine);
    c.engine.submit = async () => { throw new Error('database went away'); };
    try {
      await expect(deploy('ghost')).rejects.toThrow('database went away');
    } finally {
      c.engine.submit = submit;
    }
    expect((await hub.instances.listInstances()).map((i) => i.name)).not.toContain('ghost');
    await running(await deploy('ghost'));
  });

  it('refuses (400) blank names and names with spaces at either end, for templates, instances and saved images', async () => {
    for (const name of ['   ', ' notes', 'notes ']) {
      await expect(hub.templates.createTemplate(notesTemplate(name))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^name /) });
      await expect(deploy(name)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^appInstanceName /) });
    }
    const id = await deploy('named-ok');
    await running(id);
    await expect(hub.copies.createSavedImage({ name: ' ', appInstanceId: id, userId: USER })).rejects.toMatchObject({ status: 400, message: 'name must not be blank' });
  });

  it('soft-deletes templates: hidden from the catalog, deployable and readable with include-deleted', async () => {
    const t = (await hub.templates.createTemplate(notesTemplate('to-delete'))).id;
    await hub.templates.deleteTemplate(t);
    expect((await hub.templates.listTemplates()).map((x) => x.id)).not.toContain(t);
    await expect(hub.templates.getTemplate(t)).rejects.toBeInstanceOf(NotFoundError);
    expect((await hub.templates.getTemplate(t, true)).deleted).toBe(true);
    const plan = await hub.deployments.createPlan(t, aId);
    const id = (await hub.deployments.deployApplication({ appInstanceName: 'after-delete', appTemplateId: t, siteId: aId, creatorUserId: USER, deploymentPlan: plan })).value;
    await running(id);
    await expect(hub.templates.createTemplate(notesTemplate('to-delete'))).rejects.toBeInstanceOf(ConflictError);
  });
});
