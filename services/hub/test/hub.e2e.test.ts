// End to end with real processes: two Sites, each with crb-fs, a DSB and psb-process, and the Hub. The notes-app is
// deployed on site-a, a note written, an image saved, the image deployed on site-b (CRB-to-CRB transfer, then
// restore) and the note read there; then site-b's Site process is killed and the Hub's listing must stay fast.
// The DSB is dsb-fs (notes in a directory volume); OCOPEA_E2E_ALL_DSBS=1 also runs it with dsb-postgres (notes in a
// PostgreSQL database on the test server), which doubles the time.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireTestPostgres } from '@ocopea/sql-store';
import { authHeaders, startService, TEST_ADMIN_TOKEN, type StartedService } from '@ocopea/testing';

jest.setTimeout(300_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
type Json = any;
const USER = '11111111-2222-4333-8444-555555555555';
const EXAMPLES = path.resolve(__dirname, '../../../examples');

async function call(base: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${base}${p}`, {
    method, headers: authHeaders(body === undefined ? {} : { 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* text */ }
  return { status: res.status, body: parsed, headers: res.headers };
}
async function ok(base: string, method: string, p: string, body?: unknown, status?: number): Promise<Json> {
  const r = await call(base, method, p, body);
  if ((status !== undefined && r.status !== status) || r.status >= 300) throw new Error(`${method} ${base}${p} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 120_000, logs?: () => string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms\n${logs?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface DsbCase { service: string; protocol: string; env: Record<string, string>; needsPostgres: boolean }
const DSBS: DsbCase[] = [
  { service: 'dsb-fs', protocol: 'fs', env: { NOTES_DIR: '${notes-db.path}' }, needsPostgres: false },
  ...(process.env.OCOPEA_E2E_ALL_DSBS === '1' ? [{ service: 'dsb-postgres', protocol: 'postgres', env: { NOTES_DATABASE_URL: '${notes-db.uri}' }, needsPostgres: true }] : []),
];

describe.each(DSBS)('hub end to end (two real sites, $service)', (dsbCase) => {
  const started: StartedService[] = [];
  const start = async (service: string, env: Record<string, string> = {}) => {
    const s = await startService({ service, env, dir: 'services', startTimeoutMs: 60_000 });
    started.push(s);
    return s;
  };
  let hub: StartedService;
  const sites: Record<string, StartedService> = {};
  const ids: string[] = [];

  beforeAll(async () => {
    if (dsbCase.needsPostgres) await requireTestPostgres();
    for (const name of ['a', 'b']) {
      const [crb, dsb, psb] = await Promise.all([
        start('crb-fs'), start(dsbCase.service), start('psb-process', { PSB_PROCESS_STOP_CHILDREN_ON_EXIT: '1', PSB_PROCESS_ARTIFACTS_DIR: EXAMPLES }),
      ]);
      const site = await start('site', { OCOPEA_SITE_NAME: `site-${name}`, OCOPEA_SITE_POLL_MAX_MS: '500' });
      sites[name] = site;
      await ok(site.url, 'POST', '/site/commands/register-crb', { crbUrn: `crb-${name}`, crbUrl: crb.url, token: crb.token });
      await ok(site.url, 'POST', '/site/commands/register-dsb', { dsbUrn: 'dsb', dsbUrl: dsb.url, token: dsb.token });
      await ok(site.url, 'POST', '/site/commands/register-psb', { psbUrn: 'psb', psbUrl: psb.url, token: psb.token });
      await ok(site.url, 'POST', '/site/commands/add-custom-artifact-registry', { name: 'local', url: pathToFileURL(EXAMPLES).href });
    }
    hub = await start('hub', { HUB_POLL_MAX_DELAY_MS: '500', HUB_REFRESH_INTERVAL_MS: '1000' });
  });

  afterAll(async () => {
    for (const id of ids) await call(hub.url, 'POST', '/commands/stop-app', { appInstanceId: id, userId: USER }).catch(() => undefined);
    for (const id of ids) {
      await until(`instance ${id} stopped`, async () => {
        const r = await call(hub.url, 'GET', `/app/instance-state/${id}`);
        return ['stopped', 'error', 'unknown'].includes(r.body?.state) ? true : undefined;
      }, 60_000).catch(() => undefined);
    }
    await Promise.all(started.reverse().map((s) => s.stop()));
    for (const s of started) { rmSync(s.dataDir, { recursive: true, force: true }); rmSync(`${s.dataDir}.log`, { force: true }); }
  });

  it('deploys notes-app on site-a, saves an image, deploys it on site-b and reads the same note there', async () => {
    const siteA = await ok(hub.url, 'POST', '/commands/add-site', { urn: 'site-a', url: sites.a.url, token: TEST_ADMIN_TOKEN }, 201);
    const siteB = await ok(hub.url, 'POST', '/commands/add-site', { urn: 'site-b', url: sites.b.url, token: TEST_ADMIN_TOKEN }, 201);
    const template = await ok(hub.url, 'POST', '/commands/createApplicationTemplate', {
      name: 'notes-app', version: '1.0', description: 'notes', entryPointServiceName: 'notes-svc', createdByUserId: USER,
      appServiceTemplates: [{
        appServiceName: 'notes-svc', psbType: 'process', imageName: 'notes-app', imageType: 'nodejs', imageVersion: 'latest',
        environmentVariables: dsbCase.env, exposedPorts: [8080], httpPort: 8080, entryPointURL: '',
        dependencies: [{ name: 'notes-db', type: 'database', protocols: [{ protocolName: dsbCase.protocol }] }],
      }],
    }, 201);

    const planA = await ok(hub.url, 'POST', '/commands/create-app-deployment-plan', { appTemplateId: template.id, siteId: siteA });
    expect(planA.dataServices['notes-db']).toMatchObject({ enabled: true, dsbUrn: 'dsb', protocol: dsbCase.protocol });
    const idA = await ok(hub.url, 'POST', '/commands/deploy-application', {
      appInstanceName: 'notes-a', appTemplateId: template.id, siteId: siteA, creatorUserId: USER, purpose: 'production', deploymentPlan: planA,
    });
    ids.push(idA);
    const runningA = await until('notes-a running', async () => {
      const r = await ok(hub.url, 'GET', `/app/instance-state/${idA}`);
      if (r.state === 'error') throw new Error(`notes-a failed: ${r.stateMessage}\n${sites.a.logs().slice(-3000)}`);
      return r.state === 'running' ? r : undefined;
    }, 120_000, () => sites.a.logs().slice(-3000));
    const urlA = String(runningA.webEntryPointURL).replace(/\/$/, '');
    const note = await ok(urlA, 'POST', '/notes', { text: 'written on site-a' }, 201);

    const imageId = await ok(hub.url, 'POST', '/commands/create-saved-image', { name: 'notes-snap', appInstanceId: idA, userId: USER, tags: ['e2e'] });
    await until('image created', async () => {
      const r = await ok(hub.url, 'GET', `/test-dev/saved-images/${imageId}`);
      if (r.state === 'failed') throw new Error(`image failed: ${r.stateMessage}`);
      return r.state === 'created' ? r : undefined;
    });

    const planB = await ok(hub.url, 'POST', '/commands/create-app-deployment-plan', { appTemplateId: template.id, siteId: siteB });
    const deployB = await call(hub.url, 'POST', '/commands/deploy-saved-image', {
      appInstanceName: 'notes-b', savedImageId: imageId, userId: USER, siteId: siteB, deploymentPlan: planB,
    });
    expect(deployB.status).toBe(201);
    const idB = deployB.body as string;
    ids.push(idB);
    const runningB = await until('notes-b running', async () => {
      const r = await ok(hub.url, 'GET', `/app/instance-state/${idB}`);
      if (r.state === 'error') throw new Error(`notes-b failed: ${r.stateMessage}\n${sites.b.logs().slice(-3000)}\n${hub.logs().slice(-3000)}`);
      return r.state === 'running' ? r : undefined;
    }, 120_000, () => sites.b.logs().slice(-3000));
    expect(runningB).toMatchObject({ siteId: siteB, baseSavedImageId: imageId, deploymentType: 'test-dev' });
    const ops = await ok(hub.url, 'GET', `/operations?appInstanceId=${idB}`);
    expect(ops.find((o: Json) => o.kind === 'transfer')).toMatchObject({ phase: 'succeeded' });

    const urlB = String(runningB.webEntryPointURL).replace(/\/$/, '');
    expect(urlB).not.toBe(urlA);
    const notes = await ok(urlB, 'GET', '/notes');
    expect(notes).toEqual(expect.arrayContaining([expect.objectContaining({ id: note.id, text: 'written on site-a' })]));

    await ok(hub.url, 'POST', '/commands/stop-app', { appInstanceId: idB, userId: USER }, 204);
    await until('notes-b stopped', async () => ((await ok(hub.url, 'GET', `/app/instance-state/${idB}`)).state === 'stopped' ? true : undefined));

    // Kill site-b's Site process: the Hub's views answer at once (< 300 ms, from what the Hub knows; the refresher
    // alone waits on Sites), soon show site-b unreachable with its instance's last known state and `asOf`, and still
    // show site-a's instance running.
    const before = (await ok(hub.url, 'GET', `/app/instance-state/${idB}`)).asOf;
    expect(before).toEqual(expect.any(Number));
    await sites.b.kill();
    const timed = async (path: string) => {
      const t0 = Date.now();
      const body = await ok(hub.url, 'GET', path);
      expect(Date.now() - t0).toBeLessThan(300);
      return body;
    };
    const states = await timed('/app/instance-state');
    expect(states.find((i: Json) => i.id === idA)).toMatchObject({ state: 'running', siteReachable: true });
    const lost = await until('site-b reported unreachable', async () => {
      const b = (await timed('/site')).find((x: Json) => x.urn === 'site-b');
      const inst = (await timed('/app/instance-state')).find((i: Json) => i.id === idB);
      return b.status === 'unreachable' && inst.siteReachable === false ? inst : undefined;
    }, 10_000);
    expect(lost).toMatchObject({ state: 'stopped', siteReachable: false });
    expect(lost.asOf).toBeGreaterThanOrEqual(before);
    expect(Date.now() - lost.asOf).toBeGreaterThan(0);
    expect(await timed(`/app/instance-state/${idA}`)).toMatchObject({ state: 'running', siteReachable: true });
  });
});
