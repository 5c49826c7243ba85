// A DSB written only from the orcs contract: no authentication, UPPER-case states, shpanRest copies (POST the bytes to
// {url}/repositories/{repoId}/copies/{copyId}/data, GET {url}/copies/{copyId}/data back), no extensions (no size or
// checksum in the copy answer, no icon). Each instance is a key-value store served by the fake itself at
// /kv/{instanceId} (its binding `url`). Flaws switch on the broken behaviours the kit must catch.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Flaws {
  /** Reports RUNNING at once, while its store answers 503 for the first seconds. */
  runningBeforeReady?: boolean;
  /** Answers a copy request with success and never sends the bytes. */
  losesCopies?: boolean;
  /** Throws on input it does not expect (a 500 instead of a 400). */
  crashesOnBadInput?: boolean;
}

interface Instance { state: 'CREATING' | 'RUNNING' | 'REMOVING'; data: string; readyAt: number }

export interface FakeDsb { url: string; close(): Promise<void> }

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export async function startFakeOrcsDsb(flaws: Flaws = {}): Promise<FakeDsb> {
  const instances = new Map<string, Instance>();
  let origin = '';
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const error = (res: http.ServerResponse, code: number, message: string) => send(res, code, { code, message });
  const readBody = async (req: http.IncomingMessage) => { let s = ''; for await (const c of req) s += c; return s; };

  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '').split('?')[0];
      const m = path.match(/^\/dsb(\/.*)?$/);
      const kv = path.match(/^\/kv\/([^/]+)$/);
      if (kv) {
        const inst = instances.get(kv[1]);
        if (!inst || inst.state !== 'RUNNING') return error(res, 404, 'no such store');
        if (Date.now() < inst.readyAt) return error(res, 503, 'still starting');
        if (req.method === 'PUT') { inst.data = await readBody(req); return send(res, 200, { ok: true }); }
        return send(res, 200, { data: inst.data });
      }
      if (!m) return error(res, 404, 'not found');
      const p = m[1] ?? '/';
      if (req.method === 'GET' && p === '/') {
        return send(res, 200, {
          name: 'orcs-kv-dsb', type: 'kv', description: 'a key-value store',
          plans: [{ id: 'default', name: 'Default', description: 'one store', price: 'free', protocols: [{ protocol: 'kv', version: '1', properties: {} }], copyProtocols: [{ copyProtocol: 'ShpanRest', copyProtocolVersion: '1.0' }], dsbSettings: {} }],
        });
      }
      if (p === '/service_instances' && req.method === 'GET') return send(res, 200, [...instances.keys()].map((instanceId) => ({ instanceId })));
      if (p === '/service_instances' && req.method === 'POST') {
        const text = await readBody(req);
        let body: { instanceId?: unknown; instanceSettings?: Record<string, string>; restoreInfo?: { copyId: string; copyRepoCredentials: { url: string } } };
        try { body = JSON.parse(text); } catch { return error(res, 400, 'not JSON'); }
        if (flaws.crashesOnBadInput) {
          // "trusts" its input: a missing id or an array blows up
          if ((body.instanceId as string).length === 0 || !ID.test(body.instanceId as string)) throw new Error('boom');
        } else if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.instanceId !== 'string' || !ID.test(body.instanceId)) {
          return error(res, 400, 'instanceId must match [A-Za-z0-9][A-Za-z0-9_.-]*');
        }
        const id = body.instanceId as string;
        const plan = body.instanceSettings?.plan;
        if (plan !== undefined && plan !== 'default') return error(res, 400, `unknown plan '${plan}'`);
        if (instances.has(id)) return error(res, 409, `instance '${id}' exists`);
        const inst: Instance = { state: 'CREATING', data: '', readyAt: 0 };
        instances.set(id, inst);
        const ready = async () => {
          if (body.restoreInfo) {
            const r = await fetch(`${body.restoreInfo.copyRepoCredentials.url}/copies/${body.restoreInfo.copyId}/data`);
            inst.data = r.ok ? Buffer.from(await r.arrayBuffer()).toString('utf8') : '';
          }
          inst.state = 'RUNNING';
        };
        if (flaws.runningBeforeReady) { inst.readyAt = Date.now() + 3000; await ready(); } else setTimeout(() => void ready(), 200);
        return send(res, 200, { instanceId: id });
      }
      const one = p.match(/^\/service_instances\/([^/]+)(\/copy)?$/);
      if (!one) return error(res, 404, 'not found');
      const id = decodeURIComponent(one[1]);
      const inst = instances.get(id);
      if (!inst) return error(res, 404, `instance '${id}' not found`);
      if (one[2] && req.method === 'POST') {
        const b = JSON.parse(await readBody(req)) as { copyId: string; copyRepoCredentials: { url: string; repoId: string } };
        if (!flaws.losesCopies) {
          const up = await fetch(`${b.copyRepoCredentials.url}/repositories/${b.copyRepoCredentials.repoId}/copies/${b.copyId}/data`, {
            method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: inst.data,
          });
          if (!up.ok) return error(res, 502, `the CRB answered ${up.status}`);
        }
        return send(res, 200, { status: 0, statusMessage: 'copied', copyId: b.copyId });
      }
      if (req.method === 'GET') {
        return send(res, 200, { instanceId: id, state: inst.state, storageType: 'kv', ...(inst.state === 'RUNNING' ? { binding: { url: `${origin}/kv/${id}` } } : {}) });
      }
      if (req.method === 'DELETE') {
        inst.state = 'REMOVING';
        setTimeout(() => instances.delete(id), 100);
        return send(res, 200, { instanceId: id });
      }
      return error(res, 405, 'method not allowed');
    })().catch((err: Error) => { res.writeHead(500, { 'content-type': 'text/plain' }).end(`java.lang.NullPointerException: ${err.message}`); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${origin}/dsb`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
