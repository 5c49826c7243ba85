// TLS end to end with a private CA the test makes with openssl: crb-fs, dsb-fs and a Site serve https only
// (OCOPEA_TLS_CERT_FILE / OCOPEA_TLS_KEY_FILE) and trust the CA (OCOPEA_TLS_CA_FILE). The Site registers both
// brokers over https, mints a copy grant, and the DSB copies to and restores from the CRB over https through the
// capability URL. A Site that does not trust the CA cannot register them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { authHeaders, startService, type StartedService } from '@ocopea/testing';

jest.setTimeout(120_000);

/** A CA, and a server certificate for 127.0.0.1 / localhost signed by it. */
function makeCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Ocopea test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('san.ext'));
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key') };
}

describe('every hop over TLS with a private CA (real processes)', () => {
  let dir: string;
  let tls: { caFile: string; certFile: string; keyFile: string };
  let ca: string;
  const services: StartedService[] = [];
  let crb: StartedService, dsb: StartedService, site: StartedService;

  /** JSON over https trusting the test CA (node's fetch cannot be given a CA). */
  function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, ca, headers: authHeaders(body === undefined ? {} : { 'content-type': 'application/json' }) }, (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => { let parsed: unknown = text; try { parsed = JSON.parse(text); } catch { /* text */ } resolve({ status: res.statusCode ?? 0, body: parsed }); });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }
  async function running(id: string) {
    for (let i = 0; i < 200; i++) {
      const r = await call('GET', `${dsb.url}/service_instances/${id}`);
      if (r.body.state === 'RUNNING' || r.body.state === 'ERROR') return r.body;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`${id} never left CREATING`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ocopea-tls-'));
    tls = makeCertificates(dir);
    ca = readFileSync(tls.caFile, 'utf8');
    [crb, dsb, site] = await Promise.all([
      startService({ service: 'crb-fs', tls }),
      startService({ service: 'dsb-fs', tls }),
      startService({ service: 'site', tls }),
    ]);
    services.push(crb, dsb, site);
  });

  afterAll(async () => {
    for (const s of services) await s.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https only: a plain http request gets no answer, an https one without the CA is refused', async () => {
    expect(crb.url).toMatch(/^https:\/\//);
    await expect(fetch(crb.url.replace('https:', 'http:') + '/info', { headers: authHeaders() })).rejects.toThrow();
    await expect(fetch(`${crb.url}/info`, { headers: authHeaders() })).rejects.toThrow(); // node does not know the CA
    expect((await call('GET', `${crb.url}/info`)).status).toBe(200);
  });

  it('the Site registers brokers over https, and a DSB copies and restores over https through a grant', async () => {
    expect((await call('POST', `${site.url}/site/commands/register-crb`, { crbUrn: 'crb', crbUrl: crb.url, token: crb.token })).status).toBe(204);
    expect((await call('POST', `${site.url}/site/commands/register-dsb`, { dsbUrn: 'dsb', dsbUrl: dsb.url, token: dsb.token })).status).toBe(200);

    expect((await call('POST', `${dsb.url}/service_instances`, { instanceId: 'tls-src', instanceSettings: {} })).status).toBe(200);
    const src = await running('tls-src');
    mkdirSync(path.join(src.binding.path, 'sub'), { recursive: true });
    writeFileSync(path.join(src.binding.path, 'sub', 'note.txt'), 'over TLS');

    const write = await call('POST', `${site.url}/site/commands/grant-copy-access`, { copyRepoURN: 'crb', copyId: 'tls-copy', access: 'write' });
    expect(write.status).toBe(200);
    expect(write.body.url).toMatch(new RegExp(`^${crb.url}/cap/`));
    const copy = await call('POST', `${dsb.url}/service_instances/tls-src/copy`, {
      copyId: 'tls-copy', copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url: write.body.url, repoId: write.body.repoId },
      copyType: 'shpanCopy', copyTime: Date.now(),
    });
    expect(copy).toMatchObject({ status: 200, body: { status: 0 } });

    const read = await call('POST', `${site.url}/site/commands/grant-copy-access`, { copyRepoURN: 'crb', copyId: 'tls-copy', access: 'read' });
    expect((await call('POST', `${dsb.url}/service_instances`, {
      instanceId: 'tls-dst', instanceSettings: {}, restoreInfo: { copyId: 'tls-copy', copyRepoProtocol: 'shpanRest', copyRepoCredentials: { url: read.body.url, repoId: 'default' } },
    })).status).toBe(200);
    const dst = await running('tls-dst');
    expect(dst.state).toBe('RUNNING');
    expect(readFileSync(path.join(dst.binding.path, 'sub', 'note.txt'), 'utf8')).toBe('over TLS');
  });

  it('a Site that does not trust the CA cannot reach the brokers (503), and says so without a stack', async () => {
    const blind = await startService({ service: 'site', tls, env: { OCOPEA_TLS_CA_FILE: '' } });
    services.push(blind);
    const r = await call('POST', `${blind.url}/site/commands/register-crb`, { crbUrn: 'crb', crbUrl: crb.url, token: crb.token });
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(r.body).toMatchObject({ code: r.status });
    expect(String(r.body.message)).toMatch(/certificate|CERT|UNABLE|self/i);
  });
});
