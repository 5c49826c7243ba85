// pnpm bench:control-plane — how fast and light the orchestrators are, next to what they are measured against.
//
// (a) Site reads: `GET /site-api/site/app-instance` (an empty Site) and `GET /site-api/site/info`, req/s and p99 under
//     autocannon (10 connections), against a bare express app in its own process answering the same JSON bodies
//     (copied from the Site's own answers), in alternating rounds. Target: Site >= 0.5x bare on both.
// (b) Hub views over 100 simulated Sites (one small fake Site server in this process, standing for remote Sites; each
//     Site runs 2 instances deployed through the Hub): `GET /hub-api/app/instance-state` and `GET /hub-api/site`
//     p50/p99, with 0 and with 10 Sites hanging (they accept and never answer). Target: p99 < 300 ms with 10 hanging.
// (c) crb-fs at 100,000 copies: a page of 100 (`?pageSize=100&pageNumber=N`, p50/p99 of one client's back-to-back
//     requests, which is what a page costs, and throughput with 10 clients) and the whole
//     listing (sequential requests, p50/p99, and the CRB's RSS growth across them). Target: page p99 < 10 ms.
// (d) RSS (VmRSS) of every process of the `pnpm start` topology once it is ready, and the total. Target: < 1 GiB;
//     the Site and the Hub each < 150 MiB after start and < 200 MiB under the read load of (a) and (b) (their
//     VmHWM there).
//
// Options: --rounds N (default 3, for (a)), --seconds S per autocannon run (default 5), --only a,b,c,d,
// --checkout DIR: start the services (and the topology) from another checkout of the repository (built with
// `pnpm build`), e.g. a worktree of an earlier commit, to measure "before" with this same script.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { median, REPO_ROOT, startService, vmHwm, type StartedService } from '@ocopea/testing';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const ROUNDS = Number(arg('rounds', '3'));
const SECONDS = Number(arg('seconds', '5'));
const ONLY = new Set(arg('only', 'a,b,c,d').split(','));
const CHECKOUT = path.resolve(arg('checkout', REPO_ROOT));
const SERVICES_DIR = path.relative(REPO_ROOT, path.join(CHECKOUT, 'services'));
const MiB = 1024 * 1024;

