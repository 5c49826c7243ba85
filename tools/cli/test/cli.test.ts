import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { run } from '../src/program';
import { pickOne } from '../src/resolve';
import { configDir, configFile } from '../src/config';
import { startFakeHub, op, OP_ID, type FakeHub } from './fake-hub';

const template = (name: string, version: string, id: string) => ({
  id, name, version, description: null, entryPointServiceName: 'web', createdByUserId: null,
  appServiceTemplates: [{ appServiceName: 'web', psbType: 'process', imageName: name, imageType: 'node', imageVersion: version }],
});
const APP = {
  id: '3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c', name: 'n1', appTemplateId: 't', siteId: 's1', baseSavedImageId: null, creatorUserId: null,
  deploymentType: 'test-dev', created: 1, state: 'running', webEntryPointURL: 'http://x/n1', stateMessage: null,
};

let hub: FakeHub;
let home: string;
let env: Record<string, string | undefined>;

/** Runs the CLI in-process; what it printed, and its exit code. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { env, out: (s) => out.push(s), err: (s) => err.push(s), pollMs: 5 });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeEach(async () => {
  hub = await startFakeHub();
  home = mkdtempSync(path.join(tmpdir(), 'ocopea-cli-'));
  env = { HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg') };
});
afterEach(() => hub.close());

async function login() {
  const tokenFile = path.join(home, 'token');
  writeFileSync(tokenFile, hub.token + '\n');
  return cli('login', '--hub', hub.url, '--token-file', tokenFile);
}

describe('pickOne', () => {
  const items = [{ id: 'a1', name: 'x' }, { id: 'b2', name: 'y' }, { id: 'c3', name: 'y' }];
  const names = (t: { name: string }) => [t.name];
  const label = (t: { name: string }) => t.name;
  it('finds by id and by name', () => {
    expect(pickOne('app', 'b2', items, names, label).id).toBe('b2');
    expect(pickOne('app', 'x', items, names, label).id).toBe('a1');
  });
  it('names the candidates of an ambiguous name', () => {
    expect(() => pickOne('app', 'y', items, names, label)).toThrow("'y' matches 2 apps: y [b2], y [c3]; name one by id");
  });
  it('says a name is unknown, and what exists', () => {
    expect(() => pickOne('app', 'z', items, names, label)).toThrow("no app named 'z' (known: x, y, y)");
    expect(() => pickOne('site', 'z', [], names, label)).toThrow("no site named 'z' (there are no sites)");
  });
});

describe('login and the config file', () => {
  it('stores hub and token under XDG_CONFIG_HOME, dir 0700 and file 0600, and never prints the token', async () => {
    const r = await login();
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toContain(hub.token);
    expect(r.out).toContain(`logged in to ${hub.url}/hub-api`);
    expect(configDir(env)).toBe(path.join(home, 'xdg', 'ocopea'));
    expect(statSync(configDir(env)).mode & 0o777).toBe(0o700);
    expect(statSync(configFile(env)).mode & 0o777).toBe(0o600);
    const cfg = JSON.parse(readFileSync(configFile(env), 'utf8'));
    expect(cfg).toMatchObject({ hubUrl: `${hub.url}/hub-api`, token: hub.token });
    expect(cfg.userId).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('falls back to ~/.config without XDG_CONFIG_HOME', () => {
    expect(configDir({ HOME: '/home/u' })).toBe('/home/u/.config/ocopea');
  });
  it('refuses a wrong token with the login hint, and stores nothing', async () => {
    const tokenFile = path.join(home, 'bad');
    writeFileSync(tokenFile, 'wrong');
    const r = await cli('login', '--hub', hub.url, '--token-file', tokenFile);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: missing or invalid bearer token (HTTP 401); run `ocopea login --hub URL --token-file FILE`');
    expect(() => statSync(configFile(env))).toThrow();
  });
  it('OCOPEA_HUB_URL / OCOPEA_TOKEN and --hub override the stored login', async () => {
    await login();
    env.OCOPEA_TOKEN = 'other';
    expect((await cli('templates', 'list')).code).toBe(1);
    env.OCOPEA_TOKEN = hub.token;
    env.OCOPEA_HUB_URL = 'http://127.0.0.1:1';
    expect((await cli('templates', 'list')).err).toMatch(/^error: cannot reach the Hub at http:\/\/127\.0\.0\.1:1\/hub-api\/app\/catalog/);
    expect((await cli('--hub', hub.url, 'templates', 'list')).code).toBe(0);
  });
});

describe('output formats', () => {
  beforeEach(async () => {
    await login();
    hub.state.templates.push(template('notes', '1.0', '11111111-0000-4000-8000-000000000001'), template('notes', '2.0', '11111111-0000-4000-8000-000000000002'));
  });
  it('prints a table by default, and the whole data as json or yaml', async () => {
    const table = await cli('templates', 'list');
    expect(table.out).toMatch(/NAME\s*│\s*VERSION/);
    expect(table.out).toContain('11111111-0000-4000-8000-000000000002');
    const json = JSON.parse((await cli('templates', 'list', '-o', 'json')).out);
    expect(json).toEqual(hub.state.templates);
    const yaml = parseYaml((await cli('-o', 'yaml', 'templates', 'get', 'notes:2.0')).out);
    expect(yaml).toEqual(hub.state.templates[1]);
  });
  it('an ambiguous template name lists the versions; an unknown one says so', async () => {
    const amb = await cli('templates', 'get', 'notes');
    expect(amb.code).toBe(1);
    expect(amb.err).toBe("error: 'notes' matches 2 templates: notes:1.0 [11111111-0000-4000-8000-000000000001], notes:2.0 [11111111-0000-4000-8000-000000000002]; name one by id");
    expect((await cli('templates', 'get', 'nope')).err).toBe("error: no template named 'nope' (known: notes:1.0, notes:2.0)");
  });
  it('bad arguments exit 2 with the usage', async () => {
    const r = await cli('templates', 'list', '-o', 'xml');
    expect(r.code).toBe(2);
    expect(r.err).toContain("argument 'xml' is invalid");
    expect((await cli('images', 'save', 'n1')).code).toBe(2);
  });
});

describe('templates create', () => {
  beforeEach(login);
  it('creates from YAML, filling createdByUserId, and reports a service conflict as one line', async () => {
    const f = path.join(home, 't.yaml');
    writeFileSync(f, 'name: notes\nversion: "1.0"\nappServiceTemplates:\n  - appServiceName: web\n    psbType: process\n');
    const r = await cli('templates', 'create', '-f', f, '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ name: 'notes', version: '1.0' });
    expect(hub.state.requests.at(-1)?.body).toMatchObject({ createdByUserId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const again = await cli('templates', 'create', '-f', f);
    expect(again).toMatchObject({ code: 1, err: 'error: template notes 1.0 exists (HTTP 409)' });
  });
  it('a YAML error names line and column', async () => {
    const f = path.join(home, 'bad.yaml');
    writeFileSync(f, 'name: notes\nversion: [1.0\n');
    const r = await cli('templates', 'create', '-f', f);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: ${f}:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]`);
  });
});

describe('following an operation', () => {
  beforeEach(async () => { await login(); hub.state.apps.push(APP); });
  it('prints the steps as they progress and ends 0', async () => {
    hub.state.opScript = [op('running', [['send-stop', 'running'], ['await-stopped', 'pending']]),
      op('running', [['send-stop', 'succeeded'], ['await-stopped', 'running', 'site says stopping']]),
      op('succeeded', [['send-stop', 'succeeded'], ['await-stopped', 'succeeded']])];
    const r = await cli('apps', 'stop', 'n1');
    expect(r.code).toBe(0);
    expect(r.err.split('\n')).toEqual(['  … send-stop', '  ✓ send-stop', '  … await-stopped — site says stopping', '  ✓ await-stopped']);
    expect(hub.state.requests.find((q) => q.url.endsWith('/commands/stop-app'))?.body).toMatchObject({ appInstanceId: APP.id });
    expect(r.out).toContain('n1');
  });
  it("exits 1 with the operation's reason on failure", async () => {
    hub.state.opScript = [op('failed', [['send-stop', 'failed']], { reason: 'site_error', message: 'the site said no', step: 'send-stop' })];
    const r = await cli('apps', 'stop', APP.id);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error: operation ${OP_ID} failed at send-stop: the site said no (site_error)`);
  });
  it('--no-wait prints the operation id', async () => {
    const r = await cli('apps', 'stop', 'n1', '--no-wait', '-o', 'json');
    expect(JSON.parse(r.out)).toEqual({ operationId: OP_ID, appInstanceId: APP.id });
    expect(hub.state.requests.some((q) => q.url.includes('/operations/'))).toBe(false);
  });
  it('an unknown app says so', async () => {
    expect(await cli('apps', 'stop', 'n9')).toMatchObject({ code: 1, err: "error: no app named 'n9' (known: n1)" });
  });
  it('apps stop takes several apps, checks every name first, and prints one JSON array', async () => {
    hub.state.apps.push({ ...APP, id: '3f2a9c1e-7b4d-4e8a-b5c6-000000000002', name: 'n2' });
    hub.state.opScript = [op('succeeded', [['send-stop', 'succeeded']])];
    expect((await cli('apps', 'stop', 'n1', 'n9')).code).toBe(1);
    expect(hub.state.requests.some((q) => q.url.endsWith('/commands/stop-app'))).toBe(false);
    const r = await cli('apps', 'stop', 'n1', 'n2', '-o', 'json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { name: string }[]).map((a) => a.name)).toEqual(['n1', 'n2']);
  });
});

describe('apps deploy', () => {
  const SITE = { id: '0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c', urn: 'site-a', url: 'http://s', name: 'A', version: '1', location: null, publicDns: null };
  beforeEach(async () => {
    await login();
    hub.state.apps.push(APP);
    hub.state.sites.push(SITE);
    hub.state.templates.push(template('notes', '1.0', '11111111-0000-4000-8000-000000000001'));
    hub.state.opScript = [op('succeeded', [['send-deploy', 'succeeded'], ['await-running', 'succeeded']])];
  });
  it("deploys with the Hub's plan for the named site and follows the operation", async () => {
    hub.state.plan = { appServices: { web: { enabled: true, space: 'default', artifactRegistryName: 'r', imageVersion: '1.0' } }, dataServices: {} };
    const r = await cli('apps', 'deploy', 'notes', '--site', 'site-a', '--name', 'n7', '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ name: 'n7', siteId: SITE.id });
    const planReq = hub.state.requests.find((q) => q.url.endsWith('/create-app-deployment-plan'));
    expect(planReq?.body).toEqual({ appTemplateId: '11111111-0000-4000-8000-000000000001', siteId: SITE.id });
    const deployReq = hub.state.requests.find((q) => q.url.endsWith('/deploy-application'));
    expect(deployReq?.body).toMatchObject({ appInstanceName: 'n7', siteId: SITE.id, deploymentPlan: hub.state.plan });
  });
  it('refuses, naming it, a dependency the site has no broker for', async () => {
    hub.state.plan = { appServices: {}, dataServices: { 'notes-db': { enabled: false, dsbUrn: null, planId: null, protocol: null } } };
    const r = await cli('apps', 'deploy', 'notes:1.0', '--site', 'A', '--name', 'n7');
    expect(r).toMatchObject({ code: 1, err: 'error: site site-a has no data service broker for notes-db (no plan of a matching protocol)' });
    expect(hub.state.requests.some((q) => q.url.endsWith('/deploy-application'))).toBe(false);
  });
});

describe('completion', () => {
  it('bash completes verbs, options and formats from the command tree', async () => {
    const script = (await cli('completion', 'bash')).out;
    const complete = (...words: string[]) => spawnSync('bash', ['-c', `${script}
COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _ocopea; echo "\${COMPREPLY[*]}"`, 'bash', 'ocopea', ...words], { encoding: 'utf8' }).stdout.trim();
    expect(complete('ap')).toBe('apps');
    expect(complete('apps', '')).toBe('list get deploy stop --hub --output --help');
    expect(complete('-o', 'json', 'images', 'deploy', '--s')).toBe('--site');
    expect(complete('templates', 'list', '-o', 'y')).toBe('yaml');
    expect((await cli('completion', 'fish')).code).toBe(2);
  });
});
