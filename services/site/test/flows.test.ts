import { randomUUID } from 'node:crypto';
import type { SiteParts } from '../src/compose';
import { dataServiceId, psbAppServiceIds } from '../src/domain/ids';
import { negotiateProtocol } from '../src/engine/copy';
import type { FakeBrokers } from './fakes';
import { fakeSite, twoServiceApp, waitOp } from './helpers';

describe('Site flows against in-memory brokers', () => {
  let parts: SiteParts;
  let brokers: FakeBrokers;
  // One embedded database for the suite (opening PGlite costs seconds); fresh fakes and app ids per test.
  beforeAll(async () => { ({ parts, brokers } = await fakeSite()); });
  beforeEach(() => { brokers.reset(); });
  afterAll(async () => { await parts.close(); });
  const dsbPg = () => brokers.dsbs.get('http://dsb-pg')!;
  const psb = () => brokers.psbs.get('http://psb')!;
  const crb = () => brokers.crbs.get('http://crb')!;

  async function deployRunning(id = randomUUID()) {
    const opId = await parts.site.deployments.deploy(twoServiceApp(id));
    const op = await waitOp(parts, opId);
    expect(op.error).toBeNull();
    return parts.site.apps.getApp(id);
  }

  it('deploys: data services created with merged settings and namespaces, bound, app services deployed with bindings keyed by DSB URN', async () => {
    dsbPg().pollsUntilRunning = 2;
    psb().pollsUntilRunning = 2;
    const id = randomUUID();
    const app = await deployRunning(id);
    expect(app.state).toBe('running');
    expect(app.entryPointURL).toBe(`http://127.0.0.1/${app.appServices.find((s) => s.name === 'web')!.spec.psbAppServiceId}`);
    expect(app.dataServices.map((d) => [d.bindName, d.state])).toEqual([['db', 'bound'], ['files', 'bound']]); // `unused` not deployed
    expect(app.appServices.every((s) => s.state === 'deployed')).toBe(true);
    const create = dsbPg().creates[0];
    expect(create.instanceId).toBe(dataServiceId('db', id));
    expect(create.instanceSettings).toEqual({ a: '1', tier: 'std', plan: 'standard' });
    expect(create.namespaces).toEqual(['default']);
    const web = psb().deploys.find((m) => m.appServiceId.startsWith('notes-web'))!;
    expect(Object.keys(web.serviceBindings).sort()).toEqual(['fs-dsb', 'pg-dsb']);
    expect(web.serviceBindings['pg-dsb'][0]).toMatchObject({ serviceName: 'db', serviceId: create.instanceId, plan: 'standard', bindInfo: { uri: `fake://${create.instanceId}` } });
    expect(web.environmentVariables).toEqual({ DB: '${db.uri}' });
    expect(web.artifactRegistryType).toBe('customRest');
    const ops = await parts.site.operations.listOperations({ appInstanceId: id });
    expect(ops[0]).toMatchObject({ kind: 'deploy', phase: 'succeeded', steps: ['create-data-services', 'bind-data-services', 'activate-policies', 'deploy-app-services', 'wait-app-services'], progress: { completed: 5, total: 5 } });
  });

  it('fails the deploy with the DSB reason when a data service ends in ERROR', async () => {
    dsbPg().failState = 'ERROR';
    const id = randomUUID();
    const op = await waitOp(parts, await parts.site.deployments.deploy(twoServiceApp(id)));
    expect(op.phase).toBe('failed');
    const app = await parts.site.apps.getApp(id);
    expect(app.state).toBe('error');
    expect(app.stateMessage).toMatch(/data service db: data service in ERROR state: boom/);
    expect(app.dataServices.find((d) => d.bindName === 'db')!.state).toBe('errorcreating');
    expect(psb().deploys).toHaveLength(0);
  });

  it('fails the deploy when the PSB refuses an app service', async () => {
    psb().deployFails = true;
    const id = randomUUID();
    await waitOp(parts, await parts.site.deployments.deploy(twoServiceApp(id)));
    const app = await parts.site.apps.getApp(id);
    expect(app.state).toBe('error');
    expect(app.appServices.every((s) => s.state === 'error')).toBe(true);
  });

  it('probes before creating: an instance that already exists is adopted, not created again', async () => {
    const id = randomUUID();
    await dsbPg().createInstance({ instanceId: dataServiceId('db', id), namespaces: [], instanceSettings: {}, restoreInfo: null });
    await deployRunning(id);
    expect(dsbPg().creates.filter((c) => c.instanceId === dataServiceId('db', id))).toHaveLength(1);
  });

  it('copies: protocols negotiated, metadata stored before the DSB copy, app services recorded, state created', async () => {
    const id = randomUUID();
    await deployRunning(id);
    const { copyId, operationId } = await parts.site.copies.createCopy(id);
    expect((await parts.site.copies.getCopy(copyId)).state).toBe('creating');
    const op = await waitOp(parts, operationId);
    expect(op.error).toBeNull();
    const copy = await parts.site.copies.getCopy(copyId);
    expect(copy.state).toBe('created');
    expect(copy.dataServiceCopies.map((d) => d.bindName)).toEqual(['db', 'files']);
    const dbCopy = copy.dataServiceCopies[0];
    expect(dbCopy).toMatchObject({ copyRepositoryURN: 'fs-crb', repoId: 'default', copyRepositoryProtocol: 'shpanRest', copyRepositoryProtocolVersion: '1.0', facility: 'shpanCopy', status: 'created' });
    const call = dsbPg().copies[0];
    expect(call).toMatchObject({ copyId: dbCopy.copyId, copyRepoCredentials: { url: 'http://crb', repoId: 'default' }, copyType: 'shpanCopy' });
    expect(crb().metadata.get(dbCopy.copyId)).toBeDefined();
    expect(copy.appServiceCopies.find((a) => a.appServiceName === 'web')).toMatchObject({ imageName: 'notes-app', imageVersion: '1.0.0', configuration: { 'env.DB': '${db.uri}', space: 'default', httpPort: '8080' } });
  });

  it('fails a copy with a clear reason when no copy protocol matches', async () => {
    crb().protocols = [{ protocol: 'nfs', version: '4.1' }];
    const id = randomUUID();
    await deployRunning(id);
    const { copyId, operationId } = await parts.site.copies.createCopy(id);
    await waitOp(parts, operationId);
    const c = await parts.site.copies.getCopy(copyId);
    expect(c.state).toBe('failed');
    expect(c.stateMessage).toMatch(/no copy protocol in common.*shpanRest 1\.0.*nfs 4\.1/);
  });

  it('fails a copy when the DSB answers status != 0', async () => {
    dsbPg().copyStatus = 3;
    const id = randomUUID();
    await deployRunning(id);
    const { copyId, operationId } = await parts.site.copies.createCopy(id);
    await waitOp(parts, operationId);
    const c = await parts.site.copies.getCopy(copyId);
    expect(c.state).toBe('failed');
    expect(c.stateMessage).toMatch(/status 3/);
  });

  it('restores: a deploy with restoreInfo creates the instance from the copy with fresh CRB credentials', async () => {
    const id = randomUUID();
    await deployRunning(id);
    dsbPg().instances.get(dataServiceId('db', id))!.data = 'notes!';
    const { copyId, operationId } = await parts.site.copies.createCopy(id);
    await waitOp(parts, operationId);
    const copy = await parts.site.copies.getCopy(copyId);
    const dbCopy = copy.dataServiceCopies.find((d) => d.bindName === 'db')!;
    const restored = randomUUID();
    const cmd = twoServiceApp(restored);
    cmd.dataServices!.db.restoreInfo = { copyRepoUrn: dbCopy.copyRepositoryURN!, copyRepoProtocol: dbCopy.copyRepositoryProtocol!, copyRepoProtocolVersion: dbCopy.copyRepositoryProtocolVersion!, copyId: dbCopy.copyId, restoreFacility: dbCopy.facility! };
    await waitOp(parts, await parts.site.deployments.deploy(cmd));
    expect((await parts.site.apps.getApp(restored)).state).toBe('running');
    const create = dsbPg().creates.find((c) => c.instanceId === dataServiceId('db', restored))!;
    expect(create.restoreInfo).toEqual({ copyId: dbCopy.copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url: 'http://crb', repoId: 'default' }, copyType: 'shpanCopy' });
    expect(dsbPg().instances.get(dataServiceId('db', restored))!.data).toBe('notes!');
  });

  it('stops: app services undeployed first, then data services deleted once; a second stop starts no work', async () => {
    const id = randomUUID();
    await deployRunning(id);
    const opId = await parts.site.deployments.stop(id);
    expect((await parts.site.apps.getApp(id)).state).toBe('stopping');
    expect(await parts.site.deployments.stop(id)).toBe(opId);
    await waitOp(parts, opId!);
    const app = await parts.site.apps.getApp(id);
    expect(app.state).toBe('stopped');
    expect(app.dataServices.every((d) => d.state === 'removed')).toBe(true);
    expect(psb().removes).toHaveLength(2);
    expect(dsbPg().deletes).toEqual([dataServiceId('db', id)]);
    expect(await parts.site.deployments.stop(id)).toBe(opId);
    expect((await parts.site.operations.listOperations({ appInstanceId: id, kind: 'stop' }))).toHaveLength(1);
  });

  it('refuses to re-point a broker URN in use at a broker of another type (409), lets it move to a new URL', async () => {
    const id = randomUUID();
    await deployRunning(id);
    brokers.addDsb('http://dsb-fs2', 'fs');
    brokers.addDsb('http://dsb-pg2', 'postgres');
    brokers.addPsb('http://psb-k8s', 'kubernetes');
    await expect(parts.site.brokers.registerDsb('pg-dsb', 'http://dsb-fs2')).rejects.toMatchObject({
      status: 409, message: expect.stringMatching(/DSB 'pg-dsb' \(type 'postgres' at http:\/\/dsb-pg\) is used by .*cannot become a broker of type 'fs'/),
    });
    await expect(parts.site.brokers.registerPsb('process-psb', 'http://psb-k8s')).rejects.toMatchObject({ status: 409 });
    expect((await parts.site.brokers.listDsbs()).find((d) => d.urn === 'pg-dsb')).toMatchObject({ url: 'http://dsb-pg', type: 'postgres' });
    await parts.site.brokers.registerDsb('pg-dsb', 'http://dsb-pg2'); // the same kind of broker at a new address
    expect((await parts.site.brokers.listDsbs()).find((d) => d.urn === 'pg-dsb')?.url).toBe('http://dsb-pg2');
    await parts.site.brokers.registerDsb('pg-dsb', 'http://dsb-pg');
    await waitOp(parts, (await parts.site.deployments.stop(id))!);
    await parts.site.brokers.registerPsb('spare-psb', 'http://psb-k8s'); // a URN no app uses takes any broker
  });

  it('stop ends errorstopping with the reason when the PSB cannot be reached, and a retry completes without deleting twice', async () => {
    const id = randomUUID();
    await deployRunning(id);
    psb().down = true;
    await waitOp(parts, (await parts.site.deployments.stop(id))!);
    const failed = await parts.site.apps.getApp(id);
    expect(failed.state).toBe('errorstopping');
    expect(failed.stateMessage).toMatch(/ECONNREFUSED/);
    psb().down = false;
    await waitOp(parts, (await parts.site.deployments.stop(id))!);
    expect((await parts.site.apps.getApp(id)).state).toBe('stopped');
    expect(dsbPg().deletes).toHaveLength(1);
  });

  it('a stop during a deploy that waits on a slow DSB ends the deploy and stops the app', async () => {
    dsbPg().pollsUntilRunning = Infinity;
    const id = randomUUID();
    const deployOp = await parts.site.deployments.deploy(twoServiceApp(id));
    await new Promise((r) => setTimeout(r, 30));
    const stopOp = await parts.site.deployments.stop(id);
    expect((await waitOp(parts, deployOp)).phase).toBe('failed');
    expect((await waitOp(parts, stopOp!)).phase).toBe('succeeded');
    expect((await parts.site.apps.getApp(id)).state).toBe('stopped');
  });

  it('refuses (400) protection policy settings that are not positive whole numbers, before anything is recorded', async () => {
    for (const [key, v] of [['intervalSeconds', '-1'], ['retainCount', 'abc'], ['retainSeconds', '1.5'], ['intervalSeconds', '99999999999']] as const) {
      const id = randomUUID();
      const cmd = twoServiceApp(id, { appPolicies: [{ policyType: 'protection', policyName: 'p', policySettings: { [key]: v } }] });
      await expect(parts.site.deployments.deploy(cmd)).rejects.toMatchObject({ status: 400, message: `protection policy 'p': ${key} must be a whole number 1..2147483647, got '${v}'` });
      await expect(parts.site.apps.getApp(id)).rejects.toMatchObject({ status: 404 });
    }
  });

  it('protection policy: a first copy once bound, scheduled copies, retention keeps the last N and deletes from the CRB', async () => {
    const id = randomUUID();
    const cmd = twoServiceApp(id, { appPolicies: [{ policyType: 'protection', policyName: 'p', policySettings: { intervalSeconds: '60', retainCount: '2' } }] });
    await waitOp(parts, await parts.site.deployments.deploy(cmd));
    const policy = (await parts.store.getPolicy(id, 'p'))!;
    expect(policy).toMatchObject({ intervalSeconds: 60, retainCount: 2, active: true });
    let now = policy.nextRun;
    for (let i = 0; i < 3; i++) {
      await parts.scheduler.tick(now);
      await parts.scheduler.tick(now); // same due time twice: no duplicate
      const ops = (await parts.site.operations.listOperations({ appInstanceId: id, kind: 'protect' }));
      expect(ops).toHaveLength(i + 1);
      await waitOp(parts, ops[0].id);
      expect((await parts.store.getPolicy(id, 'p'))!.nextRun).toBeGreaterThan(now);
      now = (await parts.store.getPolicy(id, 'p'))!.nextRun;
    }
    const kept = await parts.site.copies.copyHistory(id);
    expect(kept).toHaveLength(2);
    expect(crb().deleted.length).toBe(2); // the oldest copy's two data-service copies
  });

  it('copy history filters by the half-open interval and rejects end < start', async () => {
    const id = randomUUID();
    await deployRunning(id);
    const { copyId, operationId } = await parts.site.copies.createCopy(id);
    await waitOp(parts, operationId);
    const ts = (await parts.site.copies.getCopy(copyId)).timeStamp;
    expect(await parts.site.copies.copyHistory(id, ts, ts + 1)).toHaveLength(1);
    expect(await parts.site.copies.copyHistory(id, ts + 1, -1)).toHaveLength(0);
    expect(await parts.site.copies.copyHistory(id, -1, ts)).toHaveLength(0);
    await expect(parts.site.copies.copyHistory(id, 10, 5)).rejects.toMatchObject({ status: 400 });
  });

  it('copy history pages, oldest first, in the same order as the whole list', async () => {
    const id = randomUUID();
    await deployRunning(id);
    for (let i = 0; i < 3; i++) await waitOp(parts, (await parts.site.copies.createCopy(id)).operationId);
    const all = (await parts.site.copies.copyHistory(id)).map((c) => c.copyId);
    expect(all).toHaveLength(3);
    const page = async (number?: number) => (await parts.site.copies.copyHistory(id, undefined, undefined, { size: 2, number })).map((c) => c.copyId);
    expect(await page()).toEqual(all.slice(0, 2));
    expect(await page(1)).toEqual(all.slice(2));
    expect(await page(2)).toEqual([]);
    await expect(parts.site.copies.copyHistory(id, undefined, undefined, { number: 1 })).rejects.toMatchObject({ status: 400 });
  });

  it('deletes a copy at the CRB and forgets it; 409 while creating', async () => {
    const id = randomUUID();
    await deployRunning(id);
    const { copyId, operationId } = await parts.site.copies.createCopy(id);
    await expect(parts.site.copies.deleteCopy(copyId)).rejects.toMatchObject({ status: 409 });
    await waitOp(parts, operationId);
    crb().down = true;
    await expect(parts.site.copies.deleteCopy(copyId)).rejects.toMatchObject({ status: 503 });
    crb().down = false;
    await parts.site.copies.deleteCopy(copyId);
    await expect(parts.site.copies.getCopy(copyId)).rejects.toMatchObject({ status: 404 });
  });
});