const results: { what: string; ok: boolean; line: string }[] = [];
const verdict = (what: string, ok: boolean, line: string) => { results.push({ what, ok, line }); console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${line}`); };

function vmRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

interface Load { rps: number; p50: number; p99: number; errors: number }

/** One autocannon run; any non-2xx or error is counted and reported. */
async function load(url: string, headers: Record<string, string> = {}, seconds = SECONDS, connections = 10): Promise<Load> {
  const r = await autocannon({ url, headers, duration: seconds, connections, timeout: 30 });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors + r.timeouts };
}

/** The bare express app, in its own process: answers each path with a fixed JSON body. */
async function bareExpress(bodies: Record<string, unknown>): Promise<{ origin: string; child: ChildProcess }> {
  const expressPath = require.resolve('express', { paths: [path.join(REPO_ROOT, 'libs/service-kit')] });
  const src = `
    const express = require(${JSON.stringify(expressPath)});
    const bodies = ${JSON.stringify(bodies)};
    const app = express();
    for (const [p, b] of Object.entries(bodies)) app.get(p, (_req, res) => res.json(b));
    const s = app.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (c) => reject(new Error(`bare express exited ${c}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, child };
}

// ------------------------------------------------------------------------------------------------ (a) Site reads
async function siteReads(): Promise<void> {
  console.log(`\n(a) Site reads vs bare express: ${ROUNDS} alternating rounds of ${SECONDS} s, 10 connections`);
  const site = await startService({ service: 'site', dir: SERVICES_DIR, env: { LOG_LEVEL: 'warn' } });
  const paths = ['/site-api/site/app-instance', '/site-api/site/info'];
  const bodies: Record<string, unknown> = {};
  for (const p of paths) bodies[p] = await (await fetch(`${site.origin}${p}`, { headers: site.headers })).json();
  const bare = await bareExpress(bodies);
  const rssAfterStart = vmRss(site.child.pid!);
  try {
    for (const p of paths) {
      const ratios: number[] = [], s99: number[] = [], b99: number[] = [], srps: number[] = [], brps: number[] = [];
      await load(`${site.origin}${p}`, site.headers, 2); // warm-up
      await load(`${bare.origin}${p}`, {}, 2);
      for (let r = 1; r <= ROUNDS; r++) {
        const b = await load(`${bare.origin}${p}`);
        const s = await load(`${site.origin}${p}`, site.headers);
        if (s.errors || b.errors) throw new Error(`${p}: ${s.errors} Site / ${b.errors} bare errors or non-2xx answers`);
        ratios.push(s.rps / b.rps); s99.push(s.p99); b99.push(b.p99); srps.push(s.rps); brps.push(b.rps);
        console.log(`  round ${r} ${p}: bare ${b.rps.toFixed(0)} req/s p99 ${b.p99} ms; Site ${s.rps.toFixed(0)} req/s p99 ${s.p99} ms (${(s.rps / b.rps).toFixed(2)}x)`);
      }
      const m = median(ratios);
      verdict(`Site ${p}`, m >= 0.5, `median ${m.toFixed(2)}x bare (target >= 0.5x): Site ${median(srps).toFixed(0)} req/s p99 ${median(s99)} ms, bare ${median(brps).toFixed(0)} req/s p99 ${median(b99)} ms`);
    }
    const hwm = vmHwm(site.child.pid!);
    verdict('Site RSS', rssAfterStart < 150 * MiB && hwm < 200 * MiB, `after start ${(rssAfterStart / MiB).toFixed(0)} MiB (target < 150), peak under the read load ${(hwm / MiB).toFixed(0)} MiB (target < 200)`);
  } finally {
    bare.child.kill();
    await site.stop();
  }
}

// ------------------------------------------------------------------------------------------------ (b) Hub views
interface FakeSites { origin: string; hanging: Set<number>; close(): void; deployed: number }

/** 100 Sites behind one server (`/s<N>/site-api/...`): info, app-instance list and get, deploy-application. */
async function fakeSites(): Promise<FakeSites> {
  const apps = new Map<number, Map<string, { id: string; name: string }>>();
  const hanging = new Set<number>();
  const fake: FakeSites = { origin: '', hanging, deployed: 0, close: () => undefined };
  const appJson = (a: { id: string; name: string }) => ({
    id: a.id, name: a.name, templateName: 'web', templateVersion: '1', state: 'running', stateMessage: null, stateDate: 1, launched: 1,
    entryPointURL: 'http://{siteURL}:9000', appServices: [], dataServices: [],
  });
  const server = http.createServer((req, res) => {
    const m = /^\/s(\d+)\/site-api(\/[^?]*)/.exec(req.url ?? '');
    if (!m) { res.statusCode = 404; res.end(); return; }
    const n = Number(m[1]);
    if (hanging.has(n)) return; // accepts, never answers
    const mine = apps.get(n) ?? new Map();
    apps.set(n, mine);
    const send = (status: number, b?: unknown) => { res.statusCode = status; res.setHeader('content-type', 'application/json'); res.end(b === undefined ? undefined : JSON.stringify(b)); };
    const route = m[2];
    if (req.method === 'GET' && route === '/site/info') return send(200, { name: `site-${n}`, version: '1', publicDNS: `s${n}.example`, location: null });
    if (req.method === 'GET' && route === '/site/app-instance') return send(200, [...mine.values()].map(appJson));
    const one = /^\/site\/app-instance\/([^/]+)$/.exec(route);
    if (req.method === 'GET' && one) { const a = mine.get(one[1]); return a ? send(200, appJson(a)) : send(404, { code: 404, message: 'no' }); }
    if (req.method === 'POST' && route === '/site/commands/deploy-application') {
      let body = '';
      req.on('data', (d: Buffer) => { body += d.toString(); });
      req.on('end', () => { const b = JSON.parse(body) as { appInstanceId: string; appInstanceName: string }; mine.set(b.appInstanceId, { id: b.appInstanceId, name: b.appInstanceName }); fake.deployed++; send(200, b.appInstanceId); });
      return;
    }
    send(404, { code: 404, message: `no route ${route}` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => { server.closeAllConnections(); server.close(); };
  return fake;
}

async function hubViews(): Promise<void> {
  const SITES = 100, PER_SITE = 2, TIMEOUT = 2000;
  console.log(`\n(b) Hub views over ${SITES} simulated Sites (${PER_SITE} instances each), per-site timeout ${TIMEOUT} ms`);
  const fake = await fakeSites();
  const hub = await startService({
    service: 'hub', dir: SERVICES_DIR,
    env: { LOG_LEVEL: 'warn', HUB_SITE_TIMEOUT_MS: String(TIMEOUT), HUB_REFRESH_INTERVAL_MS: '2000', HUB_PROBE_INTERVAL_MS: '2000', HUB_POLL_MAX_DELAY_MS: '200' },
  });
  const call = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${hub.url}${p}`, { method, headers: { ...hub.headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const rssAfterStart = vmRss(hub.child.pid!);
  try {
    const siteIds: string[] = [];
    for (let n = 0; n < SITES; n++) siteIds.push(await call('POST', '/commands/add-site', { urn: `site-${n}`, url: `${fake.origin}/s${n}/site-api` }));
    const t = await call('POST', '/commands/createApplicationTemplate', {
      name: 'web', version: '1', createdByUserId: '11111111-2222-4333-8444-555555555555', entryPointServiceName: 'web',
      appServiceTemplates: [{ appServiceName: 'web', psbType: 'process', imageName: 'web', imageType: 'nodejs', imageVersion: '1', exposedPorts: [9000], httpPort: 9000, dependencies: [] }],
    });
    const plan = { appServices: { web: { enabled: true, space: 'default', artifactRegistryName: 'local', imageVersion: '1' } }, dataServices: {} };
    for (let n = 0; n < SITES; n++) {
      for (let k = 0; k < PER_SITE; k++) {
        await call('POST', '/commands/deploy-application', { appInstanceName: `web-${n}-${k}`, appTemplateId: t.id, siteId: siteIds[n], creatorUserId: '11111111-2222-4333-8444-555555555555', deploymentPlan: plan });
      }
    }
    for (const end = Date.now() + 120_000; ;) {
      const states = (await call('GET', '/app/instance-state')) as { state: string }[];
      if (states.length === SITES * PER_SITE && states.every((s) => s.state === 'running')) break;
      if (Date.now() > end) throw new Error('instances not all running within 2 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
    const measure = async (label: string) => {
      for (const p of ['/app/instance-state', '/site']) {
        const r = await load(`${hub.url}${p}`, hub.headers);
        if (r.errors) throw new Error(`${p}: ${r.errors} errors or non-2xx answers`);
        const ok = label.startsWith('10') ? r.p99 < 300 : true;
        verdict(`Hub ${p}, ${label}`, ok, `${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${label.startsWith('10') ? ' (target p99 < 300 ms)' : ''}`);
      }
    };
    await measure('0 hanging');
    for (let n = 0; n < 10; n++) fake.hanging.add(n * 10);
    await new Promise((r) => setTimeout(r, 2000 + TIMEOUT + 500)); // a refresh pass has met the hanging Sites
    await measure('10 of 100 hanging');
    const hwm = vmHwm(hub.child.pid!);
    verdict('Hub RSS', rssAfterStart < 150 * MiB && hwm < 200 * MiB, `after start ${(rssAfterStart / MiB).toFixed(0)} MiB (target < 150), peak under the view load ${(hwm / MiB).toFixed(0)} MiB (target < 200)`);
  } finally {
    fake.hanging.clear();
    await hub.stop();
    fake.close();
  }
}

// ------------------------------------------------------------------------------------------------ (c) crb-fs listing
async function crbListing(): Promise<void> {
  const COPIES = 100_000;
  console.log(`\n(c) crb-fs listing at ${COPIES} copies`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cp-bench-crb-'));
  mkdirSync(path.join(dataDir, 'copies'), { recursive: true });
  // Records as crb-fs writes them (metadata only: no bytes needed to list), so that the CRB starts with them.
  const t0 = Date.now();
  for (let i = 0; i < COPIES; i++) {
    const copyId = `copy-${String(i).padStart(6, '0')}`;
    writeFileSync(path.join(dataDir, 'copies', `${copyId}.json`), JSON.stringify({ metadata: { copyId, repoId: 'default', copyTimeStamp: 1_700_000_000_000 + ((i * 7919) % COPIES) * 1000 } }));
  }
  console.log(`  wrote ${COPIES} records in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const crb = await startService({ service: 'crb-fs', dir: SERVICES_DIR, dataDir, env: { LOG_LEVEL: 'warn' }, startTimeoutMs: 300_000 });
  try {
    // What a page costs: one client, requests back to back (with 10 at once, p99 is mostly the queue of the other 9).
    const page = await load(`${crb.url}/copies?pageSize=100&pageNumber=500`, crb.headers, SECONDS, 1);
    const busy = await load(`${crb.url}/copies?pageSize=100&pageNumber=500`, crb.headers, SECONDS, 10);
    if (page.errors || busy.errors) throw new Error(`page: ${page.errors + busy.errors} errors`);
    verdict('CRB page of 100', page.p99 < 10, `1 client: p50 ${page.p50} ms, p99 ${page.p99} ms (target p99 < 10 ms); 10 clients: ${busy.rps.toFixed(0)} req/s, p50 ${busy.p50} ms, p99 ${busy.p99} ms`);
    const rssBefore = vmRss(crb.child.pid!);
    const times: number[] = [];
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      const r = await fetch(`${crb.url}/copies`, { headers: crb.headers });
      const list = (await r.json()) as unknown[];
      times.push(performance.now() - s);
      if (list.length !== COPIES) throw new Error(`whole listing: ${list.length} entries, not ${COPIES}`);
      peak = Math.max(peak, vmRss(crb.child.pid!));
    }
    const sorted = [...times].sort((a, b) => a - b);
    verdict('CRB whole listing', true, `p50 ${median(times).toFixed(0)} ms, p99 ${sorted[sorted.length - 1].toFixed(0)} ms (10 requests); CRB RSS ${(rssBefore / MiB).toFixed(0)} MiB before, ${(peak / MiB).toFixed(0)} MiB at most after`);
  } finally {
    await crb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------ (d) topology RSS
async function topologyRss(): Promise<void> {
  console.log('\n(d) RSS of the `pnpm start` topology');
  const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'cp-bench-topo-'));
  const { startTopology } = (await import(path.join(CHECKOUT, 'tools/topology/src/topology.ts'))) as typeof import('../src/topology');
  const topo = await startTopology({ ports: 'free', dataRoot, log: () => undefined });
  try {
    await new Promise((r) => setTimeout(r, 5000)); // settled: start-up garbage collected, probes done
    let total = 0;
    for (const s of topo.services as StartedService[]) {
      const rss = vmRss(s.child.pid!);
      total += rss;
      console.log(`  ${s.name.padEnd(22)} ${(rss / MiB).toFixed(0).padStart(5)} MiB`);
    }
    verdict('topology RSS', total < 1024 * MiB, `${(total / MiB).toFixed(0)} MiB in ${topo.services.length} processes (target < 1024 MiB)`);
  } finally {
    await topo.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`control-plane benchmark — services from ${CHECKOUT}; ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (ONLY.has('a')) await siteReads();
  if (ONLY.has('b')) await hubViews();
  if (ONLY.has('c')) await crbListing();
  if (ONLY.has('d')) await topologyRss();
  console.log('\nSummary');
  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.what}: ${r.line}`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

main().catch((err) => { console.error(err); process.exit(2); });
