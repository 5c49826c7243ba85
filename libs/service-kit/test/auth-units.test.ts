// The auth building blocks one at a time, without a server: roles, authorize, the Authenticator's order and limits,
// the tokens file's checks, authFromEnv's settings, the spec matcher, the URL capability, and refuseUpgrade's bytes.
// Each test pins one decision (401 vs 403, which role, which message), so a flipped condition fails here.
import type { IncomingMessage } from 'node:http';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import { ForbiddenError, NotFoundError, UnauthorizedError, ConflictError } from '@ocopea/errors';
import {
  authFromEnv, authorize, authorizationHeader, Authenticator, capabilityPrefix, describePrincipal, highestRole, isRole,
  maySeeSecrets, MAX_TOKEN_LENGTH, OidcVerifier, principalOf, readTokensFile, refuseUpgrade, relativePath, roleAtLeast,
  sha256, SpecOperations, TokenBook, wwwAuthenticate, type OpenApiDocument, type Principal, type SpecOperation,
} from '../src';
import { memoryLogger, sha256hex, tempDir } from './fixtures/auth-pets';

const T1 = 'first-token-0123456789abcdef';
const T2 = 'second-token-0123456789abcde';

describe('roles', () => {
  it('isRole: exactly the three role names, nothing else', () => {
    for (const r of ['viewer', 'operator', 'admin']) expect(isRole(r)).toBe(true);
    for (const x of ['Admin', 'root', '', undefined, null, 2, ['admin']]) expect(isRole(x)).toBe(false);
  });

  it('roleAtLeast: a role is at least itself and every role below it, never one above', () => {
    expect(roleAtLeast('viewer', 'viewer')).toBe(true);
    expect(roleAtLeast('operator', 'viewer')).toBe(true);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(roleAtLeast('operator', 'admin')).toBe(false);
    expect(roleAtLeast('admin', 'operator')).toBe(true);
  });

  it('highestRole: the highest known role, whatever the order; undefined when none is a role', () => {
    expect(highestRole(['viewer', 'admin', 'operator'])).toBe('admin');
    expect(highestRole(['operator', 'viewer'])).toBe('operator');
    expect(highestRole(['viewer', 'operator'])).toBe('operator');
    expect(highestRole(['superuser', 'viewer', 7])).toBe('viewer');
    expect(highestRole(['superuser'])).toBeUndefined();
    expect(highestRole([])).toBeUndefined();
  });

  it('describePrincipal: name (role)', () => {
    expect(describePrincipal({ name: 'vic', role: 'viewer' })).toBe('vic (viewer)');
  });
});

describe('authorize', () => {
  const op = (role: SpecOperation['role']): SpecOperation => ({ method: 'POST', path: '/pets', operationId: 'createPet', role });
  const who = (role: Principal['role']): Principal => ({ name: 'p', role, via: 'token' });

  it('no operation: the fallback decides (viewer by default), naming "this route"', () => {
    expect(() => authorize(who('viewer'), undefined, {})).not.toThrow();
    expect(() => authorize(who('operator'), undefined, {}, 'admin')).toThrow(new ForbiddenError("this route needs the role admin; principal 'p' has operator"));
    expect(() => authorize(who('admin'), undefined, {}, 'admin')).not.toThrow();
  });

  it("the operation's role wins over the fallback", () => {
    expect(() => authorize(who('viewer'), op('viewer'), {}, 'admin')).not.toThrow();
    expect(() => authorize(who('operator'), op('admin'), {}, 'viewer')).toThrow(/createPet needs the role admin/);
  });

  it('a scoped credential is asked, with the operation id and params, whatever role it carries', () => {
    const seen: unknown[] = [];
    const scoped: Principal = { name: 'grant:1', role: 'admin', via: 'grant', scope: 'reading copy 7', allows: (o) => { seen.push(o); return o.params.id === '7'; } };
    expect(() => authorize(scoped, op('viewer'), { id: '7' })).not.toThrow();
    expect(seen).toEqual([{ operationId: 'createPet', params: { id: '7' } }]);
    expect(() => authorize(scoped, op('viewer'), { id: '8' })).toThrow(new ForbiddenError('this credential allows only reading copy 7; not createPet'));
    // No operation matched: refused without asking, even for an admin-role grant.
    expect(() => authorize(scoped, undefined, {}, 'viewer')).toThrow(new ForbiddenError('this credential allows only reading copy 7; not this route'));
    expect(seen).toHaveLength(2);
    const unnamed: Principal = { name: 'g', role: 'admin', via: 'grant', allows: () => false };
    expect(() => authorize(unnamed, op('viewer'), {})).toThrow(new ForbiddenError('this credential allows only a scoped operation; not createPet'));
  });
});

