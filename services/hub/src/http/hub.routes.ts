// Thin handlers: typed input -> one domain call -> typed result.
import type { HubPaths } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { Hub } from '../domain/hub';
import { instanceOut, instanceStateOut, operationOut, planIn, planOut, savedImageOut, siteOut, templateIn, templateOut } from './mappers';

const BASE = '/hub-api';
const opHeader = (id: string | undefined): Record<string, string> => (id ? { 'x-operation-id': id } : {});

export function hubRoutes(r: TypedRouter<HubPaths>, hub: Hub): void {
  const { sites, templates, instances, deployments, copies, operations } = hub;
  // ----- templates
  r.get('/app/catalog', async () => ({ status: 200, body: (await templates.listTemplates()).map(templateOut) }));
  r.get('/app/catalog/{appTemplateId}', async ({ params, headers }) => {
    const inc = String(headers['nazgul-include-deleted'] ?? '').toLowerCase() === 'true';
    return { status: 200, body: templateOut(await templates.getTemplate(params.appTemplateId, inc)) };
  });
  r.delete('/app/catalog/{appTemplateId}', async ({ params }) => {
    await templates.deleteTemplate(params.appTemplateId);
    return { status: 204, body: undefined };
  });
  r.post('/commands/createApplicationTemplate', async ({ body }) => {
    const t = await templates.createTemplate(templateIn(body));
    return { status: 201, body: templateOut(t), headers: { location: `${BASE}/app/catalog/${t.id}` } };
  });

  // ----- instances
  r.get('/app/instance', async () => ({ status: 200, body: (await instances.listInstances()).map(instanceOut) }));
  r.get('/app/instance/{appInstanceId}', async ({ params }) => ({ status: 200, body: instanceOut(await instances.getInstance(params.appInstanceId)) }));
  r.get('/app/instance/{appInstanceId}/downstream', async ({ params }) => ({ status: 200, body: await instances.downstream(params.appInstanceId) }));
  r.get('/app/instance-state', async () => ({ status: 200, body: (await instances.listInstances()).map(instanceStateOut) }));
  r.get('/app/instance-state/{appInstanceId}', async ({ params }) => ({ status: 200, body: instanceStateOut(await instances.getInstance(params.appInstanceId)) }));
  r.post('/commands/create-app-deployment-plan', async ({ body }) => ({ status: 200, body: planOut(await deployments.createPlan(body.appTemplateId, body.siteId)) }));
  r.post('/commands/deploy-application', async ({ body }) => {
    const s = await deployments.deployApplication({ ...body, deploymentPlan: planIn(body.deploymentPlan) });
    return { status: 200, body: s.value, headers: opHeader(s.operationId) };
  });
  r.post('/commands/repurpose-application', async ({ body }) => {
    const s = await deployments.repurpose(body);
    return { status: 201, body: s.value, headers: { location: `${BASE}/app/instance/${s.value}`, ...opHeader(s.operationId) } };
  });
  r.post('/commands/create-app-copy', async ({ body }) => {
    const s = await copies.createAppCopy(body.appInstanceId);
    return { status: 200, body: s.value, headers: opHeader(s.operationId) };
  });
  r.post('/commands/stop-app', async ({ body }) => {
    const opId = await deployments.stopApp(body.appInstanceId);
    return { status: 204, body: undefined, headers: opHeader(opId) };
  });

  // ----- sites
  r.get('/site', async () => ({ status: 200, body: (await sites.listSites()).map(siteOut) }));
  r.get('/site/{siteId}', async ({ params }) => ({ status: 200, body: siteOut(await sites.getSite(params.siteId)) }));
  r.post('/commands/add-site', async ({ body }) => {
    const id = await sites.addSite(body.urn, body.url, body.token);
    return { status: 201, body: id, headers: { location: `${BASE}/site/${id}` } };
  });

  // ----- saved images
  r.get('/test-dev/saved-images', async ({ query }) => ({ status: 200, body: (await copies.listSavedImages(query.appTemplateId, { size: query.pageSize, number: query.pageNumber })).map(savedImageOut) }));
  r.get('/test-dev/saved-images/{savedImageId}', async ({ params }) => ({ status: 200, body: savedImageOut(await copies.getSavedImage(params.savedImageId)) }));
  r.post('/commands/create-saved-image', async ({ body }) => {
    const s = await copies.createSavedImage(body);
    return { status: 200, body: s.value, headers: opHeader(s.operationId) };
  });
  r.post('/commands/deploy-saved-image', async ({ body }) => {
    const s = await deployments.deploySavedImage({ ...body, deploymentPlan: planIn(body.deploymentPlan) });
    return { status: 201, body: s.value, headers: { location: `${BASE}/app/instance/${s.value}`, ...opHeader(s.operationId) } };
  });

  // ----- operations (extension)
  r.get('/operations', async ({ query }) => {
    const phase = query.phase === undefined ? undefined : Array.isArray(query.phase) ? query.phase : [query.phase as string];
    const ops = await operations.listOperations({ kind: query.kind, phase, appInstanceId: query.appInstanceId, savedImageId: query.savedImageId, limit: query.limit });
    return { status: 200, body: ops.map(operationOut) };
  });
  r.get('/operations/{operationId}', async ({ params }) => ({ status: 200, body: operationOut(await operations.getOperation(params.operationId)) }));
}
