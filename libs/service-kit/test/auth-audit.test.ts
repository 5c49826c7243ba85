// authMiddleware and checkRequest without a server: what an audit line holds (target ids, outcome of an aborted
// call, the route when no operation matched), which role a request no operation matches needs, and the principal
// the request context carries for operation records. Then the app-level details the spec-driven tests leave open.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { currentRequestContext, runWithRequestContext } from '@ocopea/api';
import { ForbiddenError, UnauthorizedError } from '@ocopea/errors';
import {
  Authenticator, authMiddleware, checkRequest, createServiceApp, loadSpec, MAX_JSON_DEPTH, sha256, SpecOperations, TokenBook,
  type AuthedRequest, type OpenApiDocument,
} from '../src';
import { BASE, memoryLogger, PETS_SPEC } from './fixtures/auth-pets';
import { createPetsApp } from './fixtures/pets-service';

const ADMIN = 'admin-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';
const spec = loadSpec(PETS_SPEC);
const ops = new SpecOperations(spec);
const auth = new Authenticator({ mode: 'on', sources: [], book: new TokenBook([
  { name: 'root', role: 'admin', sha256: sha256(ADMIN) }, { name: 'vic', role: 'viewer', sha256: sha256(VIEWER) },
]) });

type FakeReq = IncomingMessage & AuthedRequest & { path: string; body?: unknown; id?: unknown };
const fakeReq = (method: string, url: string, o: { token?: string; body?: unknown; id?: unknown } = {}): FakeReq =>
  ({ method, url, path: url.split('?')[0], body: o.body, id: o.id, rawHeaders: o.token ? ['Authorization', `Bearer ${o.token}`] : [],
    headers: o.token ? { authorization: `Bearer ${o.token}` } : {} }) as unknown as FakeReq;
const fakeRes = () => Object.assign(new EventEmitter(), { writableFinished: false, statusCode: 200 });

/** Runs authMiddleware on one request; resolves with what `next` got, and a `close(finished, status)` to end it. */
async function through(req: FakeReq) {
  const logs = memoryLogger();
  const res = fakeRes();
  const nextArg = await new Promise<unknown>((resolve) => authMiddleware(auth, ops, BASE, logs.log)(req as never, res as never, (e?: unknown) => resolve(e ?? 'next')));
  const close = (finished: boolean, status: number) => { res.writableFinished = finished; res.statusCode = status; res.emit('close'); return logs.lines.filter((l) => l.audit); };
  return { nextArg, close, logs };
}

describe('audit lines', () => {
  it('name the targets: path params, and body strings whose key ends in id/urn/name/url (any case), cut to 200, capabilities hidden', async () => {
    const body = {
      name: 'n'.repeat(300), appId: 'a-1', copyURN: 'urn:x', siteUrl: 'https://crb/crb/cap/SECRET-CAP/copies/1', Nickname: 'nick',
      count: 'not a target', idle: 'not a target', otherId: 7, nested: { copyId: 'x' },
    };
    const { nextArg, close } = await through(fakeReq('POST', `${BASE}/pets`, { token: ADMIN, body, id: 'rq-1' }));
    expect(nextArg).toBe('next');
    const [line] = close(true, 201);
    expect(line).toMatchObject({ msg: 'audit', principal: 'root', role: 'admin', via: 'token', operation: 'createPet', outcome: 201, requestId: 'rq-1', level: 30 });
    expect(line.targets).toEqual({ name: 'n'.repeat(200), appId: 'a-1', copyURN: 'urn:x', siteUrl: 'https://crb/crb/cap/***/copies/1', Nickname: 'nick' });
    const params = await through(fakeReq('DELETE', `${BASE}/pets/${'p'.repeat(250)}`, { token: ADMIN, body: ['arrayId'] }));
    expect(params.close(true, 204)[0].targets).toEqual({ petId: 'p'.repeat(200) });
  });

  it('a call cut before its answer finished is "aborted"; no request id is undefined, not "undefined"', async () => {
    const { close } = await through(fakeReq('DELETE', `${BASE}/pets/7`, { token: ADMIN }));
    const [line] = close(false, 204);
    expect(line.outcome).toBe('aborted');
    expect(line).not.toHaveProperty('requestId');
  });

  it('a refused caller: principal, role and via null; a route no operation matches is named by method and path', async () => {
    const { nextArg, close } = await through(fakeReq('PUT', `${BASE}/nowhere/1`, { body: 'text' }));
    expect(nextArg).toBeInstanceOf(UnauthorizedError);
    const [line] = close(true, 401);
    expect(line).toMatchObject({ principal: null, role: null, via: null, operation: 'PUT /pets-api/nowhere/1', outcome: 401, targets: {} });
  });

  it('reads are not audited', async () => {
    const { close } = await through(fakeReq('GET', `${BASE}/pets`, { token: VIEWER }));
    expect(close(true, 200)).toEqual([]);
  });
});