describe('Authenticator', () => {
  const book = () => new TokenBook([{ name: 'ada', role: 'admin', sha256: sha256(T1) }]);

  it('mode off: every caller is the anonymous admin, whatever it sends', async () => {
    const a = new Authenticator({ mode: 'off', book: book(), sources: [] });
    expect(a.enabled).toBe(false);
    await expect(a.authenticate(undefined)).resolves.toEqual({ name: 'anonymous', role: 'admin', via: 'auth-off' });
    await expect(a.authenticate('Bearer garbage')).resolves.toEqual({ name: 'anonymous', role: 'admin', via: 'auth-off' });
  });

  it('no credential is a 401 without credentialSent; an empty header too', async () => {
    const a = new Authenticator({ mode: 'on', book: book(), sources: [] });
    expect(a.enabled).toBe(true);
    for (const h of [undefined, '']) {
      const err = await a.authenticate(h).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnauthorizedError);
      expect((err as UnauthorizedError).credentialSent).toBe(false);
      expect((err as Error).message).toBe('missing credential: send Authorization: Bearer <token>');
    }
  });

  it('two headers, a malformed one, a malformed token: 401 with credentialSent, each with its own message', async () => {
    const a = new Authenticator({ mode: 'on', book: book(), sources: [] });
    const fails = async (h: string | string[], msg: string | RegExp) => {
      const err = await a.authenticate(h).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnauthorizedError);
      expect((err as UnauthorizedError).credentialSent).toBe(true);
      expect((err as Error).message).toMatch(msg);
    };
    await fails([`Bearer ${T1}`, `Bearer ${T1}`], /^more than one Authorization header$/);
    await fails(`Basic ${T1}`, /^malformed Authorization header/);
    await fails(`Bearer ${T1} extra`, /^malformed Authorization header/);
    await fails('Bearer a,b', /^malformed bearer token$/);
    await fails('Bearer =abc', /^malformed bearer token$/);
    await fails('Bearer unknown-token-0123456789', /^unknown bearer token$/);
  });

  it('length: a header of MAX_TOKEN_LENGTH + 7 characters is read, one more is refused before parsing', async () => {
    const a = new Authenticator({ mode: 'on', book: book(), sources: [] });
    const atLimit = 'Bearer ' + 'a'.repeat(MAX_TOKEN_LENGTH);
    await expect(a.authenticate(atLimit)).rejects.toThrow(/^unknown bearer token$/);
    await expect(a.authenticate(atLimit + 'a')).rejects.toThrow(`credential longer than ${MAX_TOKEN_LENGTH} characters`);
    // Spaces count: a token of the limit with two spaces after Bearer is one character too long.
    await expect(a.authenticate('Bearer  ' + 'a'.repeat(MAX_TOKEN_LENGTH))).rejects.toThrow(/^credential longer/);
    // Trailing spaces count too: this header is exactly at the limit, its token one under.
    await expect(a.authenticate('bearer ' + 'a'.repeat(MAX_TOKEN_LENGTH - 1) + ' ')).rejects.toThrow(/^unknown bearer token$/);
  });

  it('order: static token first, then grants, then OIDC; a JWT-looking token goes to OIDC only if nothing else knows it', async () => {
    const calls: string[] = [];
    const grants = async (t: string) => { calls.push(`grant ${t}`); return t === T2 ? { name: 'grant:x', role: 'viewer' as const, via: 'grant' as const } : undefined; };
    const oidc = new OidcVerifier({ issuer: 'http://127.0.0.1:1' });
    const verify = jest.spyOn(oidc, 'verify').mockResolvedValue({ name: 'jwt-user', role: 'operator', via: 'oidc' });
    const a = new Authenticator({ mode: 'on', book: book(), grants, oidc, sources: [] });
    await expect(a.authenticate(`Bearer ${T1}`)).resolves.toEqual({ name: 'ada', role: 'admin', via: 'token' });
    expect(calls).toEqual([]);
    await expect(a.authenticate(`Bearer ${T2}`)).resolves.toMatchObject({ name: 'grant:x', via: 'grant' });
    expect(calls).toEqual([`grant ${T2}`]);
    await expect(a.authenticate('Bearer aaa.bbb.ccc')).resolves.toMatchObject({ name: 'jwt-user', via: 'oidc' });
    expect(verify).toHaveBeenCalledWith('aaa.bbb.ccc');
    await expect(a.authenticate('Bearer not-a-jwt-0123456789')).rejects.toThrow(/^unknown bearer token$/);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('a capability: only the grants may accept it; malformed, unknown or without grants is a 401 with credentialSent', async () => {
    const grants = async (t: string) => (t === T2 ? { name: 'grant:c', role: 'viewer' as const, via: 'grant' as const } : undefined);
    const withGrants = new Authenticator({ mode: 'on', book: book(), grants, sources: [] });
    // The Authorization header is not looked at when the URL carries a capability.
    await expect(withGrants.authenticate(`Bearer ${T1}`, T2)).resolves.toMatchObject({ name: 'grant:c' });
    const msg = 'the capability in this URL is not valid here (expired, or not issued by this service)';
    for (const cap of [T1, 'a,b', '']) {
      const err = await withGrants.authenticate(`Bearer ${T1}`, cap).catch((e: unknown) => e);
      expect(err).toEqual(new UnauthorizedError(msg));
      expect((err as UnauthorizedError).credentialSent).toBe(true);
    }
    const noGrants = new Authenticator({ mode: 'on', book: book(), sources: [] });
    await expect(noGrants.authenticate(undefined, T2)).rejects.toThrow(msg);
  });

  it('a malformed capability never reaches the grants', async () => {
    const seen: string[] = [];
    const a = new Authenticator({ mode: 'on', book: book(), grants: async (t) => { seen.push(t); return undefined; }, sources: [] });
    await expect(a.authenticate(undefined, 'bad token')).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(a.authenticate(undefined, 'x'.repeat(MAX_TOKEN_LENGTH + 1))).rejects.toBeInstanceOf(UnauthorizedError);
    expect(seen).toEqual([]);
    await expect(a.authenticate(undefined, 'x'.repeat(MAX_TOKEN_LENGTH))).rejects.toBeInstanceOf(UnauthorizedError);
    expect(seen).toHaveLength(1);
  });

  it('OidcVerifier.looksLikeJwt: three base64url parts (the signature may be empty), nothing else', () => {
    expect(OidcVerifier.looksLikeJwt('aa.bb.cc')).toBe(true);
    expect(OidcVerifier.looksLikeJwt('a-_.b_-.')).toBe(true);
    for (const t of ['aa.bb', 'aa.bb.cc.dd', '.bb.cc', 'aa..cc', 'x aa.bb.cc', 'aa.bb.cc x', 'a+.b.c']) expect(OidcVerifier.looksLikeJwt(t)).toBe(false);
  });
});

