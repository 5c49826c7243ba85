import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachLogsSocket } from '../src/http/logs-socket';
import type { ProcessSupervisor } from '../src/domain/supervisor';

/** Sends a websocket upgrade and reads the refusal (status, content type, body). */
function upgrade(port: number, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      port, path, host: '127.0.0.1',
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('upgrade', () => reject(new Error('upgrade accepted')));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('logs websocket refusals', () => {
  const server = http.createServer((_req, res) => { res.statusCode = 500; res.end(); });
  const sup = { has: () => false } as unknown as ProcessSupervisor;
  let port = 0;
  let sock: { close(): void };
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    sock = attachLogsSocket(server, sup, { tailLines: 10, pollMs: 100, authorize: async () => undefined });
  });
  afterAll(async () => { sock.close(); await new Promise((r) => server.close(r)); });

  it('answers unknown app services, other paths and bad encodings with {code, message} JSON, not an empty body', async () => {
    for (const [path, status, msg] of [
      ['/psb/app-services/default/ghost/logs/data', 404, /ghost/],
      ['/elsewhere', 404, /no such websocket route/],
      ['/psb/app-services/default/%E0%A4%A/logs/data', 400, /percent-encoding/],
    ] as const) {
      const r = await upgrade(port, path);
      expect(r.status).toBe(status);
      expect(r.type).toMatch(/application\/json/);
      expect(JSON.parse(r.body)).toMatchObject({ code: status, message: expect.stringMatching(msg) });
    }
  });
});
