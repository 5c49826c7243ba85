// The kit's authentication and authorization with static credentials: what a caller without, with a bad or with a
// too-weak credential gets, the tokens file and the admin token settings, the public paths, audit lines, where a
// service may listen, and websocket upgrades. OIDC, scoped grants and the fuzz walk have their own files.
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
  authFromEnv, authorize, MAX_HEADER_BYTES, MAX_TOKEN_LENGTH, MIN_TOKEN_LENGTH, refuseUpgrade, roleAtLeast, runService, ROLES,
  type Principal, type RunningService, type SpecOperation,
} from '../src';
import { authPets, BASE, eventually, memoryLogger, rawHttp, sha256hex, tempDir, type AuthPets } from './fixtures/auth-pets';

const ADMIN = 'admin-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abc';
const FILE_ADMIN = 'file-admin-token-0123456789ab';
const UNKNOWN = 'not-a-token-anyone-issued-0123';
const ALL_TOKENS = [ADMIN, VIEWER, OPERATOR, FILE_ADMIN, UNKNOWN];

const bearer = (t: string) => `Bearer ${t}`;
const tokensYaml = (entries: [name: string, role: string, token: string][]) =>
  `principals:\n${entries.map(([n, r, t]) => `  - {name: ${n}, role: ${r}, sha256: ${sha256hex(t)}}`).join('\n')}\n`;

/** No log line of `p` holds any of the tokens (nor a long run of the 'a's of the oversized ones). */
function expectNoTokenLogged(p: AuthPets, tokens: string[] = ALL_TOKENS): void {
  const text = p.logs.text();
  expect(text.length).toBeGreaterThan(0);
  for (const t of tokens) expect(text).not.toContain(t);
  expect(text).not.toMatch(/a{64}/);
}

function expect401(res: { status: number; body: unknown; headers: Record<string, string> }, credentialSent: boolean): void {
  expect(res.status).toBe(401);
  expect(res.body).toMatchObject({ code: 401, reason: 'unauthorized', message: expect.any(String) });
  expect(res.headers['www-authenticate']).toBe(credentialSent ? 'Bearer realm="ocopea", error="invalid_token"' : 'Bearer realm="ocopea"');
}