describe('checkRequest', () => {
  it('a mutating request no operation matches needs admin; a read of one needs viewer; an explicit fallback wins', async () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'delete']) {
      await expect(checkRequest(auth, ops, BASE, fakeReq(m, `${BASE}/unknown`, { token: VIEWER }))).rejects.toThrow(new ForbiddenError("this route needs the role admin; principal 'vic' has viewer"));
      await expect(checkRequest(auth, ops, BASE, fakeReq(m, `${BASE}/unknown`, { token: ADMIN }))).resolves.toMatchObject({ name: 'root' });
    }
    await expect(checkRequest(auth, ops, BASE, fakeReq('GET', `${BASE}/unknown`, { token: VIEWER }))).resolves.toMatchObject({ name: 'vic' });
    await expect(checkRequest(auth, ops, BASE, fakeReq('OPTIONS', `${BASE}/unknown`, { token: VIEWER }))).resolves.toMatchObject({ name: 'vic' });
    await expect(checkRequest(auth, ops, BASE, fakeReq('GET', `${BASE}/unknown`, { token: VIEWER }), 'operator')).rejects.toThrow(/needs the role operator/);
    await expect(checkRequest(auth, ops, BASE, fakeReq('POST', `${BASE}/unknown`, { token: VIEWER }), 'viewer')).resolves.toMatchObject({ name: 'vic' });
  });

  it('records the operation, its params and the principal on the request, even when it refuses', async () => {
    const req = fakeReq('DELETE', `${BASE}/pets/x%2Fy?z=1`, { token: VIEWER });
    await expect(checkRequest(auth, ops, BASE, req)).rejects.toBeInstanceOf(ForbiddenError);
    expect(req.operation?.operationId).toBe('deletePet');
    expect(req.operationParams).toEqual({ petId: 'x/y' });
    expect(req.principal).toMatchObject({ name: 'vic', role: 'viewer' });
    const outside = fakeReq('GET', '/elsewhere/pets', { token: VIEWER });
    await checkRequest(auth, ops, BASE, outside);
    expect(outside.operation).toBeUndefined();
    // A bare request (a websocket upgrade) without method or url: a GET of the base path.
    const bare = { rawHeaders: ['authorization', `Bearer ${VIEWER}`], headers: { authorization: `Bearer ${VIEWER}` } } as unknown as FakeReq;
    await expect(checkRequest(auth, ops, '/', bare)).resolves.toMatchObject({ name: 'vic' });
  });

  it('the principal goes into the request context as "name (role)" before the handler runs', async () => {
    const logs = memoryLogger();
    const seen: unknown[] = [];
    await new Promise<void>((resolve) => runWithRequestContext({ requestId: 'r' }, () => {
      authMiddleware(auth, ops, BASE, logs.log)(fakeReq('GET', `${BASE}/pets`, { token: VIEWER }) as never, fakeRes() as never, () => {
        seen.push(currentRequestContext()?.principal);
        resolve();
      });
    }));
    expect(seen).toEqual(['vic (viewer)']);
  });
});