describe('TokenBook', () => {
  it('finds a token by its SHA-256 among fixed and file entries; the first entry of a hash wins', () => {
    const b = new TokenBook([{ name: 'first', role: 'viewer', sha256: sha256(T1) }]);
    expect(b.size).toBe(1);
    b.setFileEntries([{ name: 'second', role: 'admin', sha256: sha256(T1) }, { name: 'two', role: 'operator', sha256: sha256(T2) }]);
    expect(b.size).toBe(3);
    expect(b.lookup(T1)).toEqual({ name: 'first', role: 'viewer', via: 'token' });
    expect(b.lookup(T2)).toEqual({ name: 'two', role: 'operator', via: 'token' });
    expect(b.lookup('other')).toBeUndefined();
    b.setFileEntries([]);
    expect(b.size).toBe(1);
    expect(b.lookup(T2)).toBeUndefined();
    expect(new TokenBook().size).toBe(0);
  });

  it('sha256 is the SHA-256 of the UTF-8 token', () => {
    expect(sha256('é').toString('hex')).toBe(sha256hex('é'));
  });
});

describe('readTokensFile', () => {
  const dir = tempDir();
  let n = 0;
  const file = (text: string) => { const f = path.join(dir, `t${n++}.yaml`); writeFileSync(f, text); return f; };
  const entry = (name: string, role = 'viewer', hash = sha256hex(T1)) => ({ name, role, sha256: hash });

  it('takes {principals: [...]} or the list alone, YAML or JSON; upper-case hex too', () => {
    const f = file(JSON.stringify({ principals: [entry('a.b@c:d-e_f', 'operator', sha256hex(T1).toUpperCase())] }));
    expect(readTokensFile(f)).toEqual([{ name: 'a.b@c:d-e_f', role: 'operator', sha256: sha256(T1) }]);
    const g = file(`- {name: ${'n'.repeat(128)}, role: admin, sha256: ${sha256hex(T2)}}\n`);
    expect(readTokensFile(g)).toEqual([{ name: 'n'.repeat(128), role: 'admin', sha256: sha256(T2) }]);
  });

  it('refuses, naming the file and the entry: no list, bad names, twice the same name, bad role, bad hash', () => {
    const bad = (doc: unknown, msg: string) => {
      const f = file(JSON.stringify(doc));
      expect(() => readTokensFile(f)).toThrow(`OCOPEA_TOKENS_FILE ${f}${msg}`);
    };
    const noList = ': expected {principals: [{name, role, sha256}]}';
    bad({ principals: 'x' }, noList);
    bad({ other: [] }, noList);
    bad(null, noList);
    const nameMsg = ': principals[0]: name must be 1-128 letters, digits or _.@:-';
    bad([entry('')], nameMsg);
    bad([entry('n'.repeat(129))], nameMsg);
    bad([entry('a b')], nameMsg);
    bad([entry('x/y')], nameMsg);
    bad([{ role: 'viewer', sha256: sha256hex(T1) }], nameMsg);
    bad([7], nameMsg);
    bad([entry('ok'), entry('ok', 'admin', sha256hex(T2))], ": principals[1]: name 'ok' appears twice");
    bad([entry('ok', 'root')], ': principals[0] (ok): role must be viewer, operator or admin');
    const hashMsg = ": principals[0] (ok): sha256 must be 64 hex digits (the token's SHA-256, not the token)";
    bad([entry('ok', 'viewer', T1)], hashMsg);
    bad([entry('ok', 'viewer', sha256hex(T1).slice(1))], hashMsg);
    bad([entry('ok', 'viewer', sha256hex(T1) + 'a')], hashMsg);
    bad([entry('ok', 'viewer', 'g' + sha256hex(T1).slice(1))], hashMsg);
    bad([{ name: 'ok', role: 'viewer', sha256: 5 }], hashMsg);
  });

  it('a file that is not YAML, or not there, names the file', () => {
    const f = file('principals: [\n');
    expect(() => readTokensFile(f)).toThrow(new RegExp(`^OCOPEA_TOKENS_FILE ${f}: .+`));
    const missing = path.join(dir, 'missing.yaml');
    expect(() => readTokensFile(missing)).toThrow(new RegExp(`^OCOPEA_TOKENS_FILE ${missing}: ENOENT`));
  });
});