describe('static credentials', () => {
  let dir: string;
  let tokensFile: string;
  let p: AuthPets;
  beforeAll(() => {
    dir = tempDir();
    tokensFile = path.join(dir, 'tokens.yaml');
    writeFileSync(tokensFile, tokensYaml([['vic', 'viewer', VIEWER], ['olga', 'operator', OPERATOR], ['ada', 'admin', FILE_ADMIN]]));
    p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN, OCOPEA_TOKENS_FILE: tokensFile } });
  });
  afterAll(() => p.close());
  afterEach(() => expectNoTokenLogged(p));

  it('anonymous: 401 {code, message, reason} with WWW-Authenticate: Bearer realm="ocopea", and nothing runs', async () => {
    for (const [method, url] of [['get', '/pets'], ['get', '/pets/7'], ['post', '/pets'], ['delete', '/pets/7'], ['get', '/no-such-route']] as const) {
      const res = await request(p.svc.app)[method](BASE + url).send(method === 'post' ? { name: 'anon' } : undefined);
      expect401(res, false);
      expect(res.body.message).toMatch(/missing credential/);
    }
    expect(p.mutations).toEqual([]);
  });

  it('an unknown token: 401 with error="invalid_token", whose message does not repeat the token', async () => {
    const res = await request(p.svc.app).post(`${BASE}/pets`).set('authorization', bearer(UNKNOWN)).send({ name: 'x' });
    expect401(res, true);
    expect(res.body.message).toBe('unknown bearer token');
    expect(JSON.stringify(res.body)).not.toContain(UNKNOWN);
    expect(p.mutations).toEqual([]);
  });

  it.each([
    ['Basic credentials', 'Basic YWRtaW46YWRtaW4='],
    ['Bearer alone', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['two spaces and junk after the token', `Bearer  ${ADMIN} junk`],
    ['a valid token followed by another word', `Bearer ${ADMIN} ${ADMIN}`],
    ['characters outside b64token', 'Bearer abc$def{}'],
    ['a quoted token', `Bearer "${ADMIN}"`],
    ['a token with a comma', `Bearer ${ADMIN},x`],
    ['padding in the middle', 'Bearer abc=def0123456789abcd'],
    ['the scheme only in lower case, no token', 'bearer'],
    ['a token one character past the limit', bearer('a'.repeat(MAX_TOKEN_LENGTH + 1))],
  ])('a malformed Authorization header (%s): 401, nothing changed', async (_what, header) => {
    for (const [method, url] of [['post', '/pets'], ['delete', '/pets/7'], ['get', '/pets']] as const) {
      const res = await request(p.svc.app)[method](BASE + url).set('authorization', header).send(method === 'post' ? { name: 'm' } : undefined);
      expect401(res, true);
      expect(JSON.stringify(res.body)).not.toContain(ADMIN);
    }
    expect(p.mutations).toEqual([]);
  });

  it('RFC 6750 allows any number of spaces after Bearer and any case of the scheme: still the same token', async () => {
    for (const header of [`Bearer  ${VIEWER}`, `bearer ${VIEWER}`, `BEARER ${VIEWER}`]) {
      expect((await request(p.svc.app).get(`${BASE}/pets`).set('authorization', header)).status).toBe(200);
    }
  });

  it('viewer (tokens file, by SHA-256): GET ok; POST and DELETE 403 naming the operation and the role needed', async () => {
    const list = await request(p.svc.app).get(`${BASE}/pets`).set('authorization', bearer(VIEWER));
    expect(list.status).toBe(200);
    expect((await request(p.svc.app).get(`${BASE}/pets/7`).set('authorization', bearer(VIEWER))).body).toEqual({ id: '7', name: 'seven' });
    const post = await request(p.svc.app).post(`${BASE}/pets`).set('authorization', bearer(VIEWER)).send({ name: 'vic-pet' });
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({ code: 403, reason: 'forbidden', message: "createPet needs the role admin; principal 'vic' has viewer" });
    expect(post.headers['www-authenticate']).toBeUndefined();
    const del = await request(p.svc.app).delete(`${BASE}/pets/7`).set('authorization', bearer(VIEWER));
    expect(del.status).toBe(403);
    expect(del.body.message).toMatch(/deletePet needs the role admin/);
    // A refused upload is refused before its body is read.
    const photo = await request(p.svc.app).post(`${BASE}/pets/7/photo`).set('authorization', bearer(VIEWER))
      .set('content-type', 'application/octet-stream').send(Buffer.alloc(64 * 1024, 1));
    expect(photo.status).toBe(403);
    expect(p.mutations).toEqual([]);
  });

  it('operator is more than viewer and less than admin: reads, but no admin operation', async () => {
    expect((await request(p.svc.app).get(`${BASE}/pets`).set('authorization', bearer(OPERATOR))).status).toBe(200);
    const post = await request(p.svc.app).post(`${BASE}/pets`).set('authorization', bearer(OPERATOR)).send({ name: 'olga-pet' });
    expect(post.status).toBe(403);
    expect(post.body.message).toBe("createPet needs the role admin; principal 'olga' has operator");
    expect(p.mutations).toEqual([]);
  });

  it('admin, from the environment or from the tokens file, may do everything', async () => {
    const a = await request(p.svc.app).post(`${BASE}/pets`).set('authorization', bearer(ADMIN)).send({ name: 'by-env-admin' });
    expect(a.status).toBe(201);
    const b = await request(p.svc.app).post(`${BASE}/pets`).set('authorization', bearer(FILE_ADMIN)).send({ name: 'by-file-admin' });
    expect(b.status).toBe(201);
    expect((await request(p.svc.app).delete(`${BASE}/pets/by-env-admin`).set('authorization', bearer(FILE_ADMIN))).status).toBe(204);
    expect(p.mutations).toEqual(['createPet by-env-admin', 'createPet by-file-admin', 'deletePet by-env-admin']);
    p.mutations.length = 0;
  });

  it('routes match the spec exactly: another case of the path is no way around the role (403 for a viewer, 404 for an admin, nothing runs)', async () => {
    for (const [method, url] of [['post', '/PETS-API/PETS'], ['post', '/pets-api/PETS'], ['delete', '/Pets-Api/pets/7'], ['delete', '/pets-api/Pets/7']] as const) {
      // A mutation that matches no operation of the spec needs admin: the second guard, besides exact routing.
      const res = await request(p.svc.app)[method](url).set('authorization', bearer(VIEWER)).send(method === 'post' ? { name: 'sneaky' } : undefined);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 403 });
      // Routing is case-sensitive: even an admin reaches no handler.
      const asAdmin = await request(p.svc.app)[method](url).set('authorization', bearer(ADMIN)).send(method === 'post' ? { name: 'sneaky' } : undefined);
      expect(asAdmin.status).toBe(404);
      expect(asAdmin.body).toMatchObject({ code: 404 });
    }
    expect(p.mutations).toEqual([]);
    expect((await request(p.svc.app).get(`${BASE}/pets/7`).set('authorization', bearer(ADMIN))).status).toBe(200);
  });
});

