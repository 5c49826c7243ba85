import type { SitePaths } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { SiteService } from '../domain/site-service';
import { appDto, copyDto } from './mappers';

/** Site info, applications (deploy, stop, logs), copies and operations. */
export function siteRoutes(r: TypedRouter<SitePaths>, svc: SiteService): void {
  r.get('/site/info', () => ({ status: 200, body: { name: svc.config.name, version: svc.config.version, publicDNS: svc.config.publicDNS, location: svc.config.location } }));

  r.get('/site/app-instance', async () => ({ status: 200, body: (await svc.listApps()).map(appDto) }));
  r.get('/site/app-instance/{appInstanceId}', async ({ params }) => ({ status: 200, body: appDto(await svc.getApp(params.appInstanceId)) }));
  r.get('/site/app-instance/{appInstanceId}/logs', async ({ params, req }) => {
    const tags = await svc.logTags(params.appInstanceId);
    const secure = req.secure || req.headers['x-forwarded-proto'] === 'https';
    const address = `${secure ? 'wss' : 'ws'}://${req.headers.host ?? 'localhost'}${req.originalUrl.split('?')[0]}`;
    return { status: 200, body: [{ address, serialization: 'json' as const, tags }] };
  });
  r.get('/site/app-instance/{appInstanceId}/copy-history', async ({ params, query }) => ({
    status: 200, body: (await svc.copyHistory(params.appInstanceId, query.intervalStart, query.intervalEnd, { size: query.pageSize, number: query.pageNumber })).map(copyDto),
  }));
  r.get('/site/app-instance/{appInstanceId}/stats', async ({ params }) => {
    const s = await svc.stats(params.appInstanceId);
    return { status: 200, body: { appInstanceId: s.appInstanceId, appCopies: s.appCopies.map(copyDto), productionCopyStatistics: s.productionCopyStatistics } };
  });

  r.post('/site/commands/deploy-application', async ({ body }) => {
    const opId = await svc.deploy(body);
    return { status: 204, body: undefined, headers: { 'X-Operation-Id': opId } };
  });
  r.post('/site/commands/stop-app', async ({ body }) => {
    const opId = await svc.stop(body.appInstanceId);
    return { status: 204, body: undefined, headers: opId ? { 'X-Operation-Id': opId } : undefined };
  });

  r.post('/site/commands/create-app-copy', async ({ body }) => {
    const { copyId, operationId } = await svc.createCopy(body.appInstanceId);
    return { status: 200, body: copyId, headers: { 'X-Operation-Id': operationId } };
  });
  r.post('/site/commands/delete-app-copy', async ({ body }) => {
    await svc.deleteCopy(body.appCopyId);
    return { status: 204, body: undefined };
  });
  r.get('/site/copy/{copyId}', async ({ params }) => ({ status: 200, body: copyDto(await svc.getCopy(params.copyId)) }));
  r.get('/site/copy-repository/{copyRepoURN}/{copyId}', async ({ params, res }) => {
    const location = await svc.copyDataLocation(params.copyRepoURN, params.copyId);
    res.redirect(307, location);
  });

  r.get('/site/operations', async ({ query }) => ({ status: 200, body: await svc.listOperations({ appInstanceId: query.appInstanceId, phase: query.phase, kind: query.kind }) as never }));
  r.get('/site/operations/{operationId}', async ({ params }) => ({ status: 200, body: await svc.getOperation(params.operationId) as never }));
}
