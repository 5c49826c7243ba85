import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An in-process stand-in for the few Hub endpoints the CLI reads, with state a test sets and inspects. */
export interface FakeHub {
  url: string;
  token: string;
  state: {
    templates: Record<string, unknown>[];
    sites: Record<string, unknown>[];
    apps: Record<string, unknown>[];
    /** Successive answers of GET /operations/{id}; the last one repeats. */
    opScript: Record<string, unknown>[];
    /** What POST /commands/create-app-deployment-plan answers. */
    plan: Record<string, unknown>;
    requests: { method: string; url: string; body?: unknown; auth?: string }[];
  };
  close(): Promise<void>;
}

export const OP_ID = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';

export async function startFakeHub(): Promise<FakeHub> {
  const token = 'fake-secret-token-123';
  const state: FakeHub['state'] = { templates: [], sites: [], apps: [], opScript: [], requests: [], plan: { appServices: {}, dataServices: {} } };
  let opReads = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      state.requests.push({ method: req.method!, url: req.url!, body, auth: req.headers.authorization });
      const send = (status: number, data?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(data === undefined ? '' : JSON.stringify(data));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { code: 401, message: 'missing or invalid bearer token', reason: 'unauthorized' });
      const path = (req.url ?? '').split('?')[0].replace(/^\/hub-api/, '');
      const id = path.split('/').pop();
      if (req.method === 'GET' && path === '/site') return send(200, state.sites);
      if (req.method === 'GET' && path === '/app/catalog') return send(200, state.templates);
      if (req.method === 'GET' && path === '/app/instance-state') return send(200, state.apps);
      if (req.method === 'GET' && path.startsWith('/app/instance-state/')) {
        const a = state.apps.find((x) => x.id === id);
        return a ? send(200, a) : send(404, { code: 404, message: `app instance '${id}' not found`, reason: 'not_found' });
      }
      if (req.method === 'POST' && path === '/commands/createApplicationTemplate') {
        const t = { id: `00000000-0000-4000-8000-${String(state.templates.length + 1).padStart(12, '0')}`, description: null, entryPointServiceName: null, ...body };
        if (state.templates.some((x) => x.name === t.name && x.version === t.version)) return send(409, { code: 409, message: `template ${t.name} ${t.version} exists`, reason: 'conflict' });
        state.templates.push(t);
        return send(201, t);
      }
      if (req.method === 'POST' && path === '/commands/create-app-deployment-plan') return send(200, state.plan);
      if (req.method === 'POST' && path === '/commands/deploy-application') {
        state.apps.push({ ...state.apps[0], id: 'aaaaaaaa-0000-4000-8000-000000000001', name: body.appInstanceName, siteId: body.siteId });
        return send(200, 'aaaaaaaa-0000-4000-8000-000000000001', { 'x-operation-id': OP_ID });
      }
      if (req.method === 'POST' && path === '/commands/stop-app') return send(204, undefined, { 'x-operation-id': OP_ID });
      if (req.method === 'GET' && path === `/operations/${OP_ID}`) {
        const op = state.opScript[Math.min(opReads++, state.opScript.length - 1)];
        return send(200, op);
      }
      send(404, { code: 404, message: `no route ${req.method} ${path}`, reason: 'not_found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, token, state, close: () => new Promise((r) => server.close(() => r())) };
}

/** An operation as the Hub answers it, in `phase`, with its steps' phases. */
export function op(phase: string, steps: [string, string, string?][], error: unknown = null): Record<string, unknown> {
  return {
    id: OP_ID, kind: 'stop', phase, step: steps.find((s) => s[1] === 'running')?.[0] ?? null,
    steps: steps.map(([name, p, message]) => ({ name, phase: p, started: null, finished: null, message: message ?? null })),
    progress: { completed: steps.filter((s) => s[1] === 'succeeded').length, total: steps.length, unit: 'steps' },
    error, created: 1700000000000, updated: 1700000000000,
  };
}