describe('roles', () => {
  it('roleAtLeast orders viewer < operator < admin', () => {
    expect(ROLES).toEqual(['viewer', 'operator', 'admin']);
    const table = ROLES.map((have) => ROLES.map((need) => roleAtLeast(have, need)));
    expect(table).toEqual([[true, false, false], [true, true, false], [true, true, true]]);
  });

  it('authorize: an operator operation takes operator and admin, refuses viewer naming the role needed', () => {
    const op: SpecOperation = { method: 'POST', path: '/apps/{id}/stop', operationId: 'stopApp', role: 'operator' };
    const who = (role: Principal['role']): Principal => ({ name: role + '-user', role, via: 'token' });
    expect(() => authorize(who('operator'), op, {})).not.toThrow();
    expect(() => authorize(who('admin'), op, {})).not.toThrow();
    expect(() => authorize(who('viewer'), op, {})).toThrow("stopApp needs the role operator; principal 'viewer-user' has viewer");
    // A route outside the spec takes the fallback role.
    expect(() => authorize(who('viewer'), undefined, {}, 'admin')).toThrow(/this route needs the role admin/);
  });
});

describe('the tokens file', () => {
  it('is reloaded on change (within 3 s) and on SIGHUP; a bad file on reload keeps the principals loaded before', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'tokens.yaml');
    const NEW_VIEWER = 'rotated-viewer-token-0123456789';
    writeFileSync(file, tokensYaml([['vic', 'viewer', VIEWER]]));
    const p = authPets({ env: { OCOPEA_TOKENS_FILE: file } });
    const get = (t: string) => request(p.svc.app).get(`${BASE}/pets`).set('authorization', bearer(t)).then((r) => r.status);
    try {
      expect(await get(VIEWER)).toBe(200);
      expect(await get(NEW_VIEWER)).toBe(401);

      writeFileSync(file, tokensYaml([['vic2', 'viewer', NEW_VIEWER]]));
      await eventually(async () => { expect(await get(NEW_VIEWER)).toBe(200); }, 3000);
      expect(await get(VIEWER)).toBe(401);
      expect(p.logs.lines.some((l) => l.msg === 'tokens file reloaded' && l.principals === 1)).toBe(true);

      writeFileSync(file, 'principals: [{name: broken, role: emperor, sha256: nothex}]\n');
      await eventually(() => { expect(p.logs.lines.some((l) => l.msg === 'tokens file not reloaded: keeping the principals loaded before')).toBe(true); }, 3000);
      expect(await get(NEW_VIEWER)).toBe(200);

      // SIGHUP reloads at once (the watcher polls once a second; this needs no wait).
      writeFileSync(file, tokensYaml([['vic', 'viewer', VIEWER]]));
      process.emit('SIGHUP', 'SIGHUP');
      expect(await get(VIEWER)).toBe(200);
      expect(await get(NEW_VIEWER)).toBe(401);
      expectNoTokenLogged(p, [VIEWER, NEW_VIEWER]);
    } finally {
      p.close();
    }
  });

  it.each([
    ['missing', null],
    ['not YAML', 'principals: [unclosed\n'],
    ['not a list', 'principals: 3\n'],
    ['a role that does not exist', 'principals: [{name: a, role: root, sha256: ' + sha256hex('x'.repeat(20)) + '}]\n'],
    ['the token instead of its hash', `principals: [{name: a, role: admin, sha256: ${ADMIN}}]\n`],
    ['a name twice', tokensYaml([['a', 'viewer', VIEWER], ['a', 'admin', ADMIN]])],
    ['a name with spaces', tokensYaml([['a b', 'viewer', VIEWER]])],
  ])('a bad tokens file at start (%s) throws naming the file', (_what, content) => {
    const file = path.join(tempDir(), 'tokens.yaml');
    if (content !== null) writeFileSync(file, content);
    expect(() => authFromEnv({ service: 'pets', log: memoryLogger().log, dataDir: () => tempDir(), env: { OCOPEA_TOKENS_FILE: file } }))
      .toThrow(`OCOPEA_TOKENS_FILE ${file}`);
  });
});

