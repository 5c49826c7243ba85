// The CRB data client beyond what the DSB suites cover (libs/dsb-common): uploads of a stored copy (size and digest
// known up front, as crb-fs transfers), range downloads, capability URLs never quoted in its errors, and TLS trust.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BadGatewayError, ConflictError } from '@ocopea/errors';
import { downloadCopy, uploadCopy } from '../src';

const data = Buffer.from('0123456789abcdefghij');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const drain = async (s: Readable) => { const out: Buffer[] = []; for await (const c of s) out.push(c as Buffer); return Buffer.concat(out); };

let server: http.Server;
let base: string;
/** What the last request carried. */
let last: { headers: http.IncomingHttpHeaders; body: Buffer; trailers: NodeJS.Dict<string> } | undefined;
/** How the next answers go. */
let mode: 'store' | 'lie' | 'refuse' | 'conflict' | 'ignoreRange' | 'wrongRange' = 'store';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      last = { headers: req.headers, body: Buffer.concat(chunks), trailers: { ...req.trailers } };
      if (mode === 'refuse') { res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `no such route ${req.url}` })); return; }
      if (mode === 'conflict') { res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'exists' })); return; }
      if (req.method === 'POST') {
        res.writeHead(200, { 'x-ocopea-sha256': mode === 'lie' ? 'ab'.repeat(32) : sha(last.body) }).end('"ok"');
        return;
      }
      const m = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
      if (!m || mode === 'ignoreRange') { res.writeHead(200, { 'content-length': data.length, 'x-ocopea-sha256': sha(data) }).end(data); return; }
      const start = Number(m[1]);
      const end = m[2] ? Number(m[2]) : data.length - 1;
      const shown = mode === 'wrongRange' ? start + 1 : start;
      res.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${shown}-${end}/${data.length}`, 'x-ocopea-sha256': sha(data) })
        .end(data.subarray(start, end + 1));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/crb/cap/SECRET-TOKEN`;
});
afterAll(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
afterEach(() => { mode = 'store'; last = undefined; });

const known = { size: data.length, digest: { algorithm: 'sha256' as const, hex: sha(data) } };
const upload = (more: Partial<Parameters<typeof uploadCopy>[0]> = {}) =>
  uploadCopy({ crb: { url: base, repoId: 'default' }, copyId: 'c1', source: Readable.from([data]), known, peer: 'target CRB', ...more });

describe('uploadCopy of a stored copy (known size and digest)', () => {
  it('sends Content-Length and the expected SHA-256 up front, no trailer, and reports the digest confirmed', async () => {
    const r = await upload();
    expect(r).toEqual({ size: data.length, digest: known.digest, confirmed: true, crbStatus: 200, crbSha256: sha(data) });
    expect(last?.headers['content-length']).toBe(String(data.length));
    expect(last?.headers['x-ocopea-expected-sha256']).toBe(sha(data));
    expect(last?.headers['transfer-encoding']).toBeUndefined();
    expect(last?.headers.trailer).toBeUndefined();
    expect(last?.body.equals(data)).toBe(true);
  });

  it('fails (502) when the target announces another digest, 409 when it holds the copy, 502 when it refuses; never quoting the credential', async () => {
    mode = 'lie';
    await expect(upload()).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/^target CRB stored a copy with sha256 abab/) });
    mode = 'conflict';
    const conflict = await upload().catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as Error).message).toMatch(/already exists in the target CRB \(POST http:\/\/127\.0\.0\.1:\d+\/crb\/cap\/\*\*\*\/repositories\/default\/copies\/c1\/data\): exists/);
    mode = 'refuse';
    const refused = await upload().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadGatewayError);
    expect((refused as Error).message).toMatch(/^target CRB answered 404 to POST .*: no such route \/crb\/cap\/\*\*\*\/repositories/);
    for (const e of [conflict, refused]) expect((e as Error).message).not.toContain('SECRET-TOKEN');
  });

  it('redacts the credential when the CRB cannot be reached', async () => {
    const err = await uploadCopy({ crb: { url: 'http://127.0.0.1:1/crb/cap/SECRET-TOKEN', repoId: 'r' }, copyId: 'c', source: Readable.from([data]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as Error).message).toMatch(/^CRB unreachable or connection lost on POST http:\/\/127\.0\.0\.1:1\/crb\/cap\/\*\*\*\/repositories\/r\/copies\/c\/data/);
  });
});

