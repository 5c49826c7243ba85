import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import WebSocket from 'ws';
import { psbClient, type psb } from '@ocopea/api';
import { requireTestPostgres, TEST_PG_URL } from '@ocopea/sql-store';
import { startService, type StartedService } from '@ocopea/testing';
import { isSameProcessAlive, signalGroup } from '../src/domain/procs';
import type { AppServiceRecord } from '../src/domain/registry';

jest.setTimeout(90_000);

type Instance = psb.components['schemas']['PSBAppServiceInstanceDTO'];
type LogFrame = psb.components['schemas']['PSBLogMessageDTO'];

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'psb-process-e2e-'));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'psb-process-e2e-scratch-'));
chmodSync(scratch, 0o711); // apps of a root PSB run as nobody: they must pass through to their folders
const EXAMPLES = path.resolve(__dirname, '../../../examples');
const ARTS = path.join(scratch, 'artifacts');
const STUBBORN_ARTS = path.join(scratch, 'stubborn-artifacts');
for (const d of [ARTS, STUBBORN_ARTS]) mkdirSync(d, { recursive: true });
/** Planted in the PSB's environment: no app may see it. */
const PLANTED_SECRET = `planted-secret-${process.pid}-${Date.now().toString(36)}`;
const asRoot = process.getuid?.() === 0;
/** Who apps run as: nobody under a root PSB (PSB_PROCESS_RUN_AS default), else the PSB's (and this test's) user. */
const appUser = asRoot
  ? { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })) }
  : { uid: process.getuid!(), gid: process.getgid!() };
let psbSvc: StartedService;
const psbEnv = {
  PSB_PROCESS_STOP_TIMEOUT_MS: '3000', PSB_PROCESS_START_TIMEOUT_MS: '30000', PSB_PROCESS_ID_MAX_LENGTH: '40', PSB_PROCESS_OPEN_FILES: '512',
  PSB_PROCESS_ARTIFACTS_DIR: [EXAMPLES, ARTS, STUBBORN_ARTS].join(path.delimiter), OCOPEA_TEST_PLANTED_SECRET: PLANTED_SECRET,
};

/** A data folder for an app (what a dsb-fs volume is): owned by the user apps run as. */
function appDataDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  chownSync(dir, appUser.uid, appUser.gid);
  return dir;
}

/** Every process group the PSB ever recorded (from its registry), so afterAll can kill what a failed test left. */
const seenPids = new Map<number, string | undefined>();
function recordPids(): void {
  try {
    const reg = JSON.parse(readFileSync(path.join(dataDir, 'app-services.json'), 'utf8')) as { appServices: AppServiceRecord[] };
    for (const r of reg.appServices) if (r.pid > 0) seenPids.set(r.pid, r.procStartTime);
  } catch { /* not written yet */ }
}

const client = () => psbClient(psbSvc.url, { headers: psbSvc.headers });