describe('identifiers and negotiation', () => {
  it('serviceId: last 50 characters, valid DSB id', () => {
    const id = dataServiceId('db', '3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f');
    expect(id).toBe('db-3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f');
    const long = dataServiceId('a-very-long-bind-name-for-a-database', '3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f');
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
    expect(dataServiceId('--x', '-')).toMatch(/^x/);
  });

  it('psbAppServiceId fits each PSB limit (orcs ignored it) and stays unique', () => {
    const ids = psbAppServiceIds('my notes instance', [{ name: 'frontend-service', maxLength: 24 }, { name: 'frontend-service2', maxLength: 24 }, { name: 'api', maxLength: 50 }], 1717000000123);
    for (const [name, v] of ids) {
      expect(v.length).toBeLessThanOrEqual(name === 'api' ? 50 : 24);
      expect(v).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
      expect(v.endsWith('17000000123')).toBe(true);
    }
    expect(new Set(ids.values()).size).toBe(3);
    expect(psbAppServiceIds('notes', [{ name: 'web', maxLength: 50 }], 1717000000123).get('web')).toBe('notes-web17000000123');
  });

  it('negotiates case-insensitively, defaults to shpanRest 1.0, and reports no match', () => {
    expect(negotiateProtocol([], [{ protocol: 'SHPANREST', version: '1.0' }])).toEqual({ protocol: 'shpanRest', version: '1.0' });
    expect(negotiateProtocol([{ protocol: 'ShpanRest', version: null }], [])).toEqual({ protocol: 'ShpanRest', version: '1.0' });
    expect(negotiateProtocol([{ protocol: 'pgdump', version: '1' }], [{ protocol: 'shpanRest', version: '1.0' }])).toBeUndefined();
  });
});
