import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeBrokers, type FakeCrb, type FakeDsb, type FakePsb } from './fakes';

/**
 * The in-memory fakes served over real HTTP with the broker wire formats (DSB under /dsb, CRB under /crb, PSB at
 * the root), so a Site child process can be driven against brokers whose timing a test controls.
 */
export interface HttpFakes {
  dsb: FakeDsb; psb: FakePsb; crb: FakeCrb;
  dsbUrl: string; psbUrl: string; crbUrl: string;
  /** While set, DSB copy requests wait for it to resolve. */
  holdCopies?: Promise<void>;
  copyRequests: number;
  close(): Promise<void>;
}

export async function startHttpFakes(): Promise<HttpFakes> {
  const brokers = new FakeBrokers();
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const f: HttpFakes = {
    dsb: brokers.addDsb(`${origin}/dsb`), psb: brokers.addPsb(origin), crb: brokers.addCrb(`${origin}/crb`),
    dsbUrl: `${origin}/dsb`, psbUrl: origin, crbUrl: `${origin}/crb`, copyRequests: 0,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
  server.on('request', (req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      const body = raw ? JSON.parse(raw) : undefined;
      const url = (req.url ?? '').split('?')[0];
      const m = req.method;
      const route = async (): Promise<void> => {
        let x: RegExpExecArray | null;
        // DSB
        if (m === 'GET' && url === '/dsb/') {
          const i = await f.dsb.info();
          return send(200, { ...i, plans: i.plans.map((p) => ({ ...p, protocols: p.protocols.map((q) => ({ protocol: q.name, version: q.version, properties: q.properties })), copyProtocols: p.copyProtocols.map((c) => ({ copyProtocol: c.protocol, copyProtocolVersion: c.version })) })) });
        }
        if (m === 'GET' && url === '/dsb/service_instances') return send(200, (await f.dsb.listInstances()).map((instanceId) => ({ instanceId })));
        if (m === 'POST' && url === '/dsb/service_instances') {
          return (await f.dsb.createInstance(body)) === 'exists' ? send(409, { code: 409, message: 'exists' }) : send(200, { instanceId: body.instanceId });
        }
        if ((x = /^\/dsb\/service_instances\/([^/]+)\/copy$/.exec(url)) && m === 'POST') {
          f.copyRequests++;
          await f.holdCopies;
          return send(200, await f.dsb.copy(decodeURIComponent(x[1]), body));
        }
        if ((x = /^\/dsb\/service_instances\/([^/]+)$/.exec(url))) {
          const id = decodeURIComponent(x[1]);
          if (m === 'GET') { const i = await f.dsb.getInstance(id); return i ? send(200, i) : send(404, { code: 404, message: 'not found' }); }
          if (m === 'DELETE') return (await f.dsb.deleteInstance(id)) === 'gone' ? send(404, { code: 404, message: 'not found' }) : send(200, { instanceId: id });
        }
        // PSB
        if (m === 'GET' && url === '/psb/info') return send(200, await f.psb.info());
        if (m === 'GET' && url === '/psb/spaces') return send(200, [{ name: 'default', properties: {} }]);
        if (m === 'POST' && url === '/psb/app-services') {
          return (await f.psb.deploy(body)) === 'exists' ? send(409, { code: 409, message: 'exists' }) : send(201, { status: 0, message: 'ok' });
        }
        if ((x = /^\/psb\/app-services\/([^/]+)\/([^/]+)$/.exec(url))) {
          const [space, id] = [decodeURIComponent(x[1]), decodeURIComponent(x[2])];
          if (m === 'GET') { const s = await f.psb.get(space, id); return s ? send(200, { name: id, instances: 1, psbMetrics: {}, ...s }) : send(404, { code: 404, message: 'not found' }); }
          if (m === 'DELETE') return (await f.psb.remove(space, id)) === 'gone' ? send(404, { code: 404, message: 'not found' }) : send(200, { status: 0, message: 'ok' });
        }
        // CRB
        if (m === 'GET' && url === '/crb/info') return send(200, await f.crb.info());
        if (m === 'GET' && url === '/crb/repositories') return send(200, (await f.crb.repositories()).map((repoId) => ({ repoId })));
        if ((x = /^\/crb\/repositories\/([^/]+)$/.exec(url)) && m === 'GET') {
          return send(200, { id: x[1], repoSupportedProtocols: (await f.crb.repositoryProtocols()).map((p) => ({ protocol: p.protocol, version: p.version })) });
        }
        if ((x = /^\/crb\/copies\/([^/]+)$/.exec(url))) {
          const id = decodeURIComponent(x[1]);
          if (m === 'POST') return (await f.crb.storeMetadata({ ...body, copyId: id })) === 'exists' ? send(409, { code: 409, message: 'exists' }) : send(201, { copyId: id });
          if (m === 'GET') { const md = await f.crb.getMetadata(id); return md ? send(200, md) : send(404, { code: 404, message: 'not found' }); }
          if (m === 'DELETE') return (await f.crb.deleteCopy(id)) === 'gone' ? send(404, { code: 404, message: 'not found' }) : send(200, id);
        }
        send(404, { code: 404, message: `no route ${m} ${url}` });
      };
      route().catch((err) => send(500, { code: 500, message: String(err) }));
    });
  });
  return f;
}