describe('authFromEnv', () => {
  const base = { service: 'pets', dataDir: () => { throw new Error('no generated token here'); } };
  const make = (env: NodeJS.ProcessEnv, log = memoryLogger()) => authFromEnv({ ...base, log: log.log, env });

  it('OCOPEA_AUTH: on, off (any case, spaces around) or unset; anything else is refused naming the value', async () => {
    expect(make({ OCOPEA_AUTH: ' OFF ' }).enabled).toBe(false);
    expect(make({ OCOPEA_AUTH: 'off' }).o.sources).toEqual(['OCOPEA_AUTH=off']);
    expect(make({ OCOPEA_AUTH: ' On', OCOPEA_ADMIN_TOKEN: T1 }).enabled).toBe(true);
    expect(make({ OCOPEA_AUTH: '', OCOPEA_ADMIN_TOKEN: T1 }).enabled).toBe(true);
    expect(() => make({ OCOPEA_AUTH: 'maybe' })).toThrow("OCOPEA_AUTH must be 'on' or 'off', got 'maybe'");
    expect(() => make({ OCOPEA_AUTH: 'offf' })).toThrow(/OCOPEA_AUTH must be/);
  });

  it('OCOPEA_ADMIN_TOKEN: trimmed, named "admin" with role admin; 16 characters is enough, 15 is not', async () => {
    const a = make({ OCOPEA_ADMIN_TOKEN: `  ${T1}\n` });
    expect(a.o.sources).toEqual(['OCOPEA_ADMIN_TOKEN']);
    await expect(a.authenticate(`Bearer ${T1}`)).resolves.toEqual({ name: 'admin', role: 'admin', via: 'token' });
    expect(make({ OCOPEA_ADMIN_TOKEN: 'a'.repeat(16) }).o.sources).toEqual(['OCOPEA_ADMIN_TOKEN']);
    expect(() => make({ OCOPEA_ADMIN_TOKEN: 'a'.repeat(15) })).toThrow('OCOPEA_ADMIN_TOKEN must be at least 16 characters');
    expect(() => make({ OCOPEA_ADMIN_TOKEN: `${T1} x` })).toThrow('OCOPEA_ADMIN_TOKEN must be a bearer token (letters, digits and -._~+/ only)');
    expect(() => make({ OCOPEA_ADMIN_TOKEN: `=${T1}` })).toThrow(/must be a bearer token/);
    expect(() => make({ OCOPEA_ADMIN_TOKEN: `${T1}=x` })).toThrow(/must be a bearer token/);
    expect(make({ OCOPEA_ADMIN_TOKEN: `${T1}==` }).o.sources).toEqual(['OCOPEA_ADMIN_TOKEN']);
  });

  it('OCOPEA_ADMIN_TOKEN_FILE wins over OCOPEA_ADMIN_TOKEN; a file that cannot be read names it and the error code', async () => {
    const dir = tempDir();
    const f = path.join(dir, 'admin');
    writeFileSync(f, `${T2}\n`);
    const a = make({ OCOPEA_ADMIN_TOKEN_FILE: f, OCOPEA_ADMIN_TOKEN: T1 });
    expect(a.o.sources).toEqual([`OCOPEA_ADMIN_TOKEN_FILE ${f}`]);
    await expect(a.authenticate(`Bearer ${T2}`)).resolves.toMatchObject({ name: 'admin', role: 'admin' });
    await expect(a.authenticate(`Bearer ${T1}`)).rejects.toThrow(/unknown bearer token/);
    const missing = path.join(dir, 'nope');
    expect(() => make({ OCOPEA_ADMIN_TOKEN_FILE: missing })).toThrow(`OCOPEA_ADMIN_TOKEN_FILE: cannot read ${missing}: ENOENT`);
    writeFileSync(f, 'short\n');
    expect(() => make({ OCOPEA_ADMIN_TOKEN_FILE: f })).toThrow('OCOPEA_ADMIN_TOKEN_FILE must be at least 16 characters');
  });

  it('OIDC settings: issuer must be http(s); audience, claim and JWKS URL passed on (empty = unset); sources say what is on', () => {
    expect(() => make({ OCOPEA_OIDC_ISSUER: 'ftp://idp' })).toThrow("OCOPEA_OIDC_ISSUER must be an http(s) URL, got 'ftp://idp'");
    expect(() => make({ OCOPEA_OIDC_ISSUER: 'see https://idp' })).toThrow(/must be an http\(s\) URL/);
    const a = make({ OCOPEA_OIDC_ISSUER: 'https://idp.example', OCOPEA_OIDC_AUDIENCE: 'ocopea', OCOPEA_OIDC_ROLE_CLAIM: 'r.s', OCOPEA_OIDC_JWKS_URL: 'https://idp.example/keys' });
    expect(a.o.sources).toEqual(['OIDC issuer https://idp.example']);
    expect((a.o.oidc as unknown as { o: unknown }).o).toEqual({ issuer: 'https://idp.example', audience: 'ocopea', roleClaim: 'r.s', jwksUrl: 'https://idp.example/keys' });
    const b = make({ OCOPEA_OIDC_ISSUER: 'http://idp', OCOPEA_OIDC_AUDIENCE: '', OCOPEA_OIDC_ROLE_CLAIM: '', OCOPEA_OIDC_JWKS_URL: '' });
    expect((b.o.oidc as unknown as { o: unknown }).o).toEqual({ issuer: 'http://idp', audience: undefined, roleClaim: undefined, jwksUrl: undefined });
  });

  it('sources combine in order: admin token, tokens file, OIDC; no generated token then', () => {
    const dir = tempDir();
    const tf = path.join(dir, 'tokens.yaml');
    writeFileSync(tf, `principals: [{name: vic, role: viewer, sha256: ${sha256hex(T2)}}]\n`);
    const a = make({ OCOPEA_ADMIN_TOKEN: T1, OCOPEA_TOKENS_FILE: tf, OCOPEA_OIDC_ISSUER: 'https://idp' });
    try {
      expect(a.o.sources).toEqual(['OCOPEA_ADMIN_TOKEN', `OCOPEA_TOKENS_FILE ${tf}`, 'OIDC issuer https://idp']);
      expect(a.o.book.size).toBe(2);
    } finally { a.o.close?.(); }
  });

  it('the tokens file: SIGHUP reloads it and says how many principals; after close() a SIGHUP changes nothing', async () => {
    const dir = tempDir();
    const tf = path.join(dir, 'tokens.yaml');
    const yaml = (...entries: [string, string][]) => `principals:\n${entries.map(([n, t]) => `  - {name: ${n}, role: operator, sha256: ${sha256hex(t)}}`).join('\n')}\n`;
    writeFileSync(tf, yaml(['one', T1]));
    const logs = memoryLogger();
    const a = make({ OCOPEA_TOKENS_FILE: tf }, logs);
    try {
      await expect(a.authenticate(`Bearer ${T1}`)).resolves.toEqual({ name: 'one', role: 'operator', via: 'token' });
      writeFileSync(tf, yaml(['two', T2], ['three', 'third-token-0123456789abcdef']));
      process.emit('SIGHUP', 'SIGHUP');
      await expect(a.authenticate(`Bearer ${T2}`)).resolves.toMatchObject({ name: 'two' });
      await expect(a.authenticate(`Bearer ${T1}`)).rejects.toThrow(/unknown bearer token/);
      expect(logs.lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'tokens file reloaded', file: tf, principals: 2 }));
      writeFileSync(tf, 'principals: 3\n');
      process.emit('SIGHUP', 'SIGHUP');
      expect(logs.lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'tokens file not reloaded: keeping the principals loaded before', file: tf,
        err: `OCOPEA_TOKENS_FILE ${tf}: expected {principals: [{name, role, sha256}]}` }));
      await expect(a.authenticate(`Bearer ${T2}`)).resolves.toMatchObject({ name: 'two' });
    } finally { a.o.close?.(); }
    writeFileSync(tf, yaml(['one', T1]));
    process.emit('SIGHUP', 'SIGHUP');
    await expect(a.authenticate(`Bearer ${T2}`)).resolves.toMatchObject({ name: 'two' });
    await expect(a.authenticate(`Bearer ${T1}`)).rejects.toThrow(/unknown bearer token/);
  });

  it('a data dir whose admin-token cannot be read (a directory) is an error, not a new token', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'admin-token'));
    expect(() => authFromEnv({ service: 'pets', log: memoryLogger().log, env: {}, dataDir: () => dir })).toThrow(/EISDIR/);
  });

  it('a dangling admin-token symlink: the exclusive create fails (EEXIST) and the read again says why', () => {
    const dir = tempDir();
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'admin-token'));
    // Read: ENOENT (the link points nowhere); create with wx: EEXIST (the name exists); read again: ENOENT.
    expect(() => authFromEnv({ service: 'pets', log: memoryLogger().log, env: {}, dataDir: () => dir })).toThrow(/ENOENT/);
  });
});

