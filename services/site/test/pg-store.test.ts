import { randomUUID } from 'node:crypto';
import { dropTestSchema, requireTestPostgres, TEST_PG_URL, uniqueSchema } from '@ocopea/sql-store';
import { composeSite } from '../src/compose';
import { FakeBrokers } from './fakes';
import { CONFIG, twoServiceApp } from './helpers';

/** The same Site on PostgreSQL (DATABASE_URL, own schema): state survives a restart of the composition. */
describe('Site on PostgreSQL', () => {
  const schema = uniqueSchema('site_test');
  beforeAll(async () => { await requireTestPostgres(); });
  afterAll(async () => { await dropTestSchema(schema); });

  it('deploys, copies and reads everything back after a restart', async () => {
    const brokers = new FakeBrokers();
    brokers.addDsb('http://dsb-pg');
    brokers.addDsb('http://dsb-fs', 'fs').plans = [{ id: 'volume', name: 'Volume', description: null, price: null, protocols: [], copyProtocols: [], dsbSettings: {} }];
    brokers.addPsb('http://psb');
    brokers.addCrb('http://crb');
    const open = () => composeSite({ config: CONFIG, brokers, databaseUrl: TEST_PG_URL, schema, settings: { pollInitialMs: 1, pollMaxMs: 5 }, schedulerTickMs: 60_000 });
    let parts = await open();
    await parts.site.brokers.registerDsb('pg-dsb', 'http://dsb-pg');
    await parts.site.brokers.registerDsb('fs-dsb', 'http://dsb-fs');
    await parts.site.brokers.registerPsb('process-psb', 'http://psb');
    await parts.site.brokers.registerCrb('fs-crb', 'http://crb');
    await parts.site.registries.addRegistry('customRest', 'local', 'http://registry');
    const id = randomUUID();
    await parts.engine.waitForFinal(await parts.site.deployments.deploy(twoServiceApp(id)), 10_000);
    const { copyId, operationId } = await parts.site.copies.createCopy(id);
    await parts.engine.waitForFinal(operationId, 10_000);
    await parts.close();

    parts = await open();
    try {
      expect((await parts.site.apps.getApp(id)).state).toBe('running');
      expect((await parts.site.copies.getCopy(copyId)).state).toBe('created');
      expect((await parts.site.brokers.listDsbs()).map((d) => d.urn)).toEqual(['pg-dsb', 'fs-dsb']);
      expect((await parts.site.operations.listOperations({ appInstanceId: id })).map((o) => [o.kind, o.phase])).toEqual([['copy', 'succeeded'], ['deploy', 'succeeded']]);
    } finally {
      await parts.close();
    }
  });
});
