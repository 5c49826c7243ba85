// The built CLI, as a person runs it, against a real Hub (child processes both): login, templates, sites, errors.
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt, startService, type StartedService } from '@ocopea/testing';

const PKG = path.resolve(__dirname, '..');
const BIN = path.join(PKG, 'bin', 'ocopea.cjs');
const TEMPLATE = path.resolve(PKG, '../../examples/notes-app/template.yaml');

let hub: StartedService;
let home: string;

/** `ocopea …` as a child process with its own HOME, no OCOPEA_* of the caller's. */
function ocopea(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

beforeAll(async () => {
  ensureBuilt(PKG, { rebuild: true });
  hub = await startService({ service: 'hub' });
  home = mkdtempSync(path.join(tmpdir(), 'ocopea-cli-e2e-'));
}, 60_000);
afterAll(async () => { await hub?.stop(); });

it('login, templates create/list/get, sites list, an unknown name, -o json', async () => {
  const tokenFile = path.join(home, 'token');
  writeFileSync(tokenFile, hub.token, { mode: 0o600 });
  const login = await ocopea('login', '--hub', hub.origin, '--token-file', tokenFile);
  expect(login).toMatchObject({ code: 0, stderr: '' });
  expect(login.stdout).toContain(`logged in to ${hub.origin}/hub-api`);
  expect(login.stdout).not.toContain(hub.token);
  expect(statSync(path.join(home, '.config', 'ocopea', 'config.json')).mode & 0o777).toBe(0o600);

  const created = await ocopea('templates', 'create', '-f', TEMPLATE, '-o', 'json');
  expect(created.code).toBe(0);
  const t = JSON.parse(created.stdout) as { id: string; name: string; version: string };
  expect(t).toMatchObject({ name: 'notes', version: '1.0' });

  const list = await ocopea('templates', 'list');
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/notes\s*│\s*1\.0/);
  expect(list.stdout).toContain(t.id);

  const got = await ocopea('templates', 'get', 'notes:1.0', '-o', 'json');
  expect(JSON.parse(got.stdout)).toMatchObject({ id: t.id, appServiceTemplates: [{ appServiceName: 'notes-web' }] });

  const dup = await ocopea('templates', 'create', '-f', TEMPLATE);
  expect(dup.code).toBe(1);
  expect(dup.stderr).toMatch(/^error: .* \(HTTP 409\)$/);

  const sites = await ocopea('sites', '-o', 'json');
  expect(sites.code).toBe(0);
  expect(JSON.parse(sites.stdout)).toEqual([]);

  expect(await ocopea('apps', 'stop', 'nope')).toMatchObject({ code: 1, stderr: "error: no app named 'nope' (there are no apps)" });
  expect(await ocopea('sites', 'get', 'site-z')).toMatchObject({ code: 1, stderr: "error: no site named 'site-z' (there are no sites)" });
  expect((await ocopea('apps', 'deploy', 'notes')).code).toBe(2);
}, 60_000);
