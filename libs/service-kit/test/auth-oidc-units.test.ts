// OidcVerifier on its own: who a token names, where its role is read, each refusal in its exact words, and what
// discovery does when the issuer answers badly (503, and a later call tries again).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ForbiddenError, UnauthorizedError, UnavailableError } from '@ocopea/errors';
import { OidcVerifier } from '../src';
import { AUDIENCE, startIssuer, type TestIssuer } from './fixtures/oidc-issuer';

const now = () => Math.floor(Date.now() / 1000);

describe('OidcVerifier', () => {
  let iss: TestIssuer;
  let v: OidcVerifier;
  beforeEach(async () => {
    iss = await startIssuer();
    v = new OidcVerifier({ issuer: iss.issuer, audience: AUDIENCE });
  });
  afterEach(async () => { await iss.close(); });

  it('names the caller by preferred_username, else email, else sub, else oidc-user; at most 128 characters', async () => {
    const name = async (claims: Record<string, unknown>) => (await v.verify(await iss.sign({ ocopea_role: 'viewer', ...claims }))).name;
    expect(await v.verify(await iss.sign({ sub: 's', preferred_username: 'pu', email: 'e@x', ocopea_role: 'operator' }))).toEqual({ name: 'pu', role: 'operator', via: 'oidc' });
    expect(await name({ sub: 's', email: 'e@x' })).toBe('e@x');
    expect(await name({ sub: 's' })).toBe('s');
    expect(await name({})).toBe('oidc-user');
    expect(await name({ sub: 'n'.repeat(200) })).toBe('n'.repeat(128));
  });

  it('reads the role from a dotted claim, and finds none through a value that is not an object', async () => {
    const deep = new OidcVerifier({ issuer: iss.issuer, audience: AUDIENCE, roleClaim: 'a.b.c' });
    expect((await deep.verify(await iss.sign({ sub: 's', a: { b: { c: ['viewer', 'admin'] } } }))).role).toBe('admin');
    for (const a of ['text', 5, null, { b: 'viewer' }, { b: null }]) {
      const err = await deep.verify(await iss.sign({ sub: 's', a })).catch((e: unknown) => e);
      expect(err).toEqual(new ForbiddenError("token of 's' carries no role in claim 'a.b.c' (viewer, operator or admin)"));
    }
  });

  it('each refusal in words: expired; a claim that does not match; nothing of the token repeated', async () => {
    const refuse = async (token: string) => {
      const err = await v.verify(token).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnauthorizedError);
      expect((err as UnauthorizedError).credentialSent).toBe(true);
      expect((err as Error).message).not.toContain(token.split('.')[2]);
      return (err as Error).message;
    };
    expect(await refuse(await iss.sign({ sub: 's', ocopea_role: 'admin' }, { expiresAt: now() - 120 }))).toBe('bearer token refused: expired');
    expect(await refuse(await iss.sign({ sub: 's', ocopea_role: 'admin' }, { audience: 'other' }))).toBe("bearer token refused: claim 'aud' does not match");
    expect(await refuse(await iss.sign({ sub: 's', ocopea_role: 'admin', nbf: now() + 3600 }))).toBe("bearer token refused: claim 'nbf' does not match");
    expect(await refuse('e30.e30.c2ln')).toMatch(/^bearer token refused: (not a valid JWT|ERR_)/);
  });

  it('the clock tolerance is 30 s: expired 10 s ago is accepted, 60 s ago is not', async () => {
    await expect(v.verify(await iss.sign({ sub: 's', ocopea_role: 'viewer' }, { expiresAt: now() - 10 }))).resolves.toMatchObject({ role: 'viewer' });
    await expect(v.verify(await iss.sign({ sub: 's', ocopea_role: 'viewer' }, { expiresAt: now() - 60 }))).rejects.toThrow('bearer token refused: expired');
  });

  it('an issuer URL with a trailing slash: discovery at <issuer>/.well-known/openid-configuration, once', async () => {
    const slash = new OidcVerifier({ issuer: `${iss.issuer}/`, audience: AUDIENCE });
    await expect(slash.verify(await iss.sign({ sub: 's', ocopea_role: 'viewer' }, { issuer: `${iss.issuer}/` }))).resolves.toMatchObject({ role: 'viewer' });
    await expect(slash.verify(await iss.sign({ sub: 't', ocopea_role: 'viewer' }, { issuer: `${iss.issuer}/` }))).resolves.toMatchObject({ name: 't' });
    expect(iss.hits).toEqual({ discovery: 1, jwks: 1 });
  });
});

describe('OIDC discovery that fails', () => {
  let server: http.Server;
  let base = '';
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  let discoveries = 0;
  let iss: TestIssuer;
  beforeAll(async () => {
    iss = await startIssuer();
    server = http.createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') discoveries++;
      res.statusCode = answer.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await iss.close(); await new Promise<void>((r) => server.close(() => r())); });

  it('a discovery answered with an error, or naming no jwks_uri: 503 naming the document; the next call asks again', async () => {
    const v = new OidcVerifier({ issuer: base });
    const token = await iss.sign({ sub: 's', ocopea_role: 'viewer' }, { issuer: base, audience: 'x' });
    const doc = `${base}/.well-known/openid-configuration`;
    answer = { status: 500, body: {} };
    const first = await v.verify(token).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(UnavailableError);
    expect((first as Error).message).toBe(`cannot check the bearer token: identity provider keys unavailable (OIDC discovery ${doc} answered 500)`);
    answer = { status: 200, body: { jwks_uri: 42 } };
    await expect(v.verify(token)).rejects.toThrow(`(OIDC discovery ${doc} names no jwks_uri)`);
    expect(discoveries).toBe(2);
    // Once the issuer answers, the same verifier works: the failed lookup was not kept.
    answer = { status: 200, body: { jwks_uri: `${iss.issuer}/jwks.json` } };
    await expect(v.verify(token)).resolves.toEqual({ name: 's', role: 'viewer', via: 'oidc' });
    await expect(v.verify(token)).resolves.toMatchObject({ name: 's' });
    expect(discoveries).toBe(3);
  });

  it('a discovery that redirects is refused (redirect: error), not followed', async () => {
    const redirecting = http.createServer((_req, res) => { res.statusCode = 302; res.setHeader('location', `${iss.issuer}/.well-known/openid-configuration`); res.end(); });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
    try {
      const v = new OidcVerifier({ issuer: url });
      const before = iss.hits.discovery;
      await expect(v.verify(await iss.sign({ sub: 's', ocopea_role: 'viewer' }, { issuer: url }))).rejects.toBeInstanceOf(UnavailableError);
      expect(iss.hits.discovery).toBe(before);
    } finally {
      await new Promise<void>((r) => { redirecting.closeAllConnections(); redirecting.close(() => r()); });
    }
  });
});
