/**
 * `pnpm bench:site`: the Site with embedded brokers as child processes (dsb-fs, crb-fs, psb-process running
 * examples/notes-app with a volume binding).
 *  - deploy: deploy-application → `running` for a 2-service app (two notes-app services, one volume each);
 *  - copy:   create-app-copy → `created` for a small app (one notes-app service, one volume with a few notes).
 * Prints medians over several runs, and the Site's own overhead = elapsed − time the Site spent waiting on brokers
 * (broker calls in flight or poll waits, measured inside the Site and read from its /healthz).
 *
 * Options: --runs N (default 7), --dsb fs|postgres (default fs; postgres uses dsb-postgres on 127.0.0.1:5432).
 */
import { randomUUID } from 'node:crypto';
import { siteClient } from '@ocopea/api';
import { startService, type StartedService } from '@ocopea/testing';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const RUNS = Number(arg('runs', '7'));
const DSB = arg('dsb', 'fs');

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x: number) => `${x.toFixed(0).padStart(5)} ms`;

async function main(): Promise<void> {
  const services: StartedService[] = [];
  const stopAll = async () => { for (const s of services.reverse()) await s.stop().catch(() => undefined); };
  process.on('SIGINT', () => { void stopAll().then(() => process.exit(130)); });
  try {
    const dsbService = DSB === 'postgres' ? 'dsb-postgres' : 'dsb-fs';
    const [crb, dsb, psb, site] = await Promise.all([
      startService({ service: 'crb-fs' }),
      startService({ service: dsbService }),
      startService({ service: 'psb-process', env: { PSB_PROCESS_STOP_CHILDREN_ON_EXIT: '1', PSB_PROCESS_MONITOR_INTERVAL_MS: '50' } }),
      startService({ service: 'site', env: { LOG_LEVEL: 'warn' } }),
    ]);
    services.push(crb, dsb, psb, site);
    // Authenticated as in production: the Site with its admin token, each broker registered with its own.
    const c = siteClient(site.url, { headers: site.headers });
    const info = (await c.post('/site/commands/register-dsb', { body: { dsbUrn: 'bench-dsb', dsbUrl: dsb.url, token: dsb.token } })).data;
    await c.post('/site/commands/register-psb', { body: { psbUrn: 'process-psb', psbUrl: psb.url, token: psb.token } });
    await c.post('/site/commands/register-crb', { body: { crbUrn: 'fs-crb', crbUrl: crb.url, token: crb.token } });
    await c.post('/site/commands/add-custom-artifact-registry', { body: { name: 'local', url: 'http://127.0.0.1/artifacts' } });
    const plan = info.plans[0].id;
    const envFor = (bind: string) => (DSB === 'postgres' ? { NOTES_DATABASE_URL: `\${${bind}.uri}` } : { NOTES_DIR: `\${${bind}.path}` });
    const svc = (name: string, bind: string) => ({
      appServiceName: name, psbType: 'process', space: 'default', artifactRegistryName: 'local', imageName: 'notes-app', imageVersion: '1.0.0',
      environmentVariables: envFor(bind), httpPort: 8080, dependencies: [bind],
    });
    const manifest = (id: string, n: 1 | 2) => ({
      appInstanceId: id, appInstanceName: `bench-${id.slice(0, 6)}`, appTemplateName: 'notes-app', entryPointService: 'notes-a',
      appServiceTemplates: n === 2 ? { 'notes-a': svc('notes-a', 'files-a'), 'notes-b': svc('notes-b', 'files-b') } : { 'notes-a': svc('notes-a', 'files-a') },
      dataServices: n === 2
        ? { 'files-a': { dsbUrn: 'bench-dsb', plan }, 'files-b': { dsbUrn: 'bench-dsb', plan } }
        : { 'files-a': { dsbUrn: 'bench-dsb', plan } },
    });
    const brokerWait = async () => ((await (await fetch(`${site.origin}/healthz`, { headers: site.headers })).json()) as { brokerWait: { busyMs: number } }).brokerWait.busyMs;
    const appState = async (id: string) => (await c.get('/site/app-instance/{appInstanceId}', { path: { appInstanceId: id } })).data;
    const spin = async <T>(probe: () => Promise<T | undefined>): Promise<T> => {
      for (;;) { const v = await probe(); if (v !== undefined) return v; await new Promise((r) => setTimeout(r, 2)); }
    };
    const stopApp = async (id: string) => {
      await c.post('/site/commands/stop-app', { body: { appInstanceId: id } });
      await spin(async () => ((await appState(id)).state === 'stopping' ? undefined : true));
    };

    // ---------------------------------------------------------------------------------------------- deploy
    const deploy: { total: number; overhead: number; bound: number; psb: number }[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const id = randomUUID();
      const w0 = await brokerWait();
      const t0 = performance.now();
      await c.post('/site/commands/deploy-application', { body: manifest(id, 2) });
      let bound = 0;
      let psbAccepted = 0;
      const a = await spin(async () => {
        const x = await appState(id);
        const now = performance.now() - t0;
        if (!bound && x.dataServices.every((d) => d.state === 'bound')) bound = now;
        if (!psbAccepted && x.appServices.every((s) => s.state === 'deploying' || s.state === 'deployed')) psbAccepted = now;
        return x.state === 'deploying' ? undefined : x;
      });
      const total = performance.now() - t0;
      const waited = (await brokerWait()) - w0;
      if (a.state !== 'running') throw new Error(`deploy ended ${a.state}: ${a.stateMessage}`);
      if (i > 0) deploy.push({ total, overhead: total - waited, bound, psb: psbAccepted }); // run 0 warms up (tsx compiles notes-app)
      await stopApp(id);
    }

    // ------------------------------------------------------------------------------------------------ copy
    const id = randomUUID();
    await c.post('/site/commands/deploy-application', { body: manifest(id, 1) });
    const app = await spin(async () => { const x = await appState(id); return x.state === 'deploying' ? undefined : x; });
    if (app.state !== 'running') throw new Error(`deploy ended ${app.state}: ${app.stateMessage}`);
    for (let n = 0; n < 20; n++) {
      await fetch(`${app.entryPointURL}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `note ${n}` }) });
    }
    const copy: { total: number; overhead: number }[] = [];
    let size = 0;
    for (let i = 0; i <= RUNS; i++) {
      const w0 = await brokerWait();
      const t0 = performance.now();
      const r = await c.post('/site/commands/create-app-copy', { body: { appInstanceId: id } });
      const opId = r.headers['x-operation-id'];
      const op = await spin(async () => {
        const o = (await c.get('/site/operations/{operationId}', { path: { operationId: opId } })).data;
        return o.phase === 'succeeded' || o.phase === 'failed' ? o : undefined;
      });
      const total = performance.now() - t0;
      const waited = (await brokerWait()) - w0;
      if (op.phase !== 'succeeded') throw new Error(`copy failed: ${op.error}`);
      if (i > 0) copy.push({ total, overhead: total - waited });
      size = (await c.get('/site/copy/{copyId}', { path: { copyId: r.data as string } })).data.size;
    }
    await stopApp(id);

    console.log(`\nSite benchmark — brokers: ${dsbService}, crb-fs, psb-process (notes-app); ${RUNS} measured runs each (+1 warm-up)`);
    console.log(`deploy-application → running   (2 app services, 2 data services): median ${fmt(median(deploy.map((d) => d.total)))}` +
      `   min ${fmt(Math.min(...deploy.map((d) => d.total)))}   max ${fmt(Math.max(...deploy.map((d) => d.total)))}   Site overhead median ${fmt(median(deploy.map((d) => d.overhead)))}`);
    console.log(`   of which: data services bound after median ${fmt(median(deploy.map((d) => d.bound)))}; app services accepted by the PSB after ${fmt(median(deploy.map((d) => d.psb)))};` +
      ` the rest is the PSB starting the two notes-app processes until they answer`);
    console.log(`create-app-copy → created      (1 data service, ${size} bytes):        median ${fmt(median(copy.map((d) => d.total)))}` +
      `   min ${fmt(Math.min(...copy.map((d) => d.total)))}   max ${fmt(Math.max(...copy.map((d) => d.total)))}   Site overhead median ${fmt(median(copy.map((d) => d.overhead)))}`);
    console.log('Targets: deploy < 1000 ms, copy < 1000 ms. Overhead = elapsed − time the Site waited on broker calls and broker polls.');
  } finally {
    await stopAll();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
