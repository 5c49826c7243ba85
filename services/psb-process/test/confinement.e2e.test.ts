// The attack chain of issue 16, with real brokers over HTTP: a crafted tar uploaded to crb-fs, restored into a dsb-fs
// volume (whose path the DSB's GET reveals), then handed to psb-process as an "image". It must fail at the PSB step
// with 400 and nothing started, however the volume is pointed at; the same volume still serves as an app's data.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pack } from 'tar-stream';
import { authHeaders, scopedCrbUrl, startService, type StartedService } from '@ocopea/testing';
import { isSameProcessAlive, signalGroup } from '../src/domain/procs';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
type Json = any;

const EXAMPLES = realpathSync(path.resolve(__dirname, '../../../examples'));
const stamp = `${process.pid}-${Date.now().toString(36)}`;
/** What the payload would create if it ever ran. */
const PWNED = path.join(os.tmpdir(), `ocopea-pwned-${stamp}`);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'psb-confine-'));
const started: StartedService[] = [];
const pids: number[] = [];
let crb: StartedService;
let dsb: StartedService;
let psb: StartedService;

/**
 * Every HTTP call of this test goes through here, with the admin credential every service the test starts accepts:
 * the chain must fail at the PSB even for a caller allowed everything. JSON in, `{status, body}` out.
 */
