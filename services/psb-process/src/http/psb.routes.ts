import type { PsbPaths } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { AppServiceView } from '../domain/supervisor';
import type { PsbProcessDeps } from '../app';

/** Thin handlers: typed input → one supervisor call → the spec's DTOs. */
export function registerPsbRoutes(r: TypedRouter<PsbPaths>, deps: PsbProcessDeps): void {
  const sup = deps.supervisor;
  r.get('/psb/info', () => ({
    status: 200,
    body: {
      name: 'process-psb', version: deps.version, type: 'process',
      description: 'Runs app services as supervised local processes (one folder of runnable artifacts per image).',
      appServiceIdMaxLength: sup.info().idMaxLength,
    },
  }));
  r.get('/psb/spaces', () => ({ status: 200, body: sup.info().spaces.map((name) => ({ name, properties: {} })) }));
  r.get('/psb/app-services', ({ query }) => ({
    status: 200,
    body: sup.list(query.space).map((a) => ({ space: a.space, appServiceId: a.appServiceId, status: a.status, entryPointURL: a.entryPointURL })),
  }));
  r.post('/psb/app-services', async ({ body }) => {
    const a = await sup.deploy({
      appServiceId: body.appServiceId, space: body.space, imageName: body.imageName, imageVersion: body.imageVersion,
      environmentVariables: body.environmentVariables, artifactRegistryType: body.artifactRegistryType,
      artifactRegistryParameters: body.artifactRegistryParameters, serviceBindings: body.serviceBindings,
    });
    return {
      status: 201,
      body: { status: 0, message: `app service '${a.appServiceId}' accepted in space '${a.space}': starting ${a.imageName}:${a.imageVersion} as pid ${a.pid} on port ${a.port}` },
    };
  });
  r.get('/psb/app-services/{space}/{appServiceId}', ({ params }) => ({ status: 200, body: toInstance(sup.get(params.space, params.appServiceId)) }));
  r.delete('/psb/app-services/{space}/{appServiceId}', async ({ params }) => ({
    status: 200, body: { status: 0, message: await sup.remove(params.space, params.appServiceId) },
  }));
  r.get('/psb/app-services/{space}/{appServiceId}/logs', ({ params, req }) => {
    sup.get(params.space, params.appServiceId); // 404 when unknown
    const host = req.headers.host ?? `127.0.0.1:${req.socket.localPort}`;
    const scheme = req.protocol === 'https' ? 'wss' : 'ws';
    const pathOnly = req.originalUrl.split('?')[0].replace(/\/+$/, '');
    return { status: 200, body: { address: `${scheme}://${host}${pathOnly}/data`, serialization: 'json' as const } };
  });
}

function toInstance(a: AppServiceView) {
  return {
    name: a.appServiceId,
    status: a.status,
    statusMessage: a.statusMessage,
    instances: a.instances,
    psbMetrics: {
      pid: String(a.pid), port: String(a.port), startedAt: String(a.startedAt),
      image: `${a.imageName}:${a.imageVersion}`, command: a.command.join(' '),
    },
    entryPointURL: a.entryPointURL,
  };
}
