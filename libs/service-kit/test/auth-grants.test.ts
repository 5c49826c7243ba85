// Scoped credentials (the `grants` a service issues itself, as crb-fs does for one copy): they allow exactly what
// they say, in an Authorization header or as a capability path prefix (`<base>/cap/<token>/...`) for a caller that
// knows nothing of tokens, and they never show in a log line.
import request from 'supertest';
import { runService, type GrantVerifier, type Principal } from '../src';
import { authPets, BASE, eventually, type AuthPets } from './fixtures/auth-pets';

const CAP = 'cap-token-xyz';
const ADMIN = 'admin-token-for-grants-0123456';

describe('scoped grants', () => {
  let p: AuthPets;
  const asked: string[] = [];
  const grants: GrantVerifier = async (t) => {
    asked.push(t.length > 40 ? `${t.length} chars` : t);
    return t === CAP
      ? { name: 'grant', role: 'admin', via: 'grant', allows: ({ operationId, params }) => operationId === 'getPet' && params.petId === '7', scope: 'reading pet 7' } satisfies Principal
      : undefined;
  };
  beforeAll(() => { p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN }, grants }); });
  afterEach(() => {
    // The grant, whether sent in a header or in the URL, is in no log line, nor in any audit target.
    const text = p.logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(CAP);
    expect(text).not.toContain('unknown-cap-0123');
    expect(text).not.toContain(ADMIN);
  });

  it('Bearer <grant>: GET /pets/7 ok; /pets/8, the list and every mutation 403 naming the scope, whatever role it carries', async () => {
    const ok = await request(p.svc.app).get(`${BASE}/pets/7`).set('authorization', `Bearer ${CAP}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: '7', name: 'seven' });
    for (const [method, url, op] of [['get', '/pets/8', 'getPet'], ['get', '/pets', 'listPets'], ['delete', '/pets/7', 'deletePet'], ['post', '/pets', 'createPet'], ['post', '/pets/7/photo', 'uploadPhoto']] as const) {
      const res = await request(p.svc.app)[method](BASE + url).set('authorization', `Bearer ${CAP}`).send(method === 'post' ? { name: 'g' } : undefined);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 403, reason: 'forbidden', message: `this credential allows only reading pet 7; not ${op}` });
      expect(JSON.stringify(res.body)).not.toContain(CAP);
    }
    expect(p.mutations).toEqual([]);
  });

  it('static tokens are looked up first; a token the grants do not know is a plain 401', async () => {
    asked.length = 0;
    expect((await request(p.svc.app).delete(`${BASE}/pets/8`).set('authorization', `Bearer ${ADMIN}`)).status).toBe(204);
    expect(asked).toEqual([]);
    const res = await request(p.svc.app).get(`${BASE}/pets/7`).set('authorization', 'Bearer unknown-cap-0123');
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('unknown bearer token');
    expect(asked).toEqual(['unknown-cap-0123']);
    p.mutations.length = 0;
  });

  it('capability path prefix <base>/cap/<grant>/...: works with no Authorization header; an unknown one is 401', async () => {
    const ok = await request(p.svc.app).get(`${BASE}/cap/${CAP}/pets/7`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: '7', name: 'seven' });
    const other = await request(p.svc.app).get(`${BASE}/cap/${CAP}/pets/8`);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('this credential allows only reading pet 7; not getPet');
    const del = await request(p.svc.app).delete(`${BASE}/cap/${CAP}/pets/7`);
    expect(del.status).toBe(403);
    const unrouted = await request(p.svc.app).get(`${BASE}/cap/${CAP}/no-such-thing`);
    expect(unrouted.status).toBe(403);
    expect(unrouted.body.message).toBe('this credential allows only reading pet 7; not this route');

    for (const url of [`${BASE}/cap/unknown-cap-0123/pets/7`, `${BASE}/cap/%24%7B%7D/pets/7`, `${BASE}/cap/${'b'.repeat(9000)}/pets/7`]) {
      const res = await request(p.svc.app).get(url);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 401, reason: 'unauthorized', message: 'the capability in this URL is not valid here (expired, or not issued by this service)' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="ocopea", error="invalid_token"');
    }
    // The capability is the credential of such a request: an admin header beside a bad one does not rescue it.
    const both = await request(p.svc.app).delete(`${BASE}/cap/unknown-cap-0123/pets/7`).set('authorization', `Bearer ${ADMIN}`);
    expect(both.status).toBe(401);
    expect(p.mutations).toEqual([]);
  });

  it('a refused mutation through a capability is audited (principal, via grant, outcome) without the capability', async () => {
    const res = await request(p.svc.app).delete(`${BASE}/cap/${CAP}/pets/7`).set('x-request-id', 'rq-cap-delete');
    expect(res.status).toBe(403);
    await eventually(() => {
      const line = p.logs.lines.find((l) => l.audit === true && l.requestId === 'rq-cap-delete');
      expect(line).toMatchObject({ principal: 'grant', role: 'admin', via: 'grant', operation: 'deletePet', outcome: 403, targets: { petId: '7' } });
    });
  });

  it('through a real server, a caller that sends no Authorization header reads with the URL it was given', async () => {
    const r = await runService(p.svc, { port: 0, host: '127.0.0.1', handleSignals: false });
    try {
      const url = `http://127.0.0.1:${r.port}${BASE}/cap/${CAP}`;
      const res = await fetch(`${url}/pets/7`, { headers: { 'x-request-id': 'rq-cap-wire' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: '7', name: 'seven' });
      expect((await fetch(`${url}/pets/8`)).status).toBe(403);
      const del = await fetch(`${url}/pets/7`, { method: 'DELETE' });
      expect(del.status).toBe(403);
      expect(await del.json()).toMatchObject({ code: 403 });
      // The request log shows the URL without the capability.
      await eventually(() => {
        const logged = p.logs.lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'rq-cap-wire');
        expect((logged?.req as { url?: string }).url).toBe(`${BASE}/pets/7`);
      });
      expect(p.mutations).toEqual([]);
    } finally {
      await r.close();
    }
  });
});