async function deploy(body: psb.components['schemas']['DeployAppServiceManifestDTO']) {
  const res = await fetch(`${psbSvc.url}/psb/app-services`, { method: 'POST', headers: { ...psbSvc.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json() as { status?: number; message: string; code?: number };
  recordPids();
  return { status: res.status, body: json };
}

async function status(id: string, space = 'default'): Promise<Instance> {
  return (await client().get('/psb/app-services/{space}/{appServiceId}', { path: { space, appServiceId: id } })).data;
}

async function waitStatus(id: string, want: Instance['status'][], timeoutMs = 30_000): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(id);
    if (want.includes(s.status)) return s;
    if (Date.now() > deadline) throw new Error(`app service ${id} still ${s.status} (${s.statusMessage}); wanted ${want.join('|')}\n${psbSvc.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function addNote(base: string, text: string) {
  const res = await fetch(`${base}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  expect(res.status).toBe(201);
  return await res.json() as { id: string; text: string };
}

const filesManifest = (id: string, dir: string) => ({
  appServiceId: id, space: 'default', imageName: 'notes-app', imageVersion: '1.0.0',
  environmentVariables: { NOTES_DIR: '${files.path}' },
  serviceBindings: { 'fs-dsb': [{ serviceName: 'files', serviceId: `files-${id}`, plan: 'default', bindInfo: { path: dir } }] },
  httpPort: 8080,
});

beforeAll(async () => {
  psbSvc = await startService({ service: 'psb-process', dataDir, env: psbEnv });
});

afterAll(async () => {
  recordPids();
  await psbSvc?.kill();
  for (const [pid, startTime] of seenPids) if (isSameProcessAlive(pid, { startTime })) signalGroup(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('psb-process (real PSB, real child processes)', () => {
  it('deploys notes-app with a volume binding, serves it over HTTP, streams its logs, and stops it', async () => {
    const notesDir = appDataDir(path.join(scratch, 'notes-files'));
    const res = await deploy(filesManifest('notes-files', notesDir));
    expect([200, 201]).toContain(res.status);
    expect(res.body).toMatchObject({ status: 0 });
    expect((await deploy(filesManifest('notes-files', notesDir))).status).toBe(409);

    const running = await waitStatus('notes-files', ['running', 'error']);
    expect(running).toMatchObject({ name: 'notes-files', status: 'running', instances: 1 });
    expect(running.entryPointURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const note = await addNote(running.entryPointURL!, 'from the process PSB');
    expect(await (await fetch(`${running.entryPointURL}/notes/${note.id}`)).json()).toMatchObject({ text: 'from the process PSB' });
    expect(existsSync(path.join(notesDir, `${note.id}.json`))).toBe(true); // NOTES_DIR came from ${files.path}

    const list = (await client().get('/psb/app-services', { query: { space: 'default' } })).data;
    expect(list).toContainEqual({ space: 'default', appServiceId: 'notes-files', status: 'running', entryPointURL: running.entryPointURL });

    // Logs: the tail (startup lines) then followed lines, as PSBLogMessageDTO frames.
    const logs = (await client().get('/psb/app-services/{space}/{appServiceId}/logs', { path: { space: 'default', appServiceId: 'notes-files' } })).data;
    expect(logs).toEqual({ address: `ws://127.0.0.1:${psbSvc.port}/psb/app-services/default/notes-files/logs/data`, serialization: 'json' });
    const frames: LogFrame[] = [];
    const ws = new WebSocket(logs.address, { headers: psbSvc.headers });
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as LogFrame));
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    const waitFrame = async (pred: (f: LogFrame) => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!frames.some(pred)) {
        if (Date.now() > deadline) throw new Error(`no such log frame; got ${JSON.stringify(frames)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return frames.find(pred)!;
    };
    const listening = await waitFrame((f) => /notes-app listening on/.test(f.message));
    expect(listening).toMatchObject({ messageType: 'out', serviceId: 'notes-files' });
    expect(Math.abs(listening.timestamp - Date.now())).toBeLessThan(60_000);
    const later = await addNote(running.entryPointURL!, 'followed');
    await waitFrame((f) => f.message === `note ${later.id} added`);

    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const pid = Number(running.psbMetrics!.pid);
    const del = await client().delete('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'notes-files' } });
    expect(del.data).toMatchObject({ status: 0 });
    expect(isSameProcessAlive(pid, {})).toBe(false);
    expect(await closed).toBe(1000);
    await expect(fetch(`${running.entryPointURL}/healthz`)).rejects.toThrow();
    const gone = await fetch(`${psbSvc.url}/psb/app-services/default/notes-files`, { headers: psbSvc.headers });
    expect(gone.status).toBe(404);
    expect((await fetch(`${psbSvc.url}/psb/app-services/default/notes-files`, { method: 'DELETE', headers: psbSvc.headers })).status).toBe(404);
  });

  it('deploys notes-app with a postgres binding', async () => {
    await requireTestPostgres();
    const db = `psbp_notes_${process.pid}_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    try {
      const u = new URL(TEST_PG_URL); u.pathname = `/${db}`;
      const res = await deploy({
        appServiceId: 'notes-pg', space: 'default', imageName: 'notes-app',
        environmentVariables: { NOTES_DATABASE_URL: '${notes-db.uri}' },
        serviceBindings: { 'postgres-dsb': [{ serviceName: 'notes-db', bindInfo: { uri: u.toString(), database: db } }] },
      });
      expect(res.status).toBe(201);
      const s = await waitStatus('notes-pg', ['running', 'error']);
      expect(s.status).toBe('running');
      await addNote(s.entryPointURL!, 'in postgres');
      const c = new Client({ connectionString: u.toString() });
      await c.connect();
      try { expect((await c.query('SELECT text FROM notes')).rows).toEqual([{ text: 'in postgres' }]); } finally { await c.end(); }
      await client().delete('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'notes-pg' } });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('reports error with the stderr tail when the app exits, and serves stderr lines as err frames', async () => {
    const arts = ARTS;
    mkdirSync(path.join(arts, 'crasher'), { recursive: true });
    writeFileSync(path.join(arts, 'crasher', 'ocopea-artifact.json'), JSON.stringify({
      command: ['node', '-e', "console.error('boom: no storage configured'); setTimeout(() => process.exit(3), 300)"],
    }));
    const res = await deploy({ appServiceId: 'crasher', space: 'default', imageName: 'crasher', artifactRegistryType: 'customRest', artifactRegistryParameters: { path: arts } });
    expect(res.status).toBe(201);
    const s = await waitStatus('crasher', ['error', 'running']);
    expect(s).toMatchObject({ status: 'error', instances: 0, entryPointURL: null });
    expect(s.statusMessage).toMatch(/exited with code 3.*boom: no storage configured/s);
    const ws = new WebSocket(`ws://127.0.0.1:${psbSvc.port}/psb/app-services/default/crasher/logs/data`, { headers: psbSvc.headers });
    const first = await new Promise<LogFrame>((r, j) => { ws.once('message', (d) => r(JSON.parse(String(d)) as LogFrame)); ws.once('error', j); });
    ws.close();
    expect(first).toMatchObject({ message: 'boom: no storage configured', messageType: 'err', serviceId: 'crasher' });
    expect((await client().delete('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'crasher' } })).data.status).toBe(0);
  });

  it('answers 400 for a missing imageName, a too long id, an unknown image and an unresolved placeholder', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ appServiceId: 'b1', space: 'default' }, /imageName/],
      [{ appServiceId: 'x'.repeat(41), space: 'default', imageName: 'notes-app' }, /at most 40/],
      [{ appServiceId: 'b1', space: 'default', imageName: 'nope' }, /unknown image/],
      [{ appServiceId: 'b1', space: 'default', imageName: 'notes-app', environmentVariables: { NOTES_DIR: '${files.path}' } }, /files\.path/],
    ];
    for (const [body, msg] of cases) {
      const res = await deploy(body as never);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(msg);
    }
    expect((await fetch(`${psbSvc.url}/psb/app-services/default/b1`, { headers: psbSvc.headers })).status).toBe(404);
  });

  it('runs an app as the unprivileged user, in its own process group, with core dumps off, an open-files limit and only its own environment', async () => {
    const notesDir = appDataDir(path.join(scratch, 'confined'));
    const res = await deploy({ ...filesManifest('confined', notesDir), environmentVariables: { NOTES_DIR: '${files.path}', GREETING: 'hello' } });
    expect(res.status).toBe(201);
    const s = await waitStatus('confined', ['running', 'error']);
    expect(s.status).toBe('running');
    const pid = Number(s.psbMetrics!.pid);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const ids = (field: string) => status.split('\n').find((l) => l.startsWith(`${field}:`))!.split(/\s+/).slice(1).filter(Boolean).map(Number);
    expect(ids('Uid')).toEqual([appUser.uid, appUser.uid, appUser.uid, appUser.uid]); // real, effective, saved, fs
    expect(ids('Gid')).toEqual([appUser.gid, appUser.gid, appUser.gid, appUser.gid]);
    if (asRoot) expect(ids('Groups')).toEqual([]); // root's supplementary groups dropped
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
    expect([Number(stat[2]), Number(stat[3])]).toEqual([pid, pid]); // process group and session of its own
    const limits = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n');
    expect(limits.find((l) => l.startsWith('Max core file size'))).toMatch(/\s0\s+0\s+bytes/);
    expect(limits.find((l) => l.startsWith('Max open files'))).toMatch(/\s512\s+512\s+files/);
    // The environment: the manifest's, the bindings, what the PSB sets, PATH and HOME. Nothing of the PSB's own.
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    expect(environ).not.toContain(PLANTED_SECRET);
    const names = environ.split('\0').filter(Boolean).map((kv) => kv.slice(0, kv.indexOf('=')));
    expect(names.sort()).toEqual(['GREETING', 'HOME', 'NAZ_MS_API_K8S_BINDINGS', 'NOTES_DIR', 'OCOPEA_APP_SERVICE_ID', 'OCOPEA_SERVICE_BINDINGS', 'OCOPEA_SPACE', 'PATH', 'PORT']);
    // It can still do its job: notes land in its data folder, as its user.
    const note = await addNote(s.entryPointURL!, 'written unprivileged');
    expect(statSync(path.join(notesDir, `${note.id}.json`)).uid).toBe(appUser.uid);
    await client().delete('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'confined' } });
  });

  it('answers 400 and starts nothing for names, versions, registry paths and environments that would run anything else', async () => {
    symlinkSync('/', path.join(ARTS, 'slash'));
    symlinkSync(os.tmpdir(), path.join(ARTS, 'tmp-link'));
    const base = { space: 'default', imageName: 'notes-app', environmentVariables: { NOTES_DIR: scratch } };
    const manyVars = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`V${i}`, 'x']));
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ imageName: '../examples/notes-app' }, /not a valid artifact folder name/],
      [{ imageName: 'notes-app/../notes-app' }, /not a valid artifact folder name/],
      [{ imageName: '..' }, /not a valid artifact folder name/],
      [{ imageName: 'x'.repeat(10_240) }, /not a valid artifact folder name/],
      [{ imageName: 'notes\u0000app' }, /./],
      [{ imageVersion: '../1.0.0' }, /not a valid version/],
      [{ imageVersion: '1.0/0' }, /not a valid version/],
      [{ imageVersion: '1.0.0\u0000' }, /./],
      [{ imageVersion: '1'.repeat(10_240) }, /not a valid version/],
      [{ imageName: 'slash' }, /leads to \/, outside the artifact roots/],
      [{ imageName: 'etc', artifactRegistryParameters: { path: path.join(ARTS, 'slash') } }, /outside the artifact roots/],
      [{ artifactRegistryParameters: { path: '/' } }, /outside the artifact roots/],
      [{ artifactRegistryParameters: { path: `${EXAMPLES}/..` } }, /outside the artifact roots/],
      [{ artifactRegistryParameters: { path: `${EXAMPLES}/../services` } }, /outside the artifact roots/],
      [{ artifactRegistryParameters: { path: '../../examples' } }, /must be an absolute path/],
      [{ artifactRegistryParameters: { url: 'file:///' } }, /outside the artifact roots/],
      [{ imageName: path.basename(scratch), artifactRegistryParameters: { path: path.join(ARTS, 'tmp-link') } }, /outside the artifact roots/],
      [{ environmentVariables: manyVars }, /257 entries; at most 256/],
      [{ environmentVariables: { BIG: 'x'.repeat(70_000) } }, /at most 65536/],
      [{ environmentVariables: { NODE_OPTIONS: `--require ${scratch}/payload.js` } }, /NODE_OPTIONS.*cannot be set by a manifest/],
      [{ environmentVariables: { LD_PRELOAD: `${scratch}/payload.so` } }, /LD_PRELOAD.*cannot be set by a manifest/],
      [{ environmentVariables: { PATH: scratch } }, /PATH.*cannot be set by a manifest/],
    ];
    for (const [i, [over, msg]] of cases.entries()) {
      const res = await deploy({ ...base, appServiceId: `bad-${i}`, ...over } as never);
      expect({ i, over: JSON.stringify(over).slice(0, 120), status: res.status }).toEqual({ i, over: JSON.stringify(over).slice(0, 120), status: 400 });
      expect(res.body).toMatchObject({ code: 400, message: expect.stringMatching(msg) });
      expect(res.body.message.length).toBeLessThan(1000);
    }
    const listed = (await client().get('/psb/app-services', { query: { space: 'default' } })).data.map((a) => a.appServiceId);
    expect(listed.filter((id) => id.startsWith('bad-'))).toEqual([]);
    for (const i of cases.keys()) expect(existsSync(path.join(dataDir, 'apps', 'default', `bad-${i}`))).toBe(false);
  });

  it('survives a PSB crash: the live child is re-adopted as running, the one that died meanwhile is not', async () => {
    await deploy(filesManifest('keeper', appDataDir(path.join(scratch, 'keeper'))));
    await deploy(filesManifest('victim', appDataDir(path.join(scratch, 'victim'))));
    const keeper = await waitStatus('keeper', ['running', 'error']);
    const victim = await waitStatus('victim', ['running', 'error']);
    expect([keeper.status, victim.status]).toEqual(['running', 'running']);
    const note = await addNote(keeper.entryPointURL!, 'before the crash');

    await psbSvc.kill(); // SIGKILL: no cleanup in the PSB
    const keeperPid = Number(keeper.psbMetrics!.pid);
    const victimPid = Number(victim.psbMetrics!.pid);
    expect(isSameProcessAlive(keeperPid, {})).toBe(true); // children outlive the PSB
    signalGroup(victimPid, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while (isSameProcessAlive(victimPid, {}) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // The keeper goes on writing logs while no PSB runs (its stdout is a file, not a pipe).
    const during = await addNote(keeper.entryPointURL!, 'while the PSB is down');

    psbSvc = await startService({ service: 'psb-process', dataDir, env: psbEnv });
    const k = await status('keeper');
    expect(k).toMatchObject({ status: 'running', entryPointURL: keeper.entryPointURL, instances: 1 });
    expect(await (await fetch(`${k.entryPointURL}/notes/${note.id}`)).json()).toMatchObject({ text: 'before the crash' });
    const v = await status('victim');
    // Judged while loading the registry, before the first request is served (not later by the monitor).
    expect(v).toMatchObject({ status: 'stopped', instances: 0, entryPointURL: null });
    expect(v.statusMessage).toBe(`process ${victimPid} is no longer running (found after a PSB restart)`);

    const frames: LogFrame[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${psbSvc.port}/psb/app-services/default/keeper/logs/data`, { headers: psbSvc.headers });
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as LogFrame));
    const until = Date.now() + 10_000;
    while (!frames.some((f) => f.message === `note ${during.id} added`) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    ws.close();
    expect(frames.map((f) => f.message)).toContain(`note ${during.id} added`);

    // The re-adopted child is still under control: delete stops it.
    await client().delete('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'keeper' } });
    expect(isSameProcessAlive(keeperPid, {})).toBe(false);
    expect((await client().delete('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'victim' } })).data.status).toBe(0);
  });
});

describe('psb-process stopping children', () => {
  const arts = STUBBORN_ARTS;
  const stubborn = "const s = require('node:http').createServer((q, r) => r.end('ok')).listen(Number(process.env.PORT)); " +
    "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up');";
  beforeAll(() => {
    mkdirSync(path.join(arts, 'stubborn'), { recursive: true });
    writeFileSync(path.join(arts, 'stubborn', 'ocopea-artifact.json'), JSON.stringify({ command: ['node', '-e', stubborn] }));
  });

  it('SIGKILLs an app that ignores SIGTERM after the stop timeout', async () => {
    const res = await deploy({ appServiceId: 'stubborn', space: 'default', imageName: 'stubborn', artifactRegistryParameters: { path: arts } });
    expect(res.status).toBe(201);
    const s = await waitStatus('stubborn', ['running', 'error']);
    expect(s.status).toBe('running');
    const pid = Number(s.psbMetrics!.pid);
    const t0 = Date.now();
    await client().delete('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'stubborn' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900); // waited PSB_PROCESS_STOP_TIMEOUT_MS (3000) before SIGKILL
    expect(isSameProcessAlive(pid, {})).toBe(false);
  });

  it('leaves children running on a graceful PSB stop, unless PSB_PROCESS_STOP_CHILDREN_ON_EXIT=1', async () => {
    for (const stopChildren of [false, true]) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'psb-process-e2e-stop-'));
      // The app's data outside the PSB's data dir, which the PSB makes 0700 (its app user could not pass it).
      const notes = appDataDir(path.join(scratch, `stop-${stopChildren}-notes`));
      const other = await startService({ service: 'psb-process', dataDir: dir, env: { ...psbEnv, PSB_PROCESS_STOP_CHILDREN_ON_EXIT: stopChildren ? '1' : '0' } });
      let pid = 0;
      try {
        const c = psbClient(other.url, { headers: other.headers });
        await c.post('/psb/app-services', { body: { appServiceId: 'app', space: 'default', imageName: 'notes-app', environmentVariables: { NOTES_DIR: notes } } });
        const deadline = Date.now() + 30_000;
        let s: Instance;
        do {
          await new Promise((r) => setTimeout(r, 100));
          s = (await c.get('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'app' } })).data;
        } while (s.status === 'starting' && Date.now() < deadline);
        expect(s.status).toBe('running');
        pid = Number(s.psbMetrics!.pid);
        expect(await other.stop()).toBe(0);
        expect(isSameProcessAlive(pid, {})).toBe(!stopChildren);
        const reg = JSON.parse(readFileSync(path.join(dir, 'app-services.json'), 'utf8')) as { appServices: AppServiceRecord[] };
        expect(reg.appServices[0].status).toBe(stopChildren ? 'stopped' : 'running');
      } finally {
        await other.kill();
        if (pid) signalGroup(pid, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('reports error and stops an app that never answers HTTP within the start timeout', async () => {
    mkdirSync(path.join(arts, 'silent'), { recursive: true });
    writeFileSync(path.join(arts, 'silent', 'ocopea-artifact.json'), JSON.stringify({ command: ['node', '-e', "console.error('not listening'); setInterval(() => {}, 1000)"] }));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'psb-process-e2e-timeout-'));
    const other = await startService({ service: 'psb-process', dataDir: dir, env: { ...psbEnv, PSB_PROCESS_START_TIMEOUT_MS: '1500', PSB_PROCESS_ARTIFACTS_DIR: arts } });
    let pid = 0;
    try {
      const c = psbClient(other.url, { headers: other.headers });
      await c.post('/psb/app-services', { body: { appServiceId: 'silent', space: 'default', imageName: 'silent' } });
      let s = (await c.get('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'silent' } })).data;
      expect(s).toMatchObject({ status: 'starting', instances: 1, entryPointURL: null });
      pid = Number(s.psbMetrics!.pid);
      const deadline = Date.now() + 15_000;
      while (s.status === 'starting' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        s = (await c.get('/psb/app-services/{space}/{appServiceId}', { path: { space: 'default', appServiceId: 'silent' } })).data;
      }
      expect(s).toMatchObject({ status: 'error', instances: 0 });
      expect(s.statusMessage).toMatch(/did not answer HTTP on port \d+ within 1500 ms; stopped; stderr: not listening/);
      expect(isSameProcessAlive(pid, {})).toBe(false);
    } finally {
      await other.kill();
      if (pid) signalGroup(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
