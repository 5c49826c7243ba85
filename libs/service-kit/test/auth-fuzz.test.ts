// Every operation of the pets spec with bad credentials, in-process and through a real listening server: never a
// 5xx, always a {code, message} 401, nothing changed; and the right role is never refused. Then a seeded random walk
// of Authorization headers.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { runService, type RunningService, type SpecOperation } from '../src';
import { authPets, BASE, sha256hex, tempDir, type AuthPets } from './fixtures/auth-pets';
import { AUDIENCE, newKey, startIssuer, unsignedJwt, type TestIssuer } from './fixtures/oidc-issuer';

const ADMIN = 'fuzz-admin-token-0123456789ab';
const VIEWER = 'fuzz-viewer-token-0123456789a';

interface Answer { status: number; contentType: string; body: unknown }
type Send = (op: SpecOperation, authorization: string | undefined) => Promise<Answer>;

/** A concrete request for an operation: path parameters filled in, a body of the right kind, required query. */
function requestFor(op: SpecOperation): { url: string; body?: string | Buffer; contentType?: string } {
  const url = BASE + op.path.replace(/\{[^}]+\}/g, 'fz7') + (op.operationId === 'slow' ? '?ms=1' : '');
  if (op.operationId === 'uploadPhoto') return { url, body: Buffer.alloc(1024, 1), contentType: 'application/octet-stream' };
  if (op.method === 'POST') return { url, body: JSON.stringify({ name: `fuzz-${op.operationId}` }), contentType: 'application/json' };
  return { url };
}

const viaSupertest = (p: AuthPets): Send => async (op, authorization) => {
  const { url, body, contentType } = requestFor(op);
  let req = request(p.svc.app)[op.method.toLowerCase() as 'get' | 'post' | 'delete'](url);
  if (authorization !== undefined) req = req.set('authorization', authorization);
  if (contentType) req = req.set('content-type', contentType);
  const res = await (body === undefined ? req : req.send(body));
  return { status: res.status, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
};

const viaServer = (r: RunningService): Send => async (op, authorization) => {
  const { url, body, contentType } = requestFor(op);
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (contentType) headers['content-type'] = contentType;
  const res = await fetch(`http://127.0.0.1:${r.port}${url}`, { method: op.method, headers, body });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
};

function expectErrorJson(a: Answer, what: string): void {
  if (a.status >= 500) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
  expect(a.contentType).toMatch(/^application\/json/);
  expect(a.body).toMatchObject({ code: a.status, message: expect.any(String) });
}

describe('fuzzing every operation with bad credentials', () => {
  let iss: TestIssuer;
  let p: AuthPets;
  let r: RunningService;
  let bad: [string, string | undefined][];
  beforeAll(async () => {
    iss = await startIssuer();
    const file = path.join(tempDir(), 'tokens.yaml');
    writeFileSync(file, `principals: [{name: vic, role: viewer, sha256: ${sha256hex(VIEWER)}}]\n`);
    p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN, OCOPEA_TOKENS_FILE: file, OCOPEA_OIDC_ISSUER: iss.issuer, OCOPEA_OIDC_AUDIENCE: AUDIENCE } });
    r = await runService(p.svc, { port: 0, host: '127.0.0.1', handleSignals: false });
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'mallory', ocopea_role: 'admin' };
    bad = [
      ['none', undefined],
      ['empty', ''],
      ['garbage', 'garbage'],
      ['Bearer garbage', 'Bearer garbage'],
      ['Bearer alone', 'Bearer'],
      ['Basic', `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`],
      ['9000 characters', 'Bearer ' + 'a'.repeat(9000)],
      ['JWT alg none', `Bearer ${unsignedJwt({ ...claims, iss: iss.issuer, aud: AUDIENCE, exp: now + 300 })}`],
      ['expired JWT', `Bearer ${await iss.sign(claims, { expiresAt: now - 3600 })}`],
      ['JWT for another audience', `Bearer ${await iss.sign(claims, { audience: 'elsewhere' })}`],
      ['JWT signed by another key', `Bearer ${await iss.sign(claims, { key: await newKey('k1') })}`],
      ['JWT-shaped junk', 'Bearer a.b.c'],
      ['dots only', 'Bearer ...'],
      ['the admin token, cut short', `Bearer ${ADMIN.slice(0, -1)}`],
      ['the admin token\'s SHA-256', `Bearer ${sha256hex(ADMIN)}`],
    ];
  });
  afterAll(async () => { await r.close(); await iss.close(); p.close(); });

  for (const where of ['supertest', 'a real server'] as const) {
    it(`through ${where}: every bad credential on every operation is a 401 {code, message}; nothing changed`, async () => {
      const send = where === 'supertest' ? viaSupertest(p) : viaServer(r);
      expect(p.svc.operations.all.length).toBe(9);
      for (const op of p.svc.operations.all) {
        for (const [name, authorization] of bad) {
          const a = await send(op, authorization);
          expectErrorJson(a, `${op.method} ${op.path} with ${name}`);
          expect([op.operationId, name, a.status]).toEqual([op.operationId, name, 401]);
        }
      }
      expect(p.mutations).toEqual([]);
    });
  }

  it('every operation: viewer is refused (403) exactly the admin ones; admin is refused none', async () => {
    const send = viaServer(r);
    for (const op of p.svc.operations.all) {
      const v = await send(op, `Bearer ${VIEWER}`);
      expectErrorJsonOrOk(v);
      expect([op.operationId, v.status === 403]).toEqual([op.operationId, op.role === 'admin']);
      const a = await send(op, `Bearer ${ADMIN}`);
      expect(a.status).toBeLessThan(500);
      expect([op.operationId, a.status]).not.toEqual([op.operationId, 401]);
      expect([op.operationId, a.status]).not.toEqual([op.operationId, 403]);
    }
    expect(p.mutations.sort()).toEqual(['createPet fuzz-createPet', 'deletePet fz7', 'uploadPhoto fz7']);
    p.mutations.length = 0;
  });

  it('a seeded random walk of Authorization headers: never a 5xx, never accepted, never logged', async () => {
    let seed = 0x5eed;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const printable = (len: number) => Array.from({ length: len }, () => String.fromCharCode(0x20 + rnd(95))).join('');
    const b64ish = (len: number) => Array.from({ length: len }, () => 'ABCxyz019-._~+/='[rnd(16)]).join('');
    const schemes = ['Bearer ', 'bearer ', 'Bearer  ', 'Basic ', '', 'Token ', 'Bearer\t'];
    const send = viaSupertest(p);
    const sent: string[] = [];
    for (let i = 0; i < 150; i++) {
      const len = [0, 1, 15, 16, 64, 300, 8192, 8193, 12000][rnd(9)];
      const token = rnd(2) ? b64ish(len) : printable(len);
      const header = schemes[rnd(schemes.length)] + token;
      if (token.length >= 24) sent.push(token.trim());
      const op = p.svc.operations.all[rnd(p.svc.operations.all.length)];
      const a = await send(op, header);
      expectErrorJson(a, `${op.method} ${op.path} with header #${i}`);
      expect(a.status).toBe(401);
    }
    expect(p.mutations).toEqual([]);
    const text = p.logs.text();
    for (const t of sent) expect(text).not.toContain(t.slice(0, 24));
  });
});

function expectErrorJsonOrOk(a: Answer): void {
  expect(a.status).toBeLessThan(500);
  if (a.status >= 400) expect(a.body).toMatchObject({ code: a.status, message: expect.any(String) });
}
