// The kit against every broker we ship, each a real child process: what CI proves about them (authenticated, as
// they run in production). psb-k8s drives the fake Kubernetes API server; a pod made "available" there gets a small
// HTTP server on its node port, so the entry URL the PSB reports answers.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireTestPostgres } from '@ocopea/sql-store';
import { FakeKubernetesApiServer, requireTestMariadb, startService, type StartedService } from '@ocopea/testing';
import { formatHuman, runCrb, runDsb, runPsb, type Report } from '../src';

jest.setTimeout(120_000);

const RUN = `c${process.pid.toString(36)}`;
let crb: StartedService;
const started: StartedService[] = [];
const start = async (...a: Parameters<typeof startService>) => { const s = await startService(...a); started.push(s); return s; };

beforeAll(async () => { crb = await start({ service: 'crb-fs' }); });
afterAll(async () => { await Promise.all(started.map((s) => s.stop())); });

/** Passes when every check passed; otherwise fails with the kit's own report (what a broker author would read). */
function expectConformant(r: Report, svc?: StartedService): void {
  if (!r.passed) throw new Error(`${formatHuman(r)}\n${svc?.logs().slice(-3000) ?? ''}`);
  expect(r.verdict()[0]).toMatch(/^The Site can use this/);
}

it('crb-fs conforms, extensions included', async () => {
  const r = await runCrb({ url: crb.url, token: crb.token });
  expectConformant(r, crb);
  expect(r.checks.filter((c) => c.outcome === 'skip')).toEqual([]);
});

it('dsb-postgres conforms', async () => {
  await requireTestPostgres();
  const dsb = await start({ service: 'dsb-postgres', env: { DSB_POSTGRES_DB_PREFIX: `${RUN}_` } });
  expectConformant(await runDsb({ url: dsb.url, token: dsb.token, crbUrl: crb.url, crbToken: crb.token }), dsb);
});

it('dsb-fs conforms, copying into a crb-fs the kit starts itself', async () => {
  const dsb = await start({ service: 'dsb-fs' });
  expectConformant(await runDsb({ url: dsb.url, token: dsb.token }), dsb);
});

it('dsb-mariadb conforms, and a table, a trigger and a procedure survive its copy (probe)', async () => {
  await requireTestMariadb();
  const dsb = await start({ service: 'dsb-mariadb', env: { DSB_MARIADB_DB_PREFIX: `${RUN}_` } });
  const r = await runDsb({ url: dsb.url, token: dsb.token, crbUrl: crb.url, crbToken: crb.token, probeCmd: path.join(__dirname, 'probes/mariadb-probe.sh') });
  expectConformant(r, dsb);
  expect(r.checks.filter((c) => c.outcome === 'skip')).toEqual([]);
});

it('psb-process conforms, running the notes app', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conformance-notes-'));
  // A root PSB runs apps as nobody (PSB_PROCESS_RUN_AS default): it must pass through to a notes folder of its own.
  chmodSync(dir, 0o711);
  const notes = path.join(dir, 'notes');
  mkdirSync(notes, { mode: 0o700 });
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }));
    chownSync(notes, id('-u'), id('-g'));
  }
  try {
    const psb = await start({ service: 'psb-process', env: { PSB_PROCESS_STOP_TIMEOUT_MS: '3000', PSB_PROCESS_START_TIMEOUT_MS: '30000' } });
    expectConformant(await runPsb({ url: psb.url, token: psb.token, image: 'notes-app:1.0.0', environment: { NOTES_DIR: notes } }), psb);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

it('psb-k8s conforms against the fake Kubernetes API server', async () => {
  const fake = await new FakeKubernetesApiServer(['default', 'apps']).start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'conformance-k8s-'));
  const apps: http.Server[] = [];
  // The cluster's side: each new deployment's pod becomes available, and its node port answers HTTP.
  const seen = new Set<string>();
  const cluster = setInterval(() => {
    for (const key of fake.deployments.keys()) {
      const [ns, name] = key.split('/');
      const service = fake.service(ns, name);
      if (seen.has(key) || !service) continue;
      seen.add(key);
      fake.makeAvailable(ns, name);
      const app = http.createServer((_req, res) => res.end('hello from the pod'));
      app.listen(service.spec.ports[0].nodePort, '127.0.0.1');
      apps.push(app);
    }
  }, 50);
  try {
    const psb = await start({
      service: 'psb-k8s',
      env: { KUBECONFIG: fake.writeKubeconfig(dir), PSB_K8S_SERVICE_TYPE: 'NodePort', PSB_K8S_NODE_HOST: '127.0.0.1', KUBERNETES_SERVICE_HOST: '' },
    });
    expectConformant(await runPsb({ url: psb.url, token: psb.token, image: 'notes-app:1.0.0', space: 'apps', pollMs: 100 }), psb);
  } finally {
    clearInterval(cluster);
    for (const a of apps) a.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
