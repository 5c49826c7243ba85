import type { SitePaths } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { Site } from '../domain/site';
import { appDto, copyDto, operationOut } from './mappers';

/** Site info, applications (deploy, stop, logs), copies and operations. */
export function siteRoutes(r: TypedRouter<SitePaths>, site: Site): void {
  r.get('/site/info', () => ({ status: 200, body: { name: site.config.name, version: site.config.version, publicDNS: site.config.publicDNS, location: site.config.location } }));

  r.get('/site/app-instance', async () => ({ status: 200, body: (await site.apps.listApps()).map(appDto) }));
  r.get('/site/app-instance/{appInstanceId}', async ({ params }) => ({ status: 200, body: appDto(await site.apps.getApp(params.appInstanceId)) }));
  r.get('/site/app-instance/{appInstanceId}/logs', async ({ params, req }) => {
    const tags = await site.apps.logTags(params.appInstanceId);
    const secure = req.secure || req.headers['x-forwarded-proto'] === 'https';
    const address = `${secure ? 'wss' : 'ws'}://${req.headers.host ?? 'localhost'}${req.originalUrl.split('?')[0]}`;
    return { status: 200, body: [{ address, serialization: 'json' as const, tags }] };
  });
  r.get('/site/app-instance/{appInstanceId}/copy-history', async ({ params, query }) => ({
    status: 200, body: (await site.copies.copyHistory(params.appInstanceId, query.intervalStart, query.intervalEnd, { size: query.pageSize, number: query.pageNumber })).map(copyDto),
  }));
  r.get('/site/app-instance/{appInstanceId}/stats', async ({ params }) => {
    const s = await site.copies.stats(params.appInstanceId);
    return { status: 200, body: { appInstanceId: s.appInstanceId, appCopies: s.appCopies.map(copyDto), productionCopyStatistics: s.productionCopyStatistics } };
  });

  r.post('/site/commands/deploy-application', async ({ body }) => {
    const opId = await site.deployments.deploy(body);
    return { status: 204, body: undefined, headers: { 'X-Operation-Id': opId } };
  });
  r.post('/site/commands/stop-app', async ({ body }) => {
    const opId = await site.deployments.stop(body.appInstanceId);
    return { status: 204, body: undefined, headers: opId ? { 'X-Operation-Id': opId } : undefined };
  });

  r.post('/site/commands/create-app-copy', async ({ body }) => {
    const { copyId, operationId } = await site.copies.createCopy(body.appInstanceId);
    return { status: 200, body: copyId, headers: { 'X-Operation-Id': operationId } };
  });
  r.post('/site/commands/delete-app-copy', async ({ body }) => {
    await site.copies.deleteCopy(body.appCopyId);
    return { status: 204, body: undefined };
  });
  r.get('/site/copy/{copyId}', async ({ params }) => ({ status: 200, body: copyDto(await site.copies.getCopy(params.copyId)) }));
  r.get('/site/copy-repository/{copyRepoURN}/{copyId}', async ({ params, res }) => {
    const location = await site.copies.copyDataLocation(params.copyRepoURN, params.copyId);
    res.redirect(307, location);
  });

  r.get('/site/operations', async ({ query }) => ({ status: 200, body: (await site.operations.listOperations({ appInstanceId: query.appInstanceId, phase: query.phase, kind: query.kind })).map(operationOut) }));
  r.get('/site/operations/{operationId}', async ({ params }) => ({ status: 200, body: operationOut(await site.operations.getOperation(params.operationId)) }));
}