describe('the admin token settings', () => {
  const build = (env: NodeJS.ProcessEnv, dataDir = tempDir()) => authFromEnv({ service: 'pets', log: memoryLogger().log, dataDir: () => dataDir, env });

  it(`OCOPEA_ADMIN_TOKEN shorter than ${MIN_TOKEN_LENGTH} characters, or not a bearer token, is refused at start`, () => {
    expect(() => build({ OCOPEA_ADMIN_TOKEN: 'a'.repeat(MIN_TOKEN_LENGTH - 1) })).toThrow(`OCOPEA_ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
    expect(() => build({ OCOPEA_ADMIN_TOKEN: 'short' })).toThrow(/OCOPEA_ADMIN_TOKEN/);
    expect(() => build({ OCOPEA_ADMIN_TOKEN: 'a'.repeat(MIN_TOKEN_LENGTH) })).not.toThrow();
    expect(() => build({ OCOPEA_ADMIN_TOKEN: 'has spaces in it 0123456789' })).toThrow(/OCOPEA_ADMIN_TOKEN must be a bearer token/);
    expect(() => build({ OCOPEA_AUTH: 'maybe', OCOPEA_ADMIN_TOKEN: ADMIN })).toThrow(/OCOPEA_AUTH must be 'on' or 'off'/);
  });

  it('OCOPEA_ADMIN_TOKEN_FILE: the token in that file (trailing newline ignored) is the admin token', async () => {
    const file = path.join(tempDir(), 'admin-token');
    writeFileSync(file, ADMIN + '\n');
    const p = authPets({ env: { OCOPEA_ADMIN_TOKEN_FILE: file } });
    expect((await request(p.svc.app).post(`${BASE}/pets`).set('authorization', bearer(ADMIN)).send({ name: 'f' })).status).toBe(201);
    expect((await request(p.svc.app).get(`${BASE}/pets`).set('authorization', bearer(ADMIN.slice(1)))).status).toBe(401);
    expect(p.svc.auth.o.sources).toEqual([`OCOPEA_ADMIN_TOKEN_FILE ${file}`]);
    expectNoTokenLogged(p, [ADMIN]);
    writeFileSync(file, 'short\n');
    expect(() => build({ OCOPEA_ADMIN_TOKEN_FILE: file })).toThrow(`OCOPEA_ADMIN_TOKEN_FILE must be at least ${MIN_TOKEN_LENGTH} characters`);
    expect(() => build({ OCOPEA_ADMIN_TOKEN_FILE: file + '.missing' })).toThrow(`OCOPEA_ADMIN_TOKEN_FILE: cannot read ${file}.missing: ENOENT`);
  });

  it('nothing configured: an admin token generated into <data dir>/admin-token (0600), logged by path only, reused', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'admin-token');
    const first = authPets({ env: {}, dataDir });
    const token = readFileSync(file, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const warn = first.logs.lines.find((l) => l.level === 40 && l.file === file);
    expect(warn?.msg).toContain(file);
    expect(first.logs.text()).not.toContain(token);

    expect((await request(first.svc.app).get(`${BASE}/pets`)).status).toBe(401);
    expect((await request(first.svc.app).post(`${BASE}/pets`).set('authorization', bearer(token)).send({ name: 'gen' })).status).toBe(201);

    const second = authPets({ env: {}, dataDir });
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect((await request(second.svc.app).delete(`${BASE}/pets/7`).set('authorization', bearer(token))).status).toBe(204);
    expect(second.logs.text()).not.toContain(token);

    // A configured credential means no generated one: the generated file is not even looked at.
    const configured = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN }, dataDir });
    expect((await request(configured.svc.app).get(`${BASE}/pets`).set('authorization', bearer(token))).status).toBe(401);
  });
});

describe('public paths', () => {
  let p: AuthPets;
  beforeAll(() => { p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } }); });

  it('/healthz: exactly {status: ok} for anyone without a valid credential; more for a known caller', async () => {
    for (const prefix of ['', BASE]) {
      for (const auth of [undefined, bearer(UNKNOWN), 'Basic eDp5', bearer('a'.repeat(9000))]) {
        const req = request(p.svc.app).get(`${prefix}/healthz`);
        const res = await (auth ? req.set('authorization', auth) : req);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ status: 'ok' });
      }
      const known = await request(p.svc.app).get(`${prefix}/healthz`).set('authorization', bearer(ADMIN));
      expect(known.status).toBe(200);
      expect(known.body).toEqual({ status: 'ok', service: 'pets', pets: 2 });
    }
  });

  it('/healthz: the instance id its starter gave, to anyone (and nothing more to an unknown caller)', async () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const started = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN }, instance: id });
    for (const prefix of ['', BASE]) {
      expect((await request(started.svc.app).get(`${prefix}/healthz`)).body).toEqual({ status: 'ok', instance: id });
      expect((await request(started.svc.app).get(`${prefix}/healthz`).set('authorization', bearer(UNKNOWN))).body).toEqual({ status: 'ok', instance: id });
      expect((await request(started.svc.app).get(`${prefix}/healthz`).set('authorization', bearer(ADMIN))).body).toEqual({ status: 'ok', service: 'pets', instance: id, pets: 2 });
    }
  });

  it('/openapi.json and /docs need no credential', async () => {
    for (const prefix of ['', BASE]) {
      const spec = await request(p.svc.app).get(`${prefix}/openapi.json`);
      expect(spec.status).toBe(200);
      expect(spec.body.paths['/pets'].post['x-ocopea-role']).toBe('admin');
      const docs = await request(p.svc.app).get(`${prefix}/docs/`);
      expect(docs.status).toBe(200);
      expect(docs.text).toMatch(/swagger-ui/i);
    }
  });
});

describe('audit', () => {
  it('one audit line per mutating call (refused ones included), none for reads, no credential in any line', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'tokens.yaml');
    writeFileSync(file, tokensYaml([['vic', 'viewer', VIEWER]]));
    const p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN, OCOPEA_TOKENS_FILE: file } });
    try {
      const calls = [
        await request(p.svc.app).post(`${BASE}/pets`).set('authorization', bearer(ADMIN)).set('x-request-id', 'rq-create').send({ name: 'audited' }),
        await request(p.svc.app).post(`${BASE}/pets`).set('authorization', bearer(VIEWER)).set('x-request-id', 'rq-viewer').send({ name: 'nope' }),
        await request(p.svc.app).delete(`${BASE}/pets/7`).set('x-request-id', 'rq-anon'),
        await request(p.svc.app).delete(`${BASE}/pets/8`).set('authorization', bearer(UNKNOWN)).set('x-request-id', 'rq-unknown'),
        await request(p.svc.app).delete(`${BASE}/pets/audited`).set('authorization', bearer(ADMIN)).set('x-request-id', 'rq-delete'),
        await request(p.svc.app).get(`${BASE}/pets`).set('authorization', bearer(ADMIN)).set('x-request-id', 'rq-read'),
        await request(p.svc.app).get(`${BASE}/pets/7`).set('authorization', bearer(VIEWER)).set('x-request-id', 'rq-read2'),
        await request(p.svc.app).get(`${BASE}/pets`).set('x-request-id', 'rq-read3'),
      ];
      expect(calls.map((c) => c.status)).toEqual([201, 403, 401, 401, 204, 200, 200, 401]);
      const audit = () => p.logs.lines.filter((l) => l.audit === true);
      await eventually(() => expect(audit()).toHaveLength(5));
      await new Promise((r) => setTimeout(r, 50));
      expect(audit()).toHaveLength(5);
      const byId = Object.fromEntries(audit().map((l) => [l.requestId, l]));
      expect(Object.keys(byId).sort()).toEqual(['rq-anon', 'rq-create', 'rq-delete', 'rq-unknown', 'rq-viewer']);
      expect(byId['rq-create']).toMatchObject({ msg: 'audit', principal: 'admin', role: 'admin', via: 'token', operation: 'createPet', outcome: 201, targets: { name: 'audited' } });
      expect(byId['rq-viewer']).toMatchObject({ principal: 'vic', role: 'viewer', operation: 'createPet', outcome: 403 });
      expect(byId['rq-anon']).toMatchObject({ principal: null, role: null, outcome: 401 });
      expect(byId['rq-anon'].operation).toMatch(/deletePet|DELETE \/pets-api\/pets\/7/);
      expect(byId['rq-unknown']).toMatchObject({ principal: null, outcome: 401 });
      expect(byId['rq-delete']).toMatchObject({ principal: 'admin', operation: 'deletePet', outcome: 204, targets: { petId: 'audited' } });
      for (const l of p.logs.lines) {
        const headers = (l.req as { headers?: Record<string, unknown> } | undefined)?.headers;
        if (headers?.authorization !== undefined) expect(headers.authorization).toBe('[redacted]');
      }
      expectNoTokenLogged(p, [ADMIN, VIEWER, UNKNOWN]);
    } finally {
      p.close();
    }
  });
});

describe('where a service may listen', () => {
  const running: RunningService[] = [];
  afterEach(async () => { await Promise.all(running.splice(0).map((r) => r.close())); });

  it('OCOPEA_AUTH=off: a warning at start; refused on 0.0.0.0 (and ::, and a public name); served on loopback', async () => {
    const p = authPets({ env: { OCOPEA_AUTH: 'off' } });
    expect(p.svc.auth.enabled).toBe(false);
    expect(p.logs.lines.some((l) => l.level === 40 && /OCOPEA_AUTH=off/.test(String(l.msg)))).toBe(true);
    for (const host of ['0.0.0.0', '::', 'example.org', '']) {
      await expect(runService(p.svc, { port: 0, host, handleSignals: false })).rejects.toThrow(/OCOPEA_AUTH=off is refused when listening on/);
    }
    const r = await runService(p.svc, { port: 0, host: '127.0.0.1', handleSignals: false });
    running.push(r);
    const res = await fetch(`${r.url}/pets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"dev"}' });
    expect(res.status).toBe(201);
    expect(p.mutations).toEqual(['createPet dev']);
  });

  it('the default host is 127.0.0.1 (unless OCOPEA_HOST says otherwise), with auth on or off', async () => {
    const saved = process.env.OCOPEA_HOST;
    delete process.env.OCOPEA_HOST;
    try {
      for (const env of [{ OCOPEA_ADMIN_TOKEN: ADMIN }, { OCOPEA_AUTH: 'off' }]) {
        const r = await runService(authPets({ env }).svc, { port: 0, handleSignals: false });
        running.push(r);
        expect((r.server.address() as AddressInfo).address).toBe('127.0.0.1');
        expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pets-api$/);
      }
    } finally {
      if (saved !== undefined) process.env.OCOPEA_HOST = saved;
    }
  });
});

