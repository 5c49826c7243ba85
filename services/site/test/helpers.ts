import { composeSite, type SiteParts } from '../src/compose';
import type { DeployCommand } from '../src/domain/deployments';
import { FakeBrokers } from './fakes';

export const CONFIG = { name: 'test-site', version: '1.0.0', publicDNS: null, location: null };

/** A Site over an in-memory embedded store and fake brokers, with the usual brokers registered. */
export async function fakeSite(): Promise<{ parts: SiteParts; brokers: FakeBrokers }> {
  const brokers = new FakeBrokers();
  brokers.addDsb('http://dsb-pg', 'postgres');
  brokers.addDsb('http://dsb-fs', 'fs').plans = [{ id: 'volume', name: 'Volume', description: null, price: null, protocols: [], copyProtocols: [], dsbSettings: {} }];
  brokers.addPsb('http://psb');
  brokers.addCrb('http://crb');
  // dataServiceCheckMs 0: one check at start only (tests run passes themselves: fakes are reset between tests).
  const parts = await composeSite({ config: CONFIG, brokers, settings: { pollInitialMs: 1, pollMaxMs: 5, copyResumeGraceMs: 50 }, schedulerTickMs: 60_000, dataServiceCheckMs: 0 });
  await parts.site.brokers.registerDsb('pg-dsb', 'http://dsb-pg');
  await parts.site.brokers.registerDsb('fs-dsb', 'http://dsb-fs');
  await parts.site.brokers.registerPsb('process-psb', 'http://psb');
  await parts.site.brokers.registerCrb('fs-crb', 'http://crb');
  await parts.site.registries.addRegistry('customRest', 'local', 'http://registry');
  return { parts, brokers };
}

/** A two-service app: web (depends on db and files) and worker (depends on db). */
export function twoServiceApp(id: string, over: Partial<DeployCommand> = {}): DeployCommand {
  const svc = (name: string, deps: string[]) => ({
    appServiceName: name, psbType: 'PROCESS', space: 'default', artifactRegistryName: 'local', imageName: 'notes-app', imageVersion: '1.0.0',
    environmentVariables: { DB: '${db.uri}' }, httpPort: 8080, dependencies: deps,
  });
  return {
    appInstanceId: id, appInstanceName: 'notes', appTemplateName: 'notes-app', appTemplateVersion: '1.0', entryPointService: 'web',
    appServiceTemplates: { web: svc('web', ['db', 'files']), worker: svc('worker', ['db']) },
    dataServices: { db: { dsbUrn: 'pg-dsb', plan: 'standard', dsbSettings: { a: '1' } }, files: { dsbUrn: 'fs-dsb', plan: 'volume' }, unused: { dsbUrn: 'pg-dsb', plan: 'standard' } },
    ...over,
  };
}

export async function waitOp(parts: SiteParts, id: string) {
  return parts.engine.waitForFinal(id, 10_000);
}
