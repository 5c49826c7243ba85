import { randomUUID } from 'node:crypto';
import { siteClient, type SiteClient, type site } from '@ocopea/api';
import { requireTestPostgres } from '@ocopea/sql-store';
import { authHeaders, startService, TEST_ADMIN_TOKEN, type StartedService } from '@ocopea/testing';
import WebSocket from 'ws';

jest.setTimeout(180_000);

type App = site.components['schemas']['AppInstanceInfoDTO'];

/**
 * End to end with the REAL brokers as child processes over real HTTP: crb-fs, dsb-postgres (on the test
 * PostgreSQL), psb-process running examples/notes-app. Deploy, write notes through the app, copy, restore as a new
 * app instance, read the same notes from the restored app, stop both.
 */
describe('Site end to end with real brokers (crb-fs, dsb-postgres, psb-process, notes-app)', () => {
  const services: StartedService[] = [];
  let client: SiteClient;

  beforeAll(async () => {
    await requireTestPostgres();
    const [crb, dsb, psb, siteSvc] = await Promise.all([
      startService({ service: 'crb-fs' }),
      startService({ service: 'dsb-postgres' }),
      startService({ service: 'psb-process', env: { PSB_PROCESS_STOP_CHILDREN_ON_EXIT: '1' } }),
      startService({ service: 'site' }),
    ]);
    services.push(crb, dsb, psb, siteSvc);
    client = siteClient(siteSvc.url, { headers: siteSvc.headers });
    const reg = await client.post('/site/commands/register-dsb', { body: { dsbUrn: 'postgres-dsb', dsbUrl: dsb.url, token: dsb.token } });
    expect(reg.data.type).toBeTruthy();
    await client.post('/site/commands/register-psb', { body: { psbUrn: 'process-psb', psbUrl: psb.url, token: psb.token } });
    await client.post('/site/commands/register-crb', { body: { crbUrn: 'fs-crb', crbUrl: crb.url, token: crb.token } });
    await client.post('/site/commands/add-custom-artifact-registry', { body: { name: 'local', url: 'http://127.0.0.1/artifacts' } });
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
  });

  const getApp = async (id: string) => (await client.get('/site/app-instance/{appInstanceId}', { path: { appInstanceId: id } })).data;
  async function waitState(id: string, pending: string[]): Promise<App> {
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      const a = await getApp(id);
      if (!pending.includes(a.state)) return a;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  function manifest(id: string, plan: string, restoreInfo: site.components['schemas']['DeployDataServiceRestoreInfoDTO'] = null) {
    return {
      appInstanceId: id, appInstanceName: `notes-${id.slice(0, 8)}`, appTemplateName: 'notes-app', appTemplateVersion: '1.0', entryPointService: 'notes-svc',
      appServiceTemplates: {
        'notes-svc': {
          appServiceName: 'notes-svc', psbType: 'process', space: 'default', artifactRegistryName: 'local', imageName: 'notes-app',
          imageType: 'nodejs', imageVersion: '1.0.0', environmentVariables: { NOTES_DATABASE_URL: '${notes-db.uri}' }, httpPort: 8080,
          exposedPorts: [8080], dependencies: ['notes-db'],
        },
      },
      dataServices: { 'notes-db': { dataServiceName: 'notes-db', dsbUrn: 'postgres-dsb', plan, dsbSettings: {}, restoreInfo } },
    };
  }

  it('deploys notes-app with a PostgreSQL data service, copies it, restores it as a new app with the same notes, stops both', async () => {
    const plan = (await client.get('/dsb/catalog')).data.find((d) => d.urn === 'postgres-dsb')!.plans[0].id;
    const id = randomUUID();
    await client.post('/site/commands/deploy-application', { body: manifest(id, plan) });
    const app = await waitState(id, ['deploying']);
    expect(app.stateMessage).toBeNull();
    expect(app.state).toBe('running');
    expect(app.entryPointURL).toMatch(/^http:\/\//);

    // The log socket: deployment state plus the app's own output relayed from the PSB's log socket.
    const logs = (await client.get('/site/app-instance/{appInstanceId}/logs', { path: { appInstanceId: id } })).data[0];
    expect(logs.tags).toEqual(['notes-svc', 'notes-db']);
    const frames: { message: string; messageType: string; tags: string[]; timestamp: number }[] = [];
    const ws = new WebSocket(logs.address, { headers: authHeaders() });
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });

    const texts = ['first note', 'second note'];
    for (const text of texts) {
      const r = await fetch(`${app.entryPointURL}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
      expect(r.status).toBe(201);
    }

    for (let i = 0; i < 100 && !frames.some((f) => /note .* added/.test(f.message)); i++) await new Promise((r) => setTimeout(r, 50));
    ws.close();
    expect(frames[0]).toMatchObject({ message: 'Application is in state running', messageType: 'out' });
    expect(frames).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/note .* added/), tags: ['notes-svc'] }));

    const copyId = (await client.post('/site/commands/create-app-copy', { body: { appInstanceId: id } })).data as string;
    let copy = (await client.get('/site/copy/{copyId}', { path: { copyId } })).data;
    for (let d = 20; copy.state === 'creating'; d = Math.min(d * 2, 250)) {
      await new Promise((r) => setTimeout(r, d));
      copy = (await client.get('/site/copy/{copyId}', { path: { copyId } })).data;
    }
    expect(copy.state).toBe('created');
    const ds = copy.dataServiceCopies[0];
    expect(ds).toMatchObject({ bindName: 'notes-db', copyRepositoryURN: 'fs-crb', status: 'created' });
    expect(ds.size).toBeGreaterThan(0);

    const restoredId = randomUUID();
    await client.post('/site/commands/deploy-application', {
      body: manifest(restoredId, plan, {
        copyRepoUrn: ds.copyRepositoryURN!, copyRepoProtocol: ds.copyRepositoryProtocol!, copyRepoProtocolVersion: ds.copyRepositoryProtocolVersion!,
        copyId: ds.copyId, restoreFacility: ds.facility!,
      }),
    });
    const restored = await waitState(restoredId, ['deploying']);
    expect(restored.stateMessage).toBeNull();
    expect(restored.state).toBe('running');
    expect(restored.entryPointURL).not.toBe(app.entryPointURL);
    const notes = (await (await fetch(`${restored.entryPointURL}/notes`)).json()) as { text: string }[];
    expect(notes.map((n) => n.text).sort()).toEqual(texts);

    for (const appId of [id, restoredId]) await client.post('/site/commands/stop-app', { body: { appInstanceId: appId } });
    for (const appId of [id, restoredId]) {
      const stopped = await waitState(appId, ['stopping']);
      expect(stopped.state).toBe('stopped');
      expect(stopped.dataServices[0].state).toBe('removed');
    }
    const left = (await client.get('/dsb/catalog/instance/{dsbUrn}', { path: { dsbUrn: 'postgres-dsb' } })).data.map((i) => i.name);
    expect(left.filter((n) => n.endsWith(id) || n.endsWith(restoredId))).toEqual([]);
  });

  it('plants secrets (tokens, a registry password, a database password, copy grants) and finds none in any Site answer or any log', async () => {
    const registryPassword = `planted-registry-pw-${randomUUID()}`;
    await client.post('/site/commands/add-docker-artifact-registry', { body: { name: 'private-registry', url: 'https://registry.example', username: 'bot', password: registryPassword } });
    const plan = (await client.get('/dsb/catalog')).data.find((d) => d.urn === 'postgres-dsb')!.plans[0].id;
    const id = randomUUID();
    await client.post('/site/commands/deploy-application', { body: manifest(id, plan) });
    expect((await waitState(id, ['deploying'])).state).toBe('running');
    // The database password the DSB made: its admin (the Site) may read it from the DSB, nobody from the Site.
    const dsbSvc = services[1];
    const instances = (await (await fetch(`${dsbSvc.url}/service_instances`, { headers: dsbSvc.headers })).json()) as { instanceId: string }[];
    const mine = instances.find((i) => i.instanceId.endsWith(id))!;
    const binding = ((await (await fetch(`${dsbSvc.url}/service_instances/${mine.instanceId}`, { headers: dsbSvc.headers })).json()) as { binding: Record<string, string> }).binding;
    const dbPassword = binding.password;
    expect(dbPassword.length).toBeGreaterThanOrEqual(16);
    // ... and a caller without the DSB's credential gets nothing (viewers get it redacted: libs/dsb-common tests).
    const viewerView = await fetch(`${dsbSvc.url}/service_instances/${mine.instanceId}`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(viewerView.status).toBe(401);
    const copyId = (await client.post('/site/commands/create-app-copy', { body: { appInstanceId: id } })).data as string;
    for (let d = 20; (await client.get('/site/copy/{copyId}', { path: { copyId } })).data.state === 'creating'; d = Math.min(d * 2, 250)) await new Promise((r) => setTimeout(r, d));
    await client.post('/site/commands/register-dsb', { body: { dsbUrn: 'wrong-token-dsb', dsbUrl: dsbSvc.url, token: `wrong-${TEST_ADMIN_TOKEN}` } }).catch(() => undefined);

    // Every read of the Site, as a viewer of it would see them.
    const ops = (await client.get('/site/operations')).data as { id: string }[];
    const answers: string[] = [];
    const read = async (p: string) => { const r = await fetch(`${services[3].url}${p}`, { headers: authHeaders() }); answers.push(`${p} ${r.status} ${await r.text()}`); };
    for (const p of ['/site/info', '/site/app-instance', `/site/app-instance/${id}`, `/site/app-instance/${id}/logs`, `/site/app-instance/${id}/copy-history`,
      `/site/app-instance/${id}/stats`, `/site/copy/${copyId}`, '/site/psb', '/site/psb-detailed', '/site/copy-repo', '/site/artifact-registry', '/dsb/catalog',
      '/dsb/catalog/instance', '/dsb/catalog/instance/postgres-dsb', '/site/operations', ...ops.map((o) => `/site/operations/${o.id}`)]) await read(p);
    await client.post('/site/commands/stop-app', { body: { appInstanceId: id } });
    await waitState(id, ['stopping']);

    const planted = { token: TEST_ADMIN_TOKEN, registryPassword, dbPassword };
    const haystacks = [...answers.map((a) => ['site answer', a] as const), ...services.map((s) => [`${s.name} log`, s.logs()] as const)];
    const hits: string[] = [];
    for (const [where, text] of haystacks) {
      for (const [what, secret] of Object.entries(planted)) if (text.includes(secret)) hits.push(`${what} in ${where}`);
      if (/\/cap\/eyJ/.test(text)) hits.push(`a copy grant in ${where}`);
      if (/authorization"?\s*:\s*"?Bearer/i.test(text)) hits.push(`an Authorization header in ${where}`);
    }
    expect(hits).toEqual([]);
    expect(answers.join('\n')).toContain('private-registry'); // the reads did return the registry, without its password
  });
});
