import type { SitePaths } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { SiteService } from '../domain/site-service';
import { dsbDto } from './mappers';

/** Brokers, artifact registries and the DSB catalog. */
export function brokerRoutes(r: TypedRouter<SitePaths>, svc: SiteService): void {
  r.post('/site/commands/register-dsb', async ({ body }) => ({ status: 200, body: dsbDto(await svc.registerDsb(body.dsbUrn, body.dsbUrl, body.token)) }));
  r.post('/site/commands/register-psb', async ({ body }) => { await svc.registerPsb(body.psbUrn, body.psbUrl, body.token); return { status: 204, body: undefined }; });
  r.post('/site/commands/register-crb', async ({ body }) => { await svc.registerCrb(body.crbUrn, body.crbUrl, body.token); return { status: 204, body: undefined }; });
  r.post('/site/commands/grant-copy-access', async ({ body }) => ({ status: 200, body: await svc.grantCopyAccess(body) }));
  r.post('/site/commands/remove-dsb', async ({ body }) => { await svc.removeDsb(body.dsbUrn); return { status: 204, body: undefined }; });
  r.post('/site/commands/remove-crb', async ({ body }) => { await svc.removeCrb(body.crbUrn); return { status: 204, body: undefined }; });
  r.post('/site/commands/add-cr', async ({ body }) => { await svc.addCr(body.crbUrn, body.crName, body.crProperties ?? {}); return { status: 204, body: undefined }; });

  r.get('/site/psb', async () => ({ status: 200, body: (await svc.listPsbs()).map((p) => ({ urn: p.urn, name: p.name, type: p.type, version: p.version })) }));
  r.get('/site/psb-detailed', async () => ({
    status: 200,
    body: (await svc.listPsbsDetailed()).map((p) => ({ urn: p.urn, name: p.name, type: p.type, version: p.version, spaces: p.spaces })),
  }));
  r.get('/site/copy-repo', async () => ({ status: 200, body: await svc.listCrbs() }));

  r.get('/dsb/catalog', async () => ({ status: 200, body: (await svc.listDsbs()).map(dsbDto) }));
  r.get('/dsb/catalog/instance', async () => ({ status: 200, body: await svc.listInstances() }));
  r.get('/dsb/catalog/instance/{dsbUrn}', async ({ params }) => ({ status: 200, body: await svc.listInstances(params.dsbUrn) }));

  r.get('/site/artifact-registry', async () => ({ status: 200, body: await svc.listRegistries() }));
  r.get('/site/artifact-registry/{name}/{artifactId}', async ({ params }) => ({ status: 200, body: await svc.listArtifactVersions(params.name, params.artifactId) }));
  r.post('/site/commands/add-custom-artifact-registry', async ({ body }) => { await svc.addRegistry('customRest', body.name, body.url); return { status: 204, body: undefined }; });
  r.post('/site/commands/add-docker-artifact-registry', async ({ body }) => { await svc.addRegistry('dockerRegistry', body.name, body.url, body.username ?? null, body.password ?? null); return { status: 204, body: undefined }; });
  r.post('/site/commands/add-maven-artifact-registry', async ({ body }) => { await svc.addRegistry('mavenRepository', body.name, body.url, body.username ?? null, body.password ?? null); return { status: 204, body: undefined }; });
  r.post('/site/commands/remove-artifact-registry', async ({ body }) => { await svc.removeRegistry(body.artifactRegistryName); return { status: 204, body: undefined }; });
}
