import type { DsbPaths } from '@ocopea/api';
import { createServiceApp, maySeeSecrets, type Logger, type ServiceApp } from '@ocopea/service-kit';
import { redactBinding } from './redact-binding';
import type { DsbBroker } from './broker';

/**
 * Every operation of specs/dsb.yaml, as thin handlers over a `DsbBroker`. Mounted under `/dsb`.
 */
export function createDsbApp<E>(name: string, broker: DsbBroker<E>, logger?: Logger): ServiceApp<DsbPaths> {
  return createServiceApp<DsbPaths>({
    name,
    logger,
    spec: 'dsb',
    health: async () => ({ instances: broker.list().length }),
    routes: (r) => {
      r.get('/', async () => ({ status: 200, body: await broker.info() }));
      r.get('/icon', ({ res }) => {
        const icon = broker.backend.icon?.();
        if (!icon) return { status: 204, body: undefined as never };
        res.status(200).type(icon.contentType).setHeader('cache-control', 'public, max-age=86400');
        res.end(icon.body);
      });
      r.get('/service_instances', () => ({ status: 200, body: broker.list() }));
      r.post('/service_instances', async ({ body }) => ({ status: 200, body: await broker.create(body) }));
      r.get('/service_instances/{instanceId}', async ({ params, req }) => {
        const view = await broker.get(params.instanceId);
        // Binding credentials are the Site's (admin) to see; a viewer gets the fields with the secrets redacted.
        return { status: 200, body: maySeeSecrets(req) || !view.binding ? view : { ...view, binding: redactBinding(view.binding) } };
      });
      r.delete('/service_instances/{instanceId}', async ({ params }) => ({ status: 200, body: await broker.delete(params.instanceId) }));
      r.post('/service_instances/{instanceId}/reset', async ({ params }) => ({ status: 202, body: await broker.reset(params.instanceId) }));
      r.post('/service_instances/{instanceId}/copy', async ({ params, body }) => ({ status: 200, body: await broker.copy(params.instanceId, body) }));
    },
  });
}
