// The Site notices data that vanished underneath a running application, with real brokers over HTTP: notes-app on
// psb-process with a dsb-fs volume; the volume's instance is then deleted at the DSB behind the Site's back.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { authHeaders, startService, type StartedService } from '@ocopea/testing';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
type Json = any;

/** Every HTTP call of this test, with the admin credential the services it starts accept: JSON in, `{status, body}` out. */
async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { method, headers: authHeaders(body === undefined ? {} : { 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: Json = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Site reconcile with real brokers (dsb-fs, psb-process, notes-app)', () => {
  const services: StartedService[] = [];
  let site: StartedService;
  let dsb: StartedService;

  /** Kept as each starts, so afterAll stops what started even when another did not. */
  const start = async (service: string, env: Record<string, string> = {}) => {
    const s = await startService({ service, env, startTimeoutMs: 90_000 });
    services.push(s);
    return s;
  };

  beforeAll(async () => {
    let psb: StartedService;
    [dsb, psb, site] = await Promise.all([
      start('dsb-fs'), start('psb-process', { PSB_PROCESS_STOP_CHILDREN_ON_EXIT: '1' }), start('site', { OCOPEA_SITE_DATA_SERVICE_CHECK_MS: '200' }),
    ]);
    for (const [cmd, body] of [
      ['register-dsb', { dsbUrn: 'fs-dsb', dsbUrl: dsb.url, token: dsb.token }],
      ['register-psb', { psbUrn: 'process-psb', psbUrl: psb.url, token: psb.token }],
      ['add-custom-artifact-registry', { name: 'local', url: pathToFileURL(path.resolve(__dirname, '../../../examples')).href }],
    ] as const) expect((await call('POST', `${site.url}/site/commands/${cmd}`, body)).status).toBeLessThan(300);
  });
  afterAll(async () => { for (const s of services.reverse()) await s.stop().catch(() => undefined); }, 60_000);

  it('marks a running application error, with the reason, once its DSB no longer has its data service', async () => {
    const plan = (await call('GET', `${site.url}/dsb/catalog`)).body.find((d: Json) => d.urn === 'fs-dsb').plans[0].id;
    const id = randomUUID();
    const deploy = await call('POST', `${site.url}/site/commands/deploy-application`, {
      appInstanceId: id, appInstanceName: 'notes', appTemplateName: 'notes-app', appTemplateVersion: '1.0', entryPointService: 'notes-svc',
      appServiceTemplates: { 'notes-svc': {
        appServiceName: 'notes-svc', psbType: 'process', space: 'default', artifactRegistryName: 'local', imageName: 'notes-app', imageVersion: '1.0.0',
        environmentVariables: { NOTES_DIR: '${notes-files.path}' }, httpPort: 8080, dependencies: ['notes-files'],
      } },
      dataServices: { 'notes-files': { dataServiceName: 'notes-files', dsbUrn: 'fs-dsb', plan, dsbSettings: {} } },
    });
    expect(deploy.status).toBeLessThan(300);
    const running = await until('the app to run', async () => {
      const a = (await call('GET', `${site.url}/site/app-instance/${id}`)).body;
      return a.state === 'deploying' ? undefined : a;
    });
    expect({ state: running.state, message: running.stateMessage }).toEqual({ state: 'running', message: null });
    await new Promise((r) => setTimeout(r, 600)); // a few checks pass while the data is there: it stays running
    expect((await call('GET', `${site.url}/site/app-instance/${id}`)).body.state).toBe('running');

    const instances = (await call('GET', `${dsb.url}/service_instances`)).body.map((i: Json) => i.instanceId) as string[];
    const instanceId = instances.find((i) => i.includes(id.slice(0, 8)) || i.startsWith('notes-files'))!;
    expect((await call('DELETE', `${dsb.url}/service_instances/${instanceId}`)).status).toBe(200);
    const failed = await until('the app to be marked error', async () => {
      const a = (await call('GET', `${site.url}/site/app-instance/${id}`)).body;
      return a.state === 'running' ? undefined : a;
    }, 15_000);
    expect(failed).toMatchObject({ state: 'error', stateMessage: `data service 'notes-files' is gone: DSB 'fs-dsb' no longer has instance '${instanceId}'` });

    expect((await call('POST', `${site.url}/site/commands/stop-app`, { appInstanceId: id })).status).toBeLessThan(300);
    const stopped = await until('the app to stop', async () => {
      const a = (await call('GET', `${site.url}/site/app-instance/${id}`)).body;
      return ['stopping'].includes(a.state) || a.state === 'error' ? undefined : a;
    });
    expect(stopped.state).toBe('stopped');
  });
});