describe('SpecOperations', () => {
  const spec = (paths: Record<string, unknown>): OpenApiDocument => ({ openapi: '3.0.3', info: { title: 'T', version: '1' }, paths });
  const ops = new SpecOperations(spec({
    '/app/{id}': { get: { operationId: 'getApp', 'x-ocopea-role': 'viewer' }, put: { operationId: 'putApp', 'x-ocopea-role': 'operator' }, patch: { 'x-ocopea-role': 'admin' } },
    '/app/instance-state': { get: { operationId: 'state', 'x-ocopea-role': 'operator' } },
    '/files/{a}/{b}.json': { delete: { operationId: 'delFile', 'x-ocopea-role': 'admin' } },
  }));

  it('lists every operation with its role; an operation without operationId is named by method and path', () => {
    expect(ops.all.map((o) => `${o.method} ${o.path} ${o.operationId} ${o.role}`)).toEqual([
      'GET /app/{id} getApp viewer', 'PUT /app/{id} putApp operator', 'PATCH /app/{id} patch /app/{id} admin',
      'GET /app/instance-state state operator', 'DELETE /files/{a}/{b}.json delFile admin',
    ]);
  });

  it('matches method (HEAD as GET, any case) and path; literal paths before templated ones; params decoded', () => {
    expect(ops.match('GET', '/app/instance-state')?.op.operationId).toBe('state');
    expect(ops.match('get', '/app/x%20y')).toEqual({ op: expect.objectContaining({ operationId: 'getApp' }), params: { id: 'x y' } });
    expect(ops.match('HEAD', '/app/7')?.op.operationId).toBe('getApp');
    expect(ops.match('head', '/app/7/')?.op.operationId).toBe('getApp');
    expect(ops.match('PUT', '/app/7')?.op.operationId).toBe('putApp');
    expect(ops.match('POST', '/app/7')).toBeUndefined();
    expect(ops.match('GET', '/app/7/more')).toBeUndefined();
    expect(ops.match('GET', '/x/app/7')).toBeUndefined();
    expect(ops.match('DELETE', '/files/f/g.json')).toEqual({ op: expect.objectContaining({ operationId: 'delFile' }), params: { a: 'f', b: 'g' } });
    // The dot of the template is a dot, not any character.
    expect(ops.match('DELETE', '/files/f/gxjson')).toBeUndefined();
    // A parameter that does not decode: the operation still decides (its role), with no params.
    expect(ops.match('GET', '/app/%E0%A4%A')).toEqual({ op: expect.objectContaining({ operationId: 'getApp' }), params: {} });
  });

  it('refuses an operation without a valid x-ocopea-role, naming spec, method and path', () => {
    expect(() => new SpecOperations(spec({ '/p': { post: { operationId: 'p' } } }))).toThrow('T: POST /p declares no x-ocopea-role (viewer, operator or admin)');
    expect(() => new SpecOperations(spec({ '/p': { get: { 'x-ocopea-role': 'root' } } }))).toThrow(/GET \/p declares no x-ocopea-role/);
    expect(new SpecOperations(spec({ '/p': { parameters: [], summary: 'x' } })).all).toEqual([]);
  });
});