describe('the app around the handlers', () => {
  it('no X-Powered-By, no ETag', async () => {
    const res = await request(createPetsApp().app).get('/pets-api/pets');
    expect(res.status).toBe(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
  });

  it('says at start whether authentication is on, and from what (never a token)', () => {
    const on = memoryLogger();
    createServiceApp({ name: 'a', spec: PETS_SPEC, logger: on.log, auth: new Authenticator({ mode: 'on', book: new TokenBook(), sources: ['OCOPEA_ADMIN_TOKEN'] }), routes: () => undefined });
    expect(on.lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'authentication on', auth: ['OCOPEA_ADMIN_TOKEN'] }));
    const off = memoryLogger();
    createServiceApp({ name: 'a', spec: PETS_SPEC, logger: off.log, auth: new Authenticator({ mode: 'off', book: new TokenBook(), sources: [] }), routes: () => undefined });
    expect(off.lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'OCOPEA_AUTH=off: every caller is treated as admin; for development on loopback only' }));
    expect(off.lines.some((l) => l.msg === 'authentication on')).toBe(false);
  });

  it('Swagger UI is titled after the spec', async () => {
    const res = await request(createPetsApp().app).get('/docs/');
    expect(res.text).toContain('<title>Pets (service-kit fixture) — Ocopea</title>');
  });

  it('responses are validated unless validateResponses is false', async () => {
    const mk = (validateResponses?: boolean) => createServiceApp({ name: 'v', spec: PETS_SPEC, logger: memoryLogger().log, validateResponses, routes: (r: unknown) => {
      (r as unknown as { get(p: string, h: () => unknown): void }).get('/broken', () => ({ status: 200, body: { id: 42 } }));
    } }).app;
    expect((await request(mk()).get('/pets-api/broken')).status).toBe(500);
    expect((await request(mk(true)).get('/pets-api/broken')).status).toBe(500);
    const loose = await request(mk(false)).get('/pets-api/broken');
    expect(loose.status).toBe(200);
    expect(loose.body).toEqual({ id: 42 });
    // Outside jest (NODE_ENV not test), only OCOPEA_VALIDATE_RESPONSES=1 turns it on by default.
    const saved = { node: process.env.NODE_ENV, flag: process.env.OCOPEA_VALIDATE_RESPONSES };
    try {
      process.env.NODE_ENV = 'production';
      delete process.env.OCOPEA_VALIDATE_RESPONSES;
      expect((await request(mk()).get('/pets-api/broken')).status).toBe(200);
      process.env.OCOPEA_VALIDATE_RESPONSES = '1';
      expect((await request(mk()).get('/pets-api/broken')).status).toBe(500);
      process.env.OCOPEA_VALIDATE_RESPONSES = 'true';
      expect((await request(mk()).get('/pets-api/broken')).status).toBe(200);
    } finally {
      process.env.NODE_ENV = saved.node;
      if (saved.flag === undefined) delete process.env.OCOPEA_VALIDATE_RESPONSES; else process.env.OCOPEA_VALIDATE_RESPONSES = saved.flag;
    }
  });

  it('the kit paths are left out of validation only at the start of the path under the base', async () => {
    const app = createPetsApp().app;
    expect((await request(app).get('/pets-api/openapi.json')).status).toBe(200);
    expect((await request(app).get('/pets-api/x/healthz')).body).toMatchObject({ code: 404, message: 'no such route' });
  });

  it(`JSON nested ${MAX_JSON_DEPTH} levels is refused, one less is taken`, async () => {
    const app = createPetsApp().app;
    // {tags: {x: [[...]]}}: n arrays put the innermost one at depth n + 1.
    const body = (n: number, name: string) => `{"name":"${name}","tags":{"x":${'['.repeat(n)}${']'.repeat(n)}}}`;
    expect((await request(app).post(`${BASE}/pets`).set('content-type', 'application/json').send(body(MAX_JSON_DEPTH - 1, 'too-deep'))).status).toBe(400);
    expect((await request(app).post(`${BASE}/pets`).set('content-type', 'application/json').send(body(MAX_JSON_DEPTH - 2, 'just-fits'))).status).toBe(201);
  });

  it('a NUL in a key of the body is refused as one in a value', async () => {
    const res = await request(createPetsApp().app).post(`${BASE}/pets`).set('content-type', 'application/json').send('{"name":"k","tags":{"a\\u0000":"v"}}');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^NUL characters/);
  });

  it('a handler that answered itself and still returns a result: its own answer stands', async () => {
    const svc = createServiceApp({ name: 's', spec: { ...spec } as OpenApiDocument, logger: memoryLogger().log, routes: (r: unknown) => {
      (r as unknown as { get(p: string, h: (c: { res: { status(n: number): { json(b: unknown): void } } }) => unknown): void })
        .get('/pets', ({ res }) => { res.status(200).json([{ id: 'own', name: 'own answer' }]); return { status: 200, body: [] }; });
    } });
    const res = await request(svc.app).get('/pets-api/pets');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ id: 'own', name: 'own answer' }]);
  });
});
