// One application with two data services, PostgreSQL (dsb-postgres) and MariaDB (dsb-mariadb), copied as ONE app
// copy on site-a and restored on site-b: both databases come back intact. Hub + two Sites + every broker as real
// child processes over real HTTP; real PostgreSQL and MariaDB servers. Each app service is the notes app, one over
// each database, so reading the notes back through each proves its database survived.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireTestPostgres } from '@ocopea/sql-store';
import { requireTestMariadb } from '@ocopea/testing';
import { DEMO_USER_ID, runDemo, startTopology, type Topology } from '../src';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
type Json = any;

let topo: Topology;
let dataRoot: string;

async function call(base: string, token: string, method: string, p: string, body?: unknown): Promise<Json> {
  const res = await fetch(base + p, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${p} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const hub = (method: string, p: string, body?: unknown) => call(topo.hubUrl, topo.hubToken, method, p, body);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const running = (id: string) => until(`instance ${id} running`, async () => {
  const s = await hub('GET', `/app/instance-state/${id}`);
  if (s.state === 'error') throw new Error(`instance ${id} is error: ${JSON.stringify(s)}`);
  return s.state === 'running' ? s : undefined;
});

/** Public URL of each app service of an app instance, from the Site that runs it. */
async function serviceUrls(site: Topology['sites'][number], id: string): Promise<Record<string, string>> {
  const info = await call(site.siteUrl, site.siteToken, 'GET', `/site/app-instance/${id}`);
  return Object.fromEntries(info.appServices.map((s: Json) => [s.serviceName, String(s.publicUrl).replace(/\/$/, '')]));
}

beforeAll(async () => {
  await requireTestPostgres();
  await requireTestMariadb();
  dataRoot = mkdtempSync(path.join(os.tmpdir(), 'ocopea-two-dbs-'));
  topo = await startTopology({ dataRoot, ports: 'free', postgres: true, mariadb: true });
}, 300_000);

afterAll(async () => {
  await topo?.stop();
  if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
}, 60_000);

it('copies an app with a PostgreSQL and a MariaDB database as one app copy and restores both on another site', async () => {
  const [a, b] = topo.sites;
  const catalog = await call(a.siteUrl, a.siteToken, 'GET', '/dsb/catalog');
  const protocolOf = (urn: string) => catalog.find((d: Json) => d.urn === urn).plans[0].supportedProtocols[0].protocolName;
  const psbType = (await call(a.siteUrl, a.siteToken, 'GET', '/site/psb')).find((p: Json) => p.urn === 'psb-process').type;
  const service = (name: string, dep: string, protocol: string) => ({
    appServiceName: name, psbType, imageName: 'notes-app', imageType: 'nodejs', imageVersion: '1.0.0', psbSettings: {},
    environmentVariables: { NOTES_DATABASE_URL: `\${${dep}.uri}` }, exposedPorts: [8080], httpPort: 8080, entryPointUrl: '',
    dependencies: [{ type: 'DATABASE', name: dep, description: dep, protocols: [{ protocolName: protocol }] }],
  });
  const template = await hub('POST', '/commands/createApplicationTemplate', {
    name: `two-dbs-${Date.now().toString(36)}`, version: '1.0', description: 'notes over PostgreSQL and over MariaDB', createdByUserId: DEMO_USER_ID,
    entryPointServiceName: 'notes-pg',
    appServiceTemplates: [service('notes-pg', 'pg-db', protocolOf('dsb-postgres')), service('notes-maria', 'maria-db', protocolOf('dsb-mariadb'))],
  });
  const plan = async (siteId: string) => {
    const p = await hub('POST', '/commands/create-app-deployment-plan', { appTemplateId: template.id, siteId, appPolicies: [] });
    expect(p.dataServices['pg-db']).toMatchObject({ dsbUrn: 'dsb-postgres' });
    expect(p.dataServices['maria-db']).toMatchObject({ dsbUrn: 'dsb-mariadb' });
    return p;
  };

  const first = String(await hub('POST', '/commands/deploy-application', {
    appInstanceName: 'two-dbs-a', appTemplateId: template.id, siteId: a.hubSiteId, creatorUserId: DEMO_USER_ID, purpose: 'e2e', appPolicies: [], deploymentPlan: await plan(a.hubSiteId!),
  }));
  await running(first);
  const urlsA = await serviceUrls(a, first);
  const texts = { 'notes-pg': 'kept in PostgreSQL', 'notes-maria': 'kept in MariaDB — ünïcödé' };
  for (const [svc, text] of Object.entries(texts)) {
    const res = await fetch(`${urlsA[svc]}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    expect(res.status).toBe(201);
  }
  expect(await (await fetch(`${urlsA['notes-maria']}/healthz`)).json()).toMatchObject({ storage: 'mysql' });

  const image = String(await hub('POST', '/commands/create-saved-image', { name: 'two-dbs-image', appInstanceId: first, userId: DEMO_USER_ID, tags: ['e2e'], comment: 'both databases' }));
  await until('saved image created', async () => {
    const img = await hub('GET', `/test-dev/saved-images/${image}`);
    if (img.state === 'failed') throw new Error(`saved image failed: ${img.stateMessage}`);
    return img.state === 'created' ? img : undefined;
  });

  const second = String(await hub('POST', '/commands/deploy-saved-image', {
    appInstanceName: 'two-dbs-b', savedImageId: image, userId: DEMO_USER_ID, purpose: 'e2e', siteId: b.hubSiteId, deploymentPlan: await plan(b.hubSiteId!),
  }));
  await running(second);
  const urlsB = await serviceUrls(b, second);
  for (const [svc, text] of Object.entries(texts)) {
    expect(urlsB[svc]).not.toBe(urlsA[svc]);
    const notes = await (await fetch(`${urlsB[svc]}/notes`)).json() as { text: string }[];
    expect({ svc, notes: notes.map((n) => n.text) }).toEqual({ svc, notes: [text] });
  }
  const infoB = await call(b.siteUrl, b.siteToken, 'GET', `/site/app-instance/${second}`);
  expect(infoB.dataServices.map((d: Json) => d.dsbURN).sort()).toEqual(['dsb-mariadb', 'dsb-postgres']);

  for (const id of [first, second]) await hub('POST', '/commands/stop-app', { appInstanceId: id, userId: DEMO_USER_ID });
  for (const id of [first, second]) {
    await until(`instance ${id} stopped`, async () => ((await hub('GET', `/app/instance-state/${id}`)).state === 'stopped' ? true : undefined));
  }
}, 300_000);

it('runs the demo story with the notes in MariaDB (OCOPEA_DEMO_STORAGE=mariadb pnpm demo)', async () => {
  const [a, b] = topo.sites;
  const steps = await runDemo({
    hubUrl: topo.hubUrl, hubToken: topo.hubToken, siteToken: a.siteToken, storage: 'mariadb',
    from: { siteId: a.hubSiteId!, siteUrl: a.siteUrl, name: a.name },
    to: { siteId: b.hubSiteId!, siteUrl: b.siteUrl, name: b.name },
    timeoutMs: 90_000,
  });
  expect(steps.find((s) => s.step === 'create template')?.detail).toMatch(/dependency notes-db over mysql/);
  expect(steps.find((s) => s.step === 'read the note on site-b')?.detail).toMatch(/^found /);
}, 240_000);