describe('URL capability and request helpers', () => {
  const run = (basePath: string, url: string) => {
    const req = { url, originalUrl: url } as { url: string; originalUrl: string; capability?: string };
    let called = 0;
    capabilityPrefix(basePath)(req as never, {} as never, () => { called++; });
    expect(called).toBe(1);
    return req;
  };

  it('capabilityPrefix takes <base>/cap/<token> out of url and originalUrl, keeping the rest and the query', () => {
    expect(run('/crb', '/crb/cap/tok-1/copies/7?x=1')).toEqual({ url: '/crb/copies/7?x=1', originalUrl: '/crb/copies/7?x=1', capability: 'tok-1' });
    expect(run('/crb', '/crb/cap/tok-2')).toEqual({ url: '/crb/', originalUrl: '/crb/', capability: 'tok-2' });
    expect(run('/crb', '/crb/cap/tok-3?x=1')).toEqual({ url: '/crb/?x=1', originalUrl: '/crb/?x=1', capability: 'tok-3' });
    expect(run('/', '/cap/tok-4/copies')).toEqual({ url: '/copies', originalUrl: '/copies', capability: 'tok-4' });
  });

  it('capabilityPrefix leaves every other URL alone', () => {
    for (const [b, u] of [['/crb', '/crb/copies/cap/x'], ['/crb', '/other/cap/x/y'], ['/crb', '/crbx/cap/x'], ['/crb', '/crb/cap/'], ['/', '/copies/cap/x'], ['/', '/cap/']]) {
      expect(run(b, u)).toEqual({ url: u, originalUrl: u });
    }
  });

  it('relativePath: the path under the base, without the query; undefined outside it', () => {
    expect(relativePath('/', '/pets?x=1')).toBe('/pets');
    expect(relativePath('/api', '/api')).toBe('/');
    expect(relativePath('/api', '/api?x=1')).toBe('/');
    expect(relativePath('/api', '/api/pets/7?x=/api/')).toBe('/pets/7');
    expect(relativePath('/api', '/apix/pets')).toBeUndefined();
    expect(relativePath('/api', '/pets')).toBeUndefined();
  });

  it('authorizationHeader: every Authorization value when there are several (any case), else the parsed header', () => {
    const req = (raw: string[], auth?: string) => ({ rawHeaders: raw, headers: { authorization: auth } }) as unknown as IncomingMessage;
    expect(authorizationHeader(req(['Authorization', 'Bearer a', 'host', 'x', 'AUTHORIZATION', 'Bearer b'], 'Bearer a'))).toEqual(['Bearer a', 'Bearer b']);
    expect(authorizationHeader(req(['authorization', 'Bearer a', 'x-authorization', 'Bearer b'], 'Bearer a'))).toBe('Bearer a');
    expect(authorizationHeader(req([], 'Bearer p'))).toBe('Bearer p');
    expect(authorizationHeader({ headers: {} } as IncomingMessage)).toBeUndefined();
    // An odd-length list (never from node, but no out-of-range read): the last name alone is no header.
    expect(authorizationHeader(req(['authorization', 'Bearer a', 'authorization'], 'Bearer a'))).toBe('Bearer a');
  });

  it('maySeeSecrets: an admin principal only; never a scoped grant, never without a principal', () => {
    const req = (principal?: Principal) => ({ principal }) as unknown as IncomingMessage;
    const admin: Principal = { name: 'a', role: 'admin', via: 'token' };
    expect(principalOf(req(admin))).toBe(admin);
    expect(maySeeSecrets(req(admin))).toBe(true);
    expect(maySeeSecrets(req({ ...admin, role: 'operator' }))).toBe(false);
    expect(maySeeSecrets(req({ ...admin, allows: () => true }))).toBe(false);
    expect(maySeeSecrets(req())).toBe(false);
  });
});

