import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createSiteApp } from '../src/app';
import type { SiteParts } from '../src/compose';
import { dataServiceId } from '../src/domain/ids';
import type { FakeBrokers } from './fakes';
import { fakeSite, twoServiceApp, waitOp } from './helpers';

// Opening the embedded database takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

describe('Site reconcile: data that vanished underneath a running application', () => {
  let parts: SiteParts;
  let brokers: FakeBrokers;
  beforeAll(async () => { ({ parts, brokers } = await fakeSite()); });
  beforeEach(() => { brokers.reset(); });
  afterAll(async () => { await parts.close(); });
  const dsbPg = () => brokers.dsbs.get('http://dsb-pg')!;
  const dsbFs = () => brokers.dsbs.get('http://dsb-fs')!;

  async function deployRunning(id = randomUUID()) {
    const op = await waitOp(parts, await parts.site.deployments.deploy(twoServiceApp(id)));
    expect(op.error).toBeNull();
    expect((await parts.site.apps.getApp(id)).state).toBe('running');
    return id;
  }

  it('leaves a running application alone while its DSBs report its data services, or cannot be reached', async () => {
    const id = await deployRunning();
    await parts.dataWatch.tick();
    expect((await parts.site.apps.getApp(id)).state).toBe('running');
    dsbPg().down = true; // unknown is not gone
    await parts.dataWatch.tick();
    expect((await parts.site.apps.getApp(id)).state).toBe('running');
  });

  it('marks the application error, with the reason, when its DSB answers 404 for a data service', async () => {
    const id = await deployRunning();
    dsbFs().instances.delete(dataServiceId('files', id));
    await parts.dataWatch.tick();
    const app = await parts.site.apps.getApp(id);
    expect(app.state).toBe('error');
    expect(app.stateMessage).toBe(`data service 'files' is gone: DSB 'fs-dsb' no longer has instance '${dataServiceId('files', id)}'`);
    // What a client sees.
    const res = await request(createSiteApp(parts).app).get(`/site-api/site/app-instance/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'error', stateMessage: app.stateMessage });
    // And it can still be stopped: the data service already gone is not an obstacle.
    await waitOp(parts, (await parts.site.deployments.stop(id))!);
    expect((await parts.site.apps.getApp(id)).state).toBe('stopped');
  });

  it('marks the application error when a data service is in ERROR at its DSB, quoting the DSB (cut to 512 characters)', async () => {
    const id = await deployRunning();
    const inst = dsbPg().instances.get(dataServiceId('db', id))!;
    inst.state = 'ERROR';
    inst.stateMessage = `disk failed ${'x'.repeat(2000)}`;
    const other = await deployRunning(); // its data is fine: it stays running
    await parts.dataWatch.tick();
    const app = await parts.site.apps.getApp(id);
    expect(app.state).toBe('error');
    expect(app.stateMessage).toMatch(new RegExp(`^data service 'db' is in ERROR at DSB 'pg-dsb' \\(instance '${dataServiceId('db', id)}'\\): disk failed x+… \\(2012 characters\\)$`));
    expect(app.stateMessage!.length).toBeLessThan(700);
    expect((await parts.site.apps.getApp(other)).state).toBe('running');
  });

  it('does not touch applications that are not running (stopping, stopped)', async () => {
    const id = await deployRunning();
    const stopOp = await parts.site.deployments.stop(id);
    await waitOp(parts, stopOp!);
    dsbFs().instances.clear();
    dsbPg().instances.clear();
    await parts.dataWatch.tick();
    expect((await parts.site.apps.getApp(id)).state).toBe('stopped');
  });

  it('passes once as soon as it starts (compose starts it with the Site, after the restart reconcile)', async () => {
    const id = await deployRunning();
    dsbPg().instances.delete(dataServiceId('db', id));
    parts.dataWatch.start();
    await parts.dataWatch.stop();
    expect((await parts.site.apps.getApp(id)).stateMessage).toMatch(/data service 'db' is gone/);
  });
});
