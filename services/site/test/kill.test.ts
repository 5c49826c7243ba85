import { randomUUID } from 'node:crypto';
import { siteClient, type SiteClient } from '@ocopea/api';
import { startService, type StartedService } from '@ocopea/testing';
import { startHttpFakes, type HttpFakes } from './http-fakes';
import { twoServiceApp } from './helpers';

jest.setTimeout(120_000);

/** Polls `fn` until it returns a value (test helper; not an assertion of speed). */
async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Site killed with SIGKILL mid-operation (real child process, brokers over HTTP)', () => {
  let fakes: HttpFakes;
  let site: StartedService | undefined;
  let client: SiteClient;
  const env = { OCOPEA_SITE_COPY_RESUME_GRACE_MS: '5000' };

  beforeAll(async () => { fakes = await startHttpFakes(); });
  afterAll(async () => { await site?.stop(); await fakes.close(); });

  async function start(dataDir?: string, extra: Record<string, string> = {}) {
    site = await startService({ service: 'site', dataDir, env: { ...env, ...extra } });
    client = siteClient(site.url, { headers: site.headers });
    return site;
  }
  const app = async (id: string) => (await client.get('/site/app-instance/{appInstanceId}', { path: { appInstanceId: id } })).data;

  it('after a restart mid-deploy (data services still CREATING) the deploy resumes, adopting the instances instead of creating them twice, or fails with a reason', async () => {
    const s = await start();
    await client.post('/site/commands/register-dsb', { body: { dsbUrn: 'pg-dsb', dsbUrl: fakes.dsbUrl } });
    await client.post('/site/commands/register-psb', { body: { psbUrn: 'process-psb', psbUrl: fakes.psbUrl } });
    await client.post('/site/commands/register-crb', { body: { crbUrn: 'fs-crb', crbUrl: fakes.crbUrl } });
    await client.post('/site/commands/add-custom-artifact-registry', { body: { name: 'local', url: 'http://registry' } });
    fakes.dsb.plans.push({ id: 'volume', name: 'v', description: null, price: null, protocols: [], copyProtocols: [], dsbSettings: {} });
    await client.post('/site/commands/register-dsb', { body: { dsbUrn: 'fs-dsb', dsbUrl: fakes.dsbUrl } });

    fakes.dsb.pollsUntilRunning = Infinity; // the DSB is slow to reach RUNNING
    const resumed = randomUUID();
    const doomed = randomUUID(); // its data services will never run
    fakes.dsb.stuck = (instanceId) => instanceId.endsWith(doomed);
    for (const id of [resumed, doomed]) await client.post('/site/commands/deploy-application', { body: twoServiceApp(id) as never });
    for (const id of [resumed, doomed]) await until(async () => ((await app(id)).dataServices.every((d) => d.state === 'creating') ? true : undefined), 'data services creating');
    await s.kill();

    fakes.dsb.pollsUntilRunning = 0; // ready now, except the doomed app's instances
    await start(s.dataDir, { OCOPEA_SITE_DATA_SERVICE_TIMEOUT_MS: '1500' });
    const done = await until(async () => { const a = await app(resumed); return a.state !== 'deploying' ? a : undefined; }, 'deploy to finish');
    expect(done.state).toBe('running');
    expect(done.stateMessage).toBeNull();
    expect(fakes.dsb.creates.filter((c) => c.instanceId.endsWith(resumed))).toHaveLength(2); // db + files, each once: probed and adopted
    const ops = (await client.get('/site/operations', { query: { appInstanceId: resumed, kind: 'deploy' } })).data;
    expect(ops[0]).toMatchObject({ phase: 'succeeded' });

    const failed = await until(async () => { const a = await app(doomed); return a.state !== 'deploying' ? a : undefined; }, 'doomed deploy to end');
    expect(failed.state).toBe('error'); // never stuck `deploying`
    expect(failed.stateMessage).toMatch(/gave up waiting for data service/);
    expect((await client.get('/site/operations', { query: { appInstanceId: doomed, kind: 'deploy' } })).data[0]).toMatchObject({ phase: 'failed', error: expect.stringMatching(/gave up/) });
  });

  it('resumes a copy interrupted while the DSB was streaming: the copy that landed at the CRB is recognised, the copy ends created', async () => {
    const s = site!;
    const running = (await client.get('/site/app-instance')).data.find((a) => a.state === 'running')!;
    let release!: () => void;
    fakes.holdCopies = new Promise<void>((r) => { release = r; });
    const before = fakes.copyRequests;
    const copyId = (await client.post('/site/commands/create-app-copy', { body: { appInstanceId: running.id } })).data as string;
    await until(async () => (fakes.copyRequests > before ? true : undefined), 'the DSB copy to start');
    await s.kill();
    release(); // the DSB finishes streaming into the CRB while the Site is down
    fakes.holdCopies = undefined;
    await start(s.dataDir);
    const copy = await until(async () => {
      const c = (await client.get('/site/copy/{copyId}', { path: { copyId } })).data;
      return c.state !== 'creating' ? c : undefined;
    }, 'copy to finish');
    expect(copy.state).toBe('created');
    expect(copy.dataServiceCopies.every((d) => d.status === 'created')).toBe(true);
    expect(fakes.copyRequests - before).toBeLessThanOrEqual(copy.dataServiceCopies.length); // none copied twice
  });
});