describe('refuseUpgrade', () => {
  const answer = (err: unknown) => {
    const socket = new PassThrough();
    let text = '';
    socket.on('data', (d: Buffer) => { text += d.toString('utf8'); });
    refuseUpgrade(socket as unknown as Duplex, err);
    return { socket, text: () => text };
  };

  it('401: status line, JSON with its length in bytes, WWW-Authenticate, Connection: close, then the end', async () => {
    const a = answer(new UnauthorizedError('nö token', { credentialSent: true }));
    await new Promise((r) => a.socket.on('end', r));
    const body = JSON.stringify({ code: 401, message: 'nö token', reason: 'unauthorized' });
    expect(a.text()).toBe('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json; charset=utf-8\r\n'
      + 'WWW-Authenticate: Bearer realm="ocopea", error="invalid_token"\r\n'
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    expect(Buffer.byteLength(body)).toBe(body.length + 1);
  });

  it('403 and 404 have their names and no WWW-Authenticate; a status without a name says Error', async () => {
    const f = answer(new ForbiddenError('no'));
    await new Promise((r) => f.socket.on('end', r));
    expect(f.text()).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(f.text()).not.toMatch(/WWW-Authenticate/);
    const n = answer(new NotFoundError('none'));
    await new Promise((r) => n.socket.on('end', r));
    expect(n.text()).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    const c = answer(new ConflictError('busy'));
    await new Promise((r) => c.socket.on('end', r));
    expect(c.text()).toMatch(/^HTTP\/1\.1 409 Error\r\n/);
    const s = answer(new Error('secret'));
    await new Promise((r) => s.socket.on('end', r));
    expect(s.text()).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(s.text()).not.toContain('secret');
  });

  it('a socket that can no longer be written is destroyed, nothing written', () => {
    const socket = new PassThrough();
    socket.end();
    expect(socket.writable).toBe(false);
    const destroy = jest.spyOn(socket, 'destroy');
    refuseUpgrade(socket as unknown as Duplex, new UnauthorizedError('x'));
    expect(destroy).toHaveBeenCalled();
  });

  it('wwwAuthenticate: error="invalid_token" only when a credential was sent', () => {
    expect(wwwAuthenticate(new UnauthorizedError('x'))).toBe('Bearer realm="ocopea"');
    expect(wwwAuthenticate(new UnauthorizedError('x', { credentialSent: true }))).toBe('Bearer realm="ocopea", error="invalid_token"');
  });
});
