import { dropTestSchema, requireTestPostgres, TEST_PG_URL, uniqueSchema } from '@ocopea/sql-store';
import { composeHub, type ComposedHub } from '../src/compose';
import type { HubConfig } from '../src/domain/config';
import type { AppTemplate } from '../src/domain/model';
import type { SiteGateway } from '../src/domain/site-gateway';

export const USER = '11111111-2222-4333-8444-555555555555';

/**
 * A Hub with fast polling over the test PostgreSQL server, in a schema of its own that `close()` drops (opening
 * the embedded store costs ~10 s under jest; restart.test.ts covers the embedded store).
 */
export async function testHub(gateway?: SiteGateway, hub: Partial<HubConfig> = {}): Promise<ComposedHub> {
  await requireTestPostgres();
  const schema = uniqueSchema('hub_test');
  const c = await composeHub({ gateway, databaseUrl: TEST_PG_URL, schema, hub: { pollMaxDelayMs: 20, siteTimeoutMs: 500, commandWaitMs: 5000, ...hub } });
  await c.start();
  const close = c.close;
  c.close = async () => { await close(); await dropTestSchema(schema); };
  return c;
}

/** The notes-app shaped template: one service depending on one `fs` data service. */
export function notesTemplate(name = 'notes-app'): Omit<AppTemplate, 'id' | 'deleted'> {
  return {
    name, version: '1.0', description: 'notes', entryPointServiceName: 'notes-svc', createdByUserId: USER,
    appServiceTemplates: [{
      appServiceName: 'notes-svc', psbType: 'process', imageName: 'notes-app', imageType: 'nodejs', imageVersion: '1.0.0',
      environmentVariables: { NOTES_DIR: '${notes-db.path}' }, exposedPorts: [8080], httpPort: 8080, entryPointURL: 'index.html',
      dependencies: [{ name: 'notes-db', type: 'database', protocols: [{ protocolName: 'FS', version: '1', settings: { mode: 'rw' } }] }],
    }],
  };
}

export async function until<T>(fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