describe('through a real listening server', () => {
  let p: AuthPets;
  let r: RunningService;
  beforeAll(async () => {
    const file = path.join(tempDir(), 'tokens.yaml');
    writeFileSync(file, tokensYaml([['vic', 'viewer', VIEWER], ['olga', 'operator', OPERATOR]]));
    p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN, OCOPEA_TOKENS_FILE: file } });
    r = await runService(p.svc, { port: 0, host: '127.0.0.1', handleSignals: false });
    r.server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      const role = req.url?.startsWith(`${BASE}/operator-stream`) ? 'operator' : undefined;
      p.svc.authorizeUpgrade(req, role).then(
        (who) => socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Principal: ${who.name}\r\n\r\n`),
        (err) => refuseUpgrade(socket, err),
      );
    });
  });
  afterAll(async () => { await r.close(); p.close(); });
  afterEach(() => expectNoTokenLogged(p));

  const createPet = (authorization: string) => {
    const body = '{"name":"huge"}';
    return `POST ${BASE}/pets HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: ${authorization}\r\n`
      + `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  };

  it('a token of 100 KB: the kit\'s 401 JSON (headers up to 128 KiB reach it), never 5xx; past 128 KiB the kit\'s 431 JSON; nothing changed', async () => {
    const res = await rawHttp(r.port, createPet(bearer('a'.repeat(100 * 1024))));
    expect(res.status).toBe(401);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(res.body)).toMatchObject({ code: 401, message: `credential longer than ${MAX_TOKEN_LENGTH} characters`, reason: 'unauthorized' });
    const huge = await rawHttp(r.port, createPet(bearer('a'.repeat(MAX_HEADER_BYTES + 1))));
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toEqual({ code: 431, message: 'request line or headers too large', reason: 'request_header_fields_too_large' });
    // Still serving, and nothing was created.
    const list = await fetch(`${r.url}/pets`, { headers: { authorization: bearer(ADMIN) } });
    expect(await list.json()).toEqual([{ id: '7', name: 'seven' }, { id: '8', name: 'eight' }]);
    expect(p.mutations).toEqual([]);
  });

  it('a token of 9 KB (under node\'s header limit, over the kit\'s): 401 {code, message}', async () => {
    const res = await fetch(`${r.url}/pets`, { method: 'POST', headers: { authorization: bearer('a'.repeat(9 * 1024)), 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 401, reason: 'unauthorized', message: `credential longer than ${MAX_TOKEN_LENGTH} characters` });
    expect(p.mutations).toEqual([]);
  });

  it('two Authorization headers: 401 whatever their order (node alone would keep the first one)', async () => {
    for (const [a, b] of [[ADMIN, UNKNOWN], [UNKNOWN, ADMIN], [ADMIN, ADMIN]]) {
      const body = '{"name":"twice"}';
      const res = await rawHttp(r.port, `POST ${BASE}/pets HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${a}\r\n`
        + `Authorization: Bearer ${b}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ code: 401, message: 'more than one Authorization header' });
    }
    expect(p.mutations).toEqual([]);
  });

  it('malformed headers on the wire: 401 JSON, never 5xx', async () => {
    for (const header of ['Basic YWRtaW46YWRtaW4=', 'Bearer', `Bearer  ${ADMIN} junk`, 'Bearer \x01\x02', 'Bearer \xff\xfe']) {
      const res = await rawHttp(r.port, createPet(header));
      expect(res.status === 401 || res.status === 400).toBe(true);
      expect(JSON.parse(res.body)).toMatchObject({ code: res.status, message: expect.any(String) });
    }
    expect(p.mutations).toEqual([]);
  });

  const upgrade = (url: string, authorization?: string) => new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: r.port, path: url, agent: false, headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      ...(authorization ? { Authorization: authorization } : {}),
    } });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }); });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

  it('websocket upgrades are checked before they happen: anonymous 401, viewer on a GET of the spec 101', async () => {
    const anon = await upgrade(`${BASE}/pets`);
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toBe('Bearer realm="ocopea"');
    expect(JSON.parse(anon.body)).toMatchObject({ code: 401, reason: 'unauthorized' });
    const bad = await upgrade(`${BASE}/pets/7`, bearer(UNKNOWN));
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer realm="ocopea", error="invalid_token"');
    const viewer = await upgrade(`${BASE}/pets/7`, bearer(VIEWER));
    expect(viewer.status).toBe(101);
    expect(viewer.headers['x-principal']).toBe('vic');
  });

  it('a websocket endpoint outside the spec takes the role it is given: viewer 403, operator and admin 101', async () => {
    const viewer = await upgrade(`${BASE}/operator-stream/x`, bearer(VIEWER));
    expect(viewer.status).toBe(403);
    expect(JSON.parse(viewer.body)).toMatchObject({ code: 403, message: expect.stringMatching(/needs the role operator/) });
    expect((await upgrade(`${BASE}/operator-stream/x`, bearer(OPERATOR))).status).toBe(101);
    expect((await upgrade(`${BASE}/operator-stream/x`, bearer(ADMIN))).status).toBe(101);
  });

  it('authorizeUpgrade on a bare request object: anonymous 401, viewer resolves with its principal', async () => {
    const req = (authorization?: string) => ({ method: 'GET', url: `${BASE}/pets`, headers: authorization ? { authorization } : {} }) as unknown as IncomingMessage;
    await expect(p.svc.authorizeUpgrade(req())).rejects.toMatchObject({ status: 401 });
    await expect(p.svc.authorizeUpgrade(req(bearer(VIEWER)))).resolves.toMatchObject({ name: 'vic', role: 'viewer', via: 'token' });
  });
});
