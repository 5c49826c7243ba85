// OpenID Connect bearer tokens, verified against a JWKS this test serves itself (fixtures/oidc-issuer.ts).
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { authFromEnv } from '../src';
import { authPets, BASE, memoryLogger, type AuthPets } from './fixtures/auth-pets';
import { AUDIENCE, newKey, startIssuer, unsignedJwt, type TestIssuer } from './fixtures/oidc-issuer';

const now = () => Math.floor(Date.now() / 1000);
const b64url = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');

/** An HS256 JWT signed with `secret` (by hand: what an attacker who knows a public key might try). */
function hs256(payload: Record<string, unknown>, secret: string | Buffer, kid = 'k1'): string {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('OIDC bearer tokens', () => {
  let iss: TestIssuer;
  let p: AuthPets;
  const issued: string[] = [];
  const sign = async (...args: Parameters<TestIssuer['sign']>) => { const t = await iss.sign(...args); issued.push(t); return t; };
  const call = (method: 'get' | 'post' | 'delete', url: string, token: string, app = p.svc.app) =>
    request(app)[method](BASE + url).set('authorization', `Bearer ${token}`).send(method === 'post' ? { name: `p${issued.length}` } : undefined);

  beforeAll(async () => {
    iss = await startIssuer();
    p = authPets({ env: { OCOPEA_OIDC_ISSUER: iss.issuer, OCOPEA_OIDC_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => { await iss.close(); });
  afterEach(() => {
    const text = p.logs.text();
    for (const t of issued) {
      expect(text).not.toContain(t);
      expect(text).not.toContain(t.split('.')[2] || t.split('.')[1]);
    }
  });

  it('a valid token with a role claim: that role (viewer reads, admin writes), named by preferred_username', async () => {
    const viewer = await sign({ sub: 'u1', preferred_username: 'alice', ocopea_role: 'viewer' });
    expect((await call('get', '/pets/7', viewer)).status).toBe(200);
    const refused = await call('post', '/pets', viewer);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("createPet needs the role admin; principal 'alice' has viewer");
    const admin = await sign({ sub: 'u2', ocopea_role: 'admin' });
    expect((await call('post', '/pets', admin)).status).toBe(201);
    expect(p.mutations).toHaveLength(1);
    // Verified once each, the keys were fetched once: discovery, then the JWKS, cached after.
    expect(iss.hits).toEqual({ discovery: 1, jwks: 1 });
  });

  it('a role in a list claim: the highest role named counts, foreign names are ignored', async () => {
    const op = await sign({ sub: 'bob', ocopea_role: ['offline_access', 'viewer', 'operator'] });
    expect((await call('get', '/pets', op)).status).toBe(200);
    const refused = await call('delete', '/pets/7', op);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("deletePet needs the role admin; principal 'bob' has operator");
    expect((await call('delete', '/pets/8', await sign({ sub: 'carol', ocopea_role: ['viewer', 'admin'] }))).status).toBe(204);
  });

  it('a role in a dotted claim (OCOPEA_OIDC_ROLE_CLAIM=realm_access.roles); the configured claim is the only one read', async () => {
    const q = authPets({ env: { OCOPEA_OIDC_ISSUER: iss.issuer, OCOPEA_OIDC_AUDIENCE: AUDIENCE, OCOPEA_OIDC_ROLE_CLAIM: 'realm_access.roles' } });
    const admin = await sign({ sub: 'dave', realm_access: { roles: ['uma_authorization', 'admin'] } });
    expect((await call('post', '/pets', admin, q.svc.app)).status).toBe(201);
    const viewer = await sign({ sub: 'erin', realm_access: { roles: 'viewer' } });
    expect((await call('get', '/pets', viewer, q.svc.app)).status).toBe(200);
    expect((await call('post', '/pets', viewer, q.svc.app)).status).toBe(403);
    const elsewhere = await call('get', '/pets', await sign({ sub: 'frank', ocopea_role: 'admin' }), q.svc.app);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.message).toBe("token of 'frank' carries no role in claim 'realm_access.roles' (viewer, operator or admin)");
    expect(q.mutations).toHaveLength(1);
  });

  it('a valid token without a known role: 403 (known caller, no role), not 401', async () => {
    for (const claims of [{ sub: 'gina' }, { sub: 'gina', ocopea_role: 'superuser' }, { sub: 'gina', ocopea_role: ['root'] }, { sub: 'gina', ocopea_role: { admin: true } }]) {
      const res = await call('post', '/pets', await sign(claims));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 403, reason: 'forbidden', message: "token of 'gina' carries no role in claim 'ocopea_role' (viewer, operator or admin)" });
    }
  });

  it.each([
    ['expired', async () => sign({ sub: 'x', ocopea_role: 'admin' }, { expiresAt: now() - 120 }), /expired/],
    ['for another audience', async () => sign({ sub: 'x', ocopea_role: 'admin' }, { audience: 'someone-else' }), /claim 'aud'/],
    ['of another issuer', async () => sign({ sub: 'x', ocopea_role: 'admin' }, { issuer: 'http://127.0.0.1:1' }), /claim 'iss'/],
    ['signed by another key under a published kid', async () => sign({ sub: 'x', ocopea_role: 'admin' }, { key: await newKey('k1') }), /signature does not verify/],
    ['signed by a key the issuer does not publish', async () => sign({ sub: 'x', ocopea_role: 'admin' }, { key: await newKey('stranger') }), /key the issuer does not publish/],
    ['unsigned (alg none)', async () => unsignedJwt({ iss: iss.issuer, aud: AUDIENCE, sub: 'x', exp: now() + 300, ocopea_role: 'admin' }), /algorithm not allowed/],
    ['unsigned (alg NONE, kid of a real key)', async () => unsignedJwt({ iss: iss.issuer, aud: AUDIENCE, sub: 'x', exp: now() + 300, ocopea_role: 'admin' }, { alg: 'NONE', kid: 'k1' }), /algorithm not allowed/],
    ['RS256 header, no signature', async () => { const [h, b] = (await sign({ sub: 'x', ocopea_role: 'admin' })).split('.'); return `${h}.${b}.`; }, /signature does not verify|not a valid JWT/],
    ['HS256 signed with a secret', async () => hs256({ iss: iss.issuer, aud: AUDIENCE, sub: 'x', exp: now() + 300, ocopea_role: 'admin' }, 'a shared secret'), /algorithm not allowed/],
    ['HS256 signed with the public key', async () => hs256({ iss: iss.issuer, aud: AUDIENCE, sub: 'x', exp: now() + 300, ocopea_role: 'admin' }, JSON.stringify(iss.published[0].publicJwk)), /algorithm not allowed/],
    ['a payload changed after signing', async () => { const [h, , s] = (await sign({ sub: 'x', ocopea_role: 'viewer' })).split('.'); return `${h}.${b64url({ iss: iss.issuer, aud: AUDIENCE, sub: 'x', exp: now() + 300, ocopea_role: 'admin' })}.${s}`; }, /signature does not verify/],
    ['not JSON inside', async () => 'bm90LWpzb24.bm90LWpzb24.c2ln', /not a valid JWT|refused/],
  ])('a token %s: 401 with error="invalid_token", nothing changed', async (_what, make, why) => {
    const token = await make();
    issued.push(token);
    const before = p.mutations.length;
    for (const [method, url] of [['post', '/pets'], ['get', '/pets'], ['delete', '/pets/7']] as const) {
      const res = await call(method, url, token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 401, reason: 'unauthorized', message: expect.stringMatching(why) });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="ocopea", error="invalid_token"');
    }
    expect(p.mutations.length).toBe(before);
  });

  it('a token expired less than the 30 s clock tolerance ago is still accepted', async () => {
    expect((await call('get', '/pets', await sign({ sub: 'x', ocopea_role: 'viewer' }, { expiresAt: now() - 10 }))).status).toBe(200);
  });

  it('key rotation: a new key under a new kid verifies once jose may refetch the JWKS (after its 30 s cooldown)', async () => {
    // Our own verifier, so that the fetch counts and cooldown are this test's alone.
    const q = authPets({ env: { OCOPEA_OIDC_ISSUER: iss.issuer, OCOPEA_OIDC_AUDIENCE: AUDIENCE } });
    const old = iss.published[0];
    const fetchesBefore = iss.hits.jwks;
    expect((await call('get', '/pets', await sign({ sub: 'r', ocopea_role: 'viewer' }), q.svc.app)).status).toBe(200);
    expect(iss.hits.jwks).toBe(fetchesBefore + 1);

    const k2 = await newKey('k2');
    iss.published = [old, k2];
    const byNew = await sign({ sub: 'r', ocopea_role: 'viewer' }, { key: k2 });
    // Within jose's cooldown (30 s after the last fetch) an unknown kid is refused without a refetch: a flood of
    // tokens with made-up kids cannot make us hammer the issuer.
    const early = await call('get', '/pets', byNew, q.svc.app);
    expect(early.status).toBe(401);
    expect(early.body.message).toMatch(/key the issuer does not publish/);
    expect(iss.hits.jwks).toBe(fetchesBefore + 1);

    // Rather than wait 30 s, move jose's clock (it reads Date.now; token expiry is checked with new Date()).
    const realNow = Date.now.bind(Date);
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 31_000);
    try {
      expect((await call('get', '/pets', byNew, q.svc.app)).status).toBe(200);
      expect(iss.hits.jwks).toBe(fetchesBefore + 2);
      // Both keys are known now; further tokens need no fetch.
      expect((await call('get', '/pets', await sign({ sub: 'r', ocopea_role: 'viewer' }), q.svc.app)).status).toBe(200);
      expect((await call('get', '/pets', byNew, q.svc.app)).status).toBe(200);
      expect(iss.hits.jwks).toBe(fetchesBefore + 2);
    } finally {
      spy.mockRestore();
    }

    // A verifier started after the rotation knows the new key from its first fetch.
    const fresh = authPets({ env: { OCOPEA_OIDC_ISSUER: iss.issuer, OCOPEA_OIDC_AUDIENCE: AUDIENCE } });
    iss.published = [k2];
    expect((await call('get', '/pets', byNew, fresh.svc.app)).status).toBe(200);
    const retired = await call('get', '/pets', await sign({ sub: 'r', ocopea_role: 'viewer' }, { key: old }), fresh.svc.app);
    expect(retired.status).toBe(401);
    iss.published = [old, k2];
  });

  it('OCOPEA_OIDC_JWKS_URL: keys from there, no discovery', async () => {
    const discoveries = iss.hits.discovery;
    const q = authPets({ env: { OCOPEA_OIDC_ISSUER: iss.issuer, OCOPEA_OIDC_JWKS_URL: `${iss.issuer}/jwks.json` } });
    // No audience configured: any `aud` is taken.
    expect((await call('get', '/pets', await sign({ sub: 's', ocopea_role: 'viewer' }, { audience: 'whatever' }), q.svc.app)).status).toBe(200);
    expect(iss.hits.discovery).toBe(discoveries);
  });

  it('an issuer that cannot be reached: 503 for a token that needs its keys, still 401 for one refused on sight', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    const q = authPets({ env: { OCOPEA_OIDC_ISSUER: deadUrl, OCOPEA_OIDC_AUDIENCE: AUDIENCE } });
    const needsKeys = await sign({ sub: 'x', ocopea_role: 'admin' }, { issuer: deadUrl });
    const res = await call('post', '/pets', needsKeys, q.svc.app);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 503, reason: 'unavailable', message: expect.stringMatching(/identity provider keys unavailable/) });
    for (const onSight of [
      unsignedJwt({ iss: deadUrl, aud: AUDIENCE, sub: 'x', exp: now() + 300, ocopea_role: 'admin' }),
      hs256({ iss: deadUrl, aud: AUDIENCE, sub: 'x', exp: now() + 300, ocopea_role: 'admin' }, 'secret'),
      'bm90LWpzb24.bm90LWpzb24.c2ln',
    ]) {
      issued.push(onSight);
      const r = await call('post', '/pets', onSight, q.svc.app);
      expect(r.status).toBe(401);
    }
    expect(q.mutations).toEqual([]);
    expect(q.logs.text()).not.toContain(needsKeys);
  });

  it('OCOPEA_OIDC_ISSUER that is not an http(s) URL is refused at start', () => {
    expect(() => authFromEnv({ service: 'pets', log: memoryLogger().log, dataDir: () => '/nonexistent', env: { OCOPEA_OIDC_ISSUER: 'issuer.example' } }))
      .toThrow("OCOPEA_OIDC_ISSUER must be an http(s) URL, got 'issuer.example'");
  });
});
