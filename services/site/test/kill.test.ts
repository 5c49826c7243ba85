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
    client = siteClient(site.url);
    return site;
  }
  const app = async (id: string) => (await client.get('/site/app-instance/{appInstanceId}', { path: { appInstanceId: id } })).data;

  it('resumes a deploy interrupted while a data service was still CREATING, adopting the instance (probe) instead of creating it twice', async () => {
    const s = await start();
    await client.post('/site/commands/register-dsb', { body: { dsbUrn: 'pg-dsb', dsbUrl: fakes.dsbUrl } });
    await client.post('/site/commands/register-psb', { body: { psbUrn: 'process-psb', psbUrl: fakes.psbUrl } });
    await client.post('/site/commands/register-crb', { body: { crbUrn: 'fs-crb', crbUrl: fakes.crbUrl } });
    await client.post('/site/commands/add-custom-artifact-registry', { body: { name: 'local', url: 'http://registry' } });
    fakes.dsb.plans.push({ id: 'volume', name: 'v', description: null, price: null, protocols: [], copyProtocols: [], dsbSettings: {} });
    await client.post('/site/commands/register-dsb', { body: { dsbUrn: 'fs-dsb', dsbUrl: fakes.dsbUrl } });

    fakes.dsb.pollsUntilRunning = Infinity; // the DSB is slow to reach RUNNING
    const id = randomUUID();
    await client.post('/site/commands/deploy-application', { body: twoServiceApp(id) as never });
    await until(async () => ((await app(id)).dataServices.every((d) => d.state === 'creating') ? true : undefined), 'data services creating');
    await s.kill();
    expect((await until(async () => fakes.dsb.creates.length >= 2 ? true : undefined, 'creates'))).toBe(true);

    fakes.dsb.pollsUntilRunning = 0; // ready now
    await start(s.dataDir);
    const done = await until(async () => { const a = await app(id); return a.state !== 'deploying' ? a : undefined; }, 'deploy to finish');
    expect(done.state).toBe('running');
    expect(done.stateMessage).toBeNull();
    const creates = fakes.dsb.creates.filter((c) => c.instanceId.endsWith(id));
    expect(creates).toHaveLength(2); // db + files, each once: the restarted Site probed and adopted them
    const ops = (await client.get('/site/operations', { query: { appInstanceId: id, kind: 'deploy' } })).data;
    expect(ops[0]).toMatchObject({ phase: 'succeeded' });
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

  it('ends a deploy whose data service never runs in error with a reason after the restart (never stuck deploying)', async () => {
    const s = site!;
    fakes.dsb.pollsUntilRunning = Infinity;
    const id = randomUUID();
    await client.post('/site/commands/deploy-application', { body: twoServiceApp(id) as never });
    await until(async () => ((await app(id)).dataServices.some((d) => d.state === 'creating') ? true : undefined), 'data services creating');
    await s.kill();
    await start(s.dataDir, { OCOPEA_SITE_DATA_SERVICE_TIMEOUT_MS: '1500' });
    const done = await until(async () => { const a = await app(id); return a.state !== 'deploying' ? a : undefined; }, 'deploy to end');
    expect(done.state).toBe('error');
    expect(done.stateMessage).toMatch(/gave up waiting for data service/);
    fakes.dsb.pollsUntilRunning = 0;
  });
});