async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method,
    headers: authHeaders(body === undefined ? {} : Buffer.isBuffer(body) ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

/** A dsb-fs copy (a tar of the volume, its own directory first) holding runnable artifacts in every shape. */
function craftedTar(): Promise<Buffer> {
  const payload = `touch ${PWNED}; id >> ${PWNED}; sleep 600`;
  const runnable = [
    { name: 'ocopea-artifact.json', body: JSON.stringify({ command: ['sh', '-c', payload] }) },
    { name: 'package.json', body: JSON.stringify({ name: 'payload', version: '1.0.0', scripts: { start: payload } }) },
  ];
  const p = pack();
  p.entry({ name: '.', type: 'directory', mode: 0o755 });
  for (const f of runnable) p.entry({ name: f.name, mode: 0o644 }, f.body);
  p.entry({ name: 'payload', type: 'directory', mode: 0o755 });
  for (const f of runnable) p.entry({ name: `payload/${f.name}`, mode: 0o644 }, f.body);
  p.finalize();
  return new Promise((resolve, reject) => { const c: Buffer[] = []; p.on('data', (d) => c.push(d as Buffer)); p.on('end', () => resolve(Buffer.concat(c))); p.on('error', reject); });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, state: () => Promise<unknown> = async () => undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await state())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function start(service: string, env: Record<string, string> = {}, dataDir?: string): Promise<StartedService> {
  const s = await startService({ service, env, dataDir, startTimeoutMs: 60_000 });
  started.push(s);
  return s;
}

beforeAll(async () => {
  [crb, dsb, psb] = await Promise.all([start('crb-fs'), start('dsb-fs'), start('psb-process', { PSB_PROCESS_STOP_CHILDREN_ON_EXIT: '1' })]);
});

afterAll(async () => {
  for (const s of started.reverse()) await s.kill();
  for (const pid of pids) if (isSameProcessAlive(pid, {})) signalGroup(pid, 'SIGKILL');
  for (const s of started) { rmSync(s.dataDir, { recursive: true, force: true }); rmSync(`${s.dataDir}.log`, { force: true }); }
  rmSync(PWNED, { force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('a restored copy is data, never an image (crb-fs → dsb-fs → psb-process)', () => {
  let volume: string;

  it('restores the crafted tar into a dsb-fs volume, whose path the DSB reveals', async () => {
    const up = await call('POST', `${crb.url}/repositories/default/copies/evil-${stamp}/data`, await craftedTar());
    expect(up.status).toBeLessThan(300);
    const created = await call('POST', `${dsb.url}/service_instances`, {
      instanceId: 'evil-vol', instanceSettings: {},
      // The CRB URL with a read grant for this copy, as the Site would hand it to the DSB.
      restoreInfo: {
        copyId: `evil-${stamp}`, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0',
        copyRepoCredentials: { url: await scopedCrbUrl(crb, { access: 'read', copyId: `evil-${stamp}` }), repoId: 'default' },
      },
    });
    expect(created.status).toBe(200);
    const inst = await until('the restore', async () => {
      const r = await call('GET', `${dsb.url}/service_instances/evil-vol`);
      return r.body?.state === 'RUNNING' || r.body?.state === 'ERROR' ? r.body : undefined;
    });
    expect(inst.state).toBe('RUNNING');
    volume = inst.binding.path;
    expect(existsSync(path.join(volume, 'payload', 'package.json'))).toBe(true);
  });

  it('psb-process answers 400 {code, message} to every way of running the volume, and starts nothing', async () => {
    const tries: Record<string, unknown>[] = [
      { imageName: 'payload', artifactRegistryParameters: { path: volume } },
      { imageName: 'payload', artifactRegistryType: 'customRest', artifactRegistryParameters: { url: pathToFileURL(volume).href } },
      { imageName: 'evil-vol', artifactRegistryParameters: { path: path.dirname(volume) } },
      { imageName: 'payload', artifactRegistryParameters: { path: `${EXAMPLES}/${path.relative(EXAMPLES, volume)}` } },
      { imageName: path.relative(EXAMPLES, path.join(volume, 'payload')) },
      { imageName: 'payload', imageVersion: path.relative(EXAMPLES, volume) },
    ];
    for (const [i, t] of tries.entries()) {
      const r = await call('POST', `${psb.url}/psb/app-services`, { appServiceId: `evil-${i}`, space: 'default', ...t });
      expect({ i, status: r.status }).toEqual({ i, status: 400 });
      expect(r.body).toMatchObject({ code: 400, message: expect.any(String) });
    }
    expect((await call('GET', `${psb.url}/psb/app-services`)).body).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(PWNED)).toBe(false);
  });

  it('the same volume, bound as data, serves an app that runs as the unprivileged user and can write it', async () => {
    const r = await call('POST', `${psb.url}/psb/app-services`, {
      // A folder of its own in the volume: notes-app takes every .json file of NOTES_DIR for a note.
      appServiceId: 'notes', space: 'default', imageName: 'notes-app', environmentVariables: { NOTES_DIR: '${files.path}/notes' },
      serviceBindings: { 'dsb-fs': [{ serviceName: 'files', bindInfo: { path: volume } }] },
    });
    expect(r.status).toBe(201);
    const s = await until('notes running', async () => {
      const st = (await call('GET', `${psb.url}/psb/app-services/default/notes`)).body;
      return st?.status === 'running' || st?.status === 'error' ? st : undefined;
    }, 30_000, async () => ({ app: (await call('GET', `${psb.url}/psb/app-services/default/notes`)).body, out: readFileSync(path.join(psb.dataDir, 'apps/default/notes/stdout.log'), 'utf8').slice(-1500), err: readFileSync(path.join(psb.dataDir, 'apps/default/notes/stderr.log'), 'utf8').slice(-1500) }));
    expect({ status: s.status, message: s.statusMessage }).toEqual({ status: 'running', message: expect.any(String) });
    const pid = Number(s.psbMetrics.pid);
    pids.push(pid);
    const note = await call('POST', `${s.entryPointURL}/notes`, { text: 'data, not code' });
    expect(note.status).toBe(201);
    const file = path.join(volume, 'notes', `${note.body.id}.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ text: 'data, not code' });
    if (process.getuid?.() === 0) {
      const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));
      const uid = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'))!.split(/\s+/).slice(1, 5).map(Number);
      expect(uid).toEqual([nobody, nobody, nobody, nobody]);
      expect(statSync(file).uid).toBe(nobody);
    }
    expect((await call('DELETE', `${psb.url}/psb/app-services/default/notes`)).status).toBe(200);
  });

  it('a PSB configured with a volume in (or around) its artifact roots refuses to start; a symlink out of a root is a 400', async () => {
    const dsbData = path.dirname(path.dirname(volume));
    for (const [n, [roots, msg]] of ([
      [`${EXAMPLES}${path.delimiter}${volume}`, /is inside a data volume directory .*\.ocopea-volume-root/],
      [path.join(volume, 'payload'), /is inside a data volume directory/],
      [dsbData, /contains a data volume directory/],
    ] as const).entries()) {
      const dataDir = path.join(scratch, `refused-${n}`);
      const err = await start('psb-process', { PSB_PROCESS_ARTIFACTS_DIR: roots, PSB_PROCESS_STOP_CHILDREN_ON_EXIT: '1' }, dataDir).then(() => undefined, (e: Error) => e);
      expect(err?.message).toMatch(/psb-process exited with 1 before becoming healthy/);
      expect(err?.message).toMatch(msg);
    }

    const linkRoot = path.join(scratch, 'links');
    mkdirSync(linkRoot);
    symlinkSync(path.join(volume, 'payload'), path.join(linkRoot, 'payload'));
    symlinkSync('/', path.join(linkRoot, 'slash'));
    const other = await start('psb-process', { PSB_PROCESS_ARTIFACTS_DIR: [EXAMPLES, linkRoot].join(path.delimiter), PSB_PROCESS_STOP_CHILDREN_ON_EXIT: '1' });
    for (const imageName of ['payload', 'slash']) {
      const r = await call('POST', `${other.url}/psb/app-services`, { appServiceId: `via-${imageName}`, space: 'default', imageName });
      expect({ imageName, status: r.status, message: r.body.message }).toEqual({ imageName, status: 400, message: expect.stringMatching(/outside the artifact roots/) });
    }
    expect((await call('GET', `${other.url}/psb/app-services`)).body).toEqual([]);
    expect(existsSync(PWNED)).toBe(false);
  });
});