describe('downloadCopy of a range', () => {
  it('asks for the range and checks its length, not the whole-copy digest', async () => {
    const dl = await downloadCopy({ url: base, copyId: 'c1', range: { start: 5, end: 9 } });
    expect(last?.headers.range).toBe('bytes=5-9');
    expect(dl.range).toEqual({ start: 5, end: 9, size: data.length });
    expect(dl.expected).toBeUndefined();
    expect((await drain(dl.stream)).toString()).toBe('56789');
    const rest = await downloadCopy({ url: base, copyId: 'c1', range: { start: 15 } });
    expect(last?.headers.range).toBe('bytes=15-');
    expect((await drain(rest.stream)).toString()).toBe('fghij');
  });

  it('checks a whole copy asked as the range from 0 against its digest', async () => {
    mode = 'ignoreRange';
    const dl = await downloadCopy({ url: base, copyId: 'c1', range: { start: 0 } });
    expect(dl.expected).toEqual({ algorithm: 'sha256', hex: sha(data) });
    expect((await drain(dl.stream)).equals(data)).toBe(true);
  });

  it('refuses (502) a CRB that answers another part than the range asked, or the whole copy', async () => {
    mode = 'ignoreRange';
    await expect(downloadCopy({ url: base, copyId: 'c1', range: { start: 5, end: 9 } })).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/the whole copy, not the range asked \(bytes=5-9\)/) });
    mode = 'wrongRange';
    const err = await downloadCopy({ url: base, copyId: 'c1', range: { start: 5, end: 9 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, message: expect.stringMatching(/with bytes 6-9\/20, not the range asked/) });
    expect((err as Error).message).not.toContain('SECRET-TOKEN');
  });

  it('quotes a refusal without the credential', async () => {
    mode = 'refuse';
    const err = await downloadCopy({ url: base, copyId: 'c1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadGatewayError);
    expect((err as Error).message).toMatch(/^CRB answered 404 to GET http:\/\/127\.0\.0\.1:\d+\/crb\/cap\/\*\*\*\/copies\/c1\/data: no such route \/crb\/cap\/\*\*\*\/copies/);
  });
});

describe('over https', () => {
  // A private certificate made with openssl; the client trusts it only through OCOPEA_TLS_CA_FILE (peerTlsOptions),
  // like every client of ours.
  let dir: string;
  let tlsServer: https.Server;
  let url: string;
  const stored = new Map<string, Buffer>();
  const before = process.env.OCOPEA_TLS_CA_FILE;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crb-data-tls-'));
    const f = (n: string) => path.join(dir, n);
    // A self-signed certificate for 127.0.0.1 that is its own CA: the one file OCOPEA_TLS_CA_FILE names.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('ca.pem'), '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    tlsServer = https.createServer({ key: readFileSync(f('server.key')), cert: readFileSync(f('ca.pem')) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const id = String(req.url).split('/copies/')[1]?.split('/')[0] ?? '';
        if (req.method === 'POST') { stored.set(id, Buffer.concat(chunks)); res.writeHead(200, { 'x-ocopea-sha256': sha(Buffer.concat(chunks)) }).end('"ok"'); return; }
        const body = stored.get(id) ?? Buffer.alloc(0);
        res.writeHead(200, { 'content-length': body.length, 'x-ocopea-sha256': sha(body) }).end(body);
      });
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/crb/cap/SECRET-TOKEN`;
  });
  afterAll(async () => {
    if (before === undefined) delete process.env.OCOPEA_TLS_CA_FILE; else process.env.OCOPEA_TLS_CA_FILE = before;
    await new Promise<void>((r) => { tlsServer.closeAllConnections(); tlsServer.close(() => r()); });
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads and downloads trusting the CA of OCOPEA_TLS_CA_FILE, and fails (502, credential redacted) without it', async () => {
    delete process.env.OCOPEA_TLS_CA_FILE;
    const untrusted = await uploadCopy({ crb: { url, repoId: 'r' }, copyId: 't0', source: Readable.from([data]) }).catch((e: unknown) => e);
    expect(untrusted).toBeInstanceOf(BadGatewayError);
    expect((untrusted as Error).message).toMatch(/^CRB unreachable or connection lost on POST https:\/\/127\.0\.0\.1:\d+\/crb\/cap\/\*\*\*\/.*(certificate|self.signed|issuer)/i);
    process.env.OCOPEA_TLS_CA_FILE = path.join(dir, 'ca.pem');
    const up = await uploadCopy({ crb: { url, repoId: 'r' }, copyId: 't1', source: Readable.from([data]), digest: 'sha256' });
    expect(up).toMatchObject({ size: data.length, confirmed: true });
    const dl = await downloadCopy({ url, copyId: 't1' });
    expect(dl.expected).toEqual({ algorithm: 'sha256', hex: sha(data) });
    expect((await drain(dl.stream)).equals(data)).toBe(true);
  });
});
