import type { SitePaths } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { Site } from '../domain/site';
import { dsbDto } from './mappers';

/** Brokers, artifact registries and the DSB catalog. */
export function brokerRoutes(r: TypedRouter<SitePaths>, site: Site): void {
  r.post('/site/commands/register-dsb', async ({ body }) => ({ status: 200, body: dsbDto(await site.brokers.registerDsb(body.dsbUrn, body.dsbUrl, body.token)) }));
  r.post('/site/commands/register-psb', async ({ body }) => { await site.brokers.registerPsb(body.psbUrn, body.psbUrl, body.token); return { status: 204, body: undefined }; });
  r.post('/site/commands/register-crb', async ({ body }) => { await site.brokers.registerCrb(body.crbUrn, body.crbUrl, body.token); return { status: 204, body: undefined }; });
  r.post('/site/commands/grant-copy-access', async ({ body }) => ({ status: 200, body: await site.brokers.grantCopyAccess(body) }));
  r.post('/site/commands/remove-dsb', async ({ body }) => { await site.brokers.removeDsb(body.dsbUrn); return { status: 204, body: undefined }; });
  r.post('/site/commands/remove-crb', async ({ body }) => { await site.brokers.removeCrb(body.crbUrn); return { status: 204, body: undefined }; });
  r.post('/site/commands/add-cr', async ({ body }) => { await site.brokers.addCr(body.crbUrn, body.crName, body.crProperties ?? {}); return { status: 204, body: undefined }; });

  r.get('/site/psb', async () => ({ status: 200, body: (await site.brokers.listPsbs()).map((p) => ({ urn: p.urn, name: p.name, type: p.type, version: p.version })) }));
  r.get('/site/psb-detailed', async () => ({
    status: 200,
    body: (await site.brokers.listPsbsDetailed()).map((p) => ({ urn: p.urn, name: p.name, type: p.type, version: p.version, spaces: p.spaces })),
  }));
  r.get('/site/copy-repo', async () => ({ status: 200, body: await site.brokers.listCrbs() }));

  r.get('/dsb/catalog', async () => ({ status: 200, body: (await site.brokers.listDsbs()).map(dsbDto) }));
  r.get('/dsb/catalog/instance', async () => ({ status: 200, body: await site.brokers.listInstances() }));
  r.get('/dsb/catalog/instance/{dsbUrn}', async ({ params }) => ({ status: 200, body: await site.brokers.listInstances(params.dsbUrn) }));

  r.get('/site/artifact-registry', async () => ({ status: 200, body: await site.registries.listRegistries() }));
  r.get('/site/artifact-registry/{name}/{artifactId}', async ({ params }) => ({ status: 200, body: await site.registries.listArtifactVersions(params.name, params.artifactId) }));
  r.post('/site/commands/add-custom-artifact-registry', async ({ body }) => { await site.registries.addRegistry('customRest', body.name, body.url); return { status: 204, body: undefined }; });
  r.post('/site/commands/add-docker-artifact-registry', async ({ body }) => { await site.registries.addRegistry('dockerRegistry', body.name, body.url, body.username ?? null, body.password ?? null); return { status: 204, body: undefined }; });
  r.post('/site/commands/add-maven-artifact-registry', async ({ body }) => { await site.registries.addRegistry('mavenRepository', body.name, body.url, body.username ?? null, body.password ?? null); return { status: 204, body: undefined }; });
  r.post('/site/commands/remove-artifact-registry', async ({ body }) => { await site.registries.removeRegistry(body.artifactRegistryName); return { status: 204, body: undefined }; });
}
