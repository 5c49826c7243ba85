// dsb-fs end to end: the broker and the real crb-fs run as child processes. A fake CRB (in this process) plays the
// CRB that drops an upload, or serves hostile tar streams. The DSB reaches crb-fs only with scoped copy grants (a
// capability in the URL path), as the Site hands them out; the last block checks what such a grant allows.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pack } from 'tar-stream';
import { mintCrbGrant, scopedCrbUrl, startService, type CrbGrant, type StartedService } from '@ocopea/testing';
import { startFakeCrb, type FakeCrb } from '@ocopea/dsb-common/test-support/fake-crb';

jest.setTimeout(60_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
type Json = any;

let crb: StartedService;
let dsb: StartedService;
let fake: FakeCrb;

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${dsb.url}${p}`, {
    method, headers: { ...dsb.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function waitState(instanceId: string, states: string[], timeoutMs = 30_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('GET', `/service_instances/${instanceId}`);
    if (r.status === 200 && states.includes(r.body.state)) return r.body;
    if (Date.now() > deadline) throw new Error(`${instanceId} not ${states}: ${JSON.stringify(r)}\n${dsb.logs().slice(-3000)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

const copyBody = (copyId: string, url: string) => ({
  copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: 'default' }, copyType: 'shpanCopy', copyTime: Date.now(),
});
const restoreInfo = (copyId: string, url: string) => ({ copyId, copyRepoProtocol: 'SHPANREST', copyRepoCredentials: { url, repoId: 'default' } });
/**
 * What the Site hands a DSB as `copyRepoCredentials.url`: crb-fs's URL with a grant for that one copy in its path,
 * never the CRB's admin token (write: the copy, in repository `default`; read: its restore).
 */
const writeUrl = (copyId: string) => scopedCrbUrl(crb, { access: 'write', copyId, repoId: 'default' });
const readUrl = (copyId: string) => scopedCrbUrl(crb, { access: 'read', copyId });

/** Every entry under `dir`: relative path → file content (base64), `dir`, or `-> target` for symlinks. */
function tree(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(path.join(dir, rel)).sort()) {
    const r = path.join(rel, e);
    const st = lstatSync(path.join(dir, r));
    if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(path.join(dir, r))}`;
    else if (st.isDirectory()) { out[r] = 'dir'; Object.assign(out, tree(dir, r)); } else out[r] = readFileSync(path.join(dir, r)).toString('base64');
  }
  return out;
}

function tarOf(entries: { name: string; body?: string; type?: 'file' | 'symlink'; linkname?: string }[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname }, e.body ?? '');
  p.finalize();
  return new Promise((resolve, reject) => { const chunks: Buffer[] = []; p.on('data', (c) => chunks.push(c as Buffer)); p.on('end', () => resolve(Buffer.concat(chunks))); p.on('error', reject); });
}

function findFile(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) { const f = findFile(p, name); if (f) return f; } else if (e === name) return p;
  }
  return undefined;
}

beforeAll(async () => {
  [crb, dsb, fake] = await Promise.all([startService({ service: 'crb-fs' }), startService({ service: 'dsb-fs' }), startFakeCrb()]);
});
afterAll(async () => {
  await Promise.all([dsb?.stop(), crb?.stop(), fake?.close()]);
  for (const d of [dsb?.dataDir, crb?.dataDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('dsb-fs', () => {
  let src: Json;
  const big = randomBytes(1_500_000);

  it('describes itself (protocol fs 1, shpanRest 1.0) and serves an icon', async () => {
    const info = await call('GET', '/');
    expect(info.body).toMatchObject({ type: 'fs', plans: [{ id: 'standard', protocols: [{ protocol: 'fs', version: '1' }], copyProtocols: [{ copyProtocol: 'shpanRest', copyProtocolVersion: '1.0' }] }] });
    expect((await fetch(`${dsb.url}/icon`, { headers: dsb.headers })).headers.get('content-type')).toMatch(/svg/);
  });

  it('round trip: a directory copied to crb-fs and restored into another instance is identical', async () => {
    expect((await call('POST', '/service_instances', { instanceId: 'vol-src', instanceSettings: {} })).status).toBe(200);
    src = await waitState('vol-src', ['RUNNING']);
    expect(src).toMatchObject({ storageType: 'fs', binding: { path: path.join(dsb.dataDir, 'volumes', 'vol-src') } });
    const dir = src.binding.path;
    mkdirSync(path.join(dir, 'notes/2024'), { recursive: true });
    writeFileSync(path.join(dir, 'notes/2024/a.json'), '{"title":"hello"}');
    writeFileSync(path.join(dir, 'big.bin'), big);
    writeFileSync(path.join(dir, 'empty'), '');
    symlinkSync('notes/2024/a.json', path.join(dir, 'latest'));

    const c = await call('POST', '/service_instances/vol-src/copy', copyBody('fs-copy-1', await writeUrl('fs-copy-1')));
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: 0, copyId: 'fs-copy-1', checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(c.body.size).toBeGreaterThan(big.length);

    expect((await call('POST', '/service_instances', { instanceId: 'vol-dst', instanceSettings: { plan: 'standard' }, restoreInfo: restoreInfo('fs-copy-1', await readUrl('fs-copy-1')) })).status).toBe(200);
    const dst = await waitState('vol-dst', ['RUNNING', 'ERROR']);
    expect(dst.state).toBe('RUNNING');
    expect(tree(dst.binding.path)).toEqual(tree(dir));
    expect((await call('GET', '/service_instances/vol-src')).body.size).toBeGreaterThanOrEqual(big.length);
    if (process.getuid?.() === 0) {
      // A root dsb-fs hands its volumes to DSB_FS_VOLUME_OWNER, by default nobody (whom a root psb-process runs apps as).
      const nobody = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'nobody'], { encoding: 'utf8' }).trim()));
      for (const p of [dir, dst.binding.path, path.join(dst.binding.path, 'notes/2024/a.json'), path.join(dst.binding.path, 'latest')]) {
        const st = lstatSync(p);
        expect({ p, owner: [st.uid, st.gid] }).toEqual({ p, owner: nobody });
      }
      expect(existsSync(path.join(dsb.dataDir, 'volumes', '.ocopea-volume-root'))).toBe(true);
    }
  });

  it('a CRB that drops the upload mid-stream gives 502 and keeps nothing', async () => {
    fake.dropUploadsAfterBytes = 200_000;
    try {
      const c = await call('POST', '/service_instances/vol-src/copy', copyBody('fs-cut', fake.url));
      expect(c.status).toBe(502);
      expect(c.body).toMatchObject({ code: 502, message: expect.any(String) });
      expect(fake.copies.has('fs-cut')).toBe(false);
    } finally { fake.dropUploadsAfterBytes = undefined; }
  });

  it('a corrupted copy ends in ERROR and leaves no volume behind', async () => {
    const file = findFile(crb.dataDir, 'fs-copy-1')!;
    const original = readFileSync(file);
    const bad = Buffer.from(original);
    bad[600_000] ^= 0xff; // inside big.bin: a valid tar, wrong bytes — only the digest can tell
    writeFileSync(file, bad);
    try {
      await call('POST', '/service_instances', { instanceId: 'vol-bad', instanceSettings: {}, restoreInfo: restoreInfo('fs-copy-1', await readUrl('fs-copy-1')) });
      const r = await waitState('vol-bad', ['RUNNING', 'ERROR']);
      expect(r.state).toBe('ERROR');
      expect(r.stateMessage).toMatch(/fs-copy-1 .*corrupt: crc32 of the received bytes/);
    } finally { writeFileSync(file, original); }
    expect(existsSync(path.join(dsb.dataDir, 'volumes', 'vol-bad'))).toBe(false);
    expect(readdirSync(path.join(dsb.dataDir, 'tmp'))).toEqual([]);
  });

  it('refuses tar entries that would escape the volume (.., absolute paths, symlinks out)', async () => {
    fake.copies.set('evil-dotdot', await tarOf([{ name: 'ok.txt', body: 'ok' }, { name: '../../escaped.txt', body: 'pwned' }]));
    fake.copies.set('evil-abs', await tarOf([{ name: '/tmp/ocopea-abs-escape.txt', body: 'pwned' }]));
    fake.copies.set('evil-link', await tarOf([{ name: 'out', type: 'symlink', linkname: '/etc' }, { name: 'out/ocopea-x', body: 'pwned' }]));
    for (const copy of ['evil-dotdot', 'evil-abs', 'evil-link']) {
      await call('POST', '/service_instances', { instanceId: `vol-${copy}`, instanceSettings: {}, restoreInfo: restoreInfo(copy, fake.url) });
      const r = await waitState(`vol-${copy}`, ['RUNNING', 'ERROR']);
      expect({ copy, state: r.state }).toEqual({ copy, state: 'ERROR' });
    }
    expect(existsSync(path.join(dsb.dataDir, 'escaped.txt'))).toBe(false);
    expect(existsSync(path.join(dsb.dataDir, 'volumes', 'escaped.txt'))).toBe(false);
    expect(existsSync('/tmp/ocopea-abs-escape.txt')).toBe(false);
    expect(existsSync('/etc/ocopea-x')).toBe(false);
  });

  it('refuses (409) to copy a volume no restore could recreate, and the CRB keeps nothing', async () => {
    expect((await call('POST', '/service_instances', { instanceId: 'vol-odd', instanceSettings: {} })).status).toBe(200);
    const dir = (await waitState('vol-odd', ['RUNNING'])).binding.path as string;
    writeFileSync(path.join(dir, 'fine.txt'), 'fine');
    const cases: [string, () => void, () => void, RegExp][] = [
      ['fifo', () => execFileSync('mkfifo', [path.join(dir, 'pipe')]), () => rmSync(path.join(dir, 'pipe')), /'pipe' is a fifo/],
      ['link-out', () => symlinkSync('../../outside', path.join(dir, 'out')), () => rmSync(path.join(dir, 'out')), /symlink 'out' -> '..\/..\/outside' leads out of the volume/],
      ['link-abs', () => symlinkSync(path.join(dir, 'fine.txt'), path.join(dir, 'abs')), () => rmSync(path.join(dir, 'abs')), /symlink 'abs' .* leads out/],
      ['latin1', () => writeFileSync(Buffer.concat([Buffer.from(`${dir}/bad`), Buffer.from([0xff, 0xfe])]), 'x'),
        () => rmSync(Buffer.concat([Buffer.from(`${dir}/bad`), Buffer.from([0xff, 0xfe])])), /not valid UTF-8/],
    ];
    for (const [name, make, undo, message] of cases) {
      make();
      try {
        const c = await call('POST', '/service_instances/vol-odd/copy', copyBody(`odd-${name}`, await writeUrl(`odd-${name}`)));
        expect({ name, status: c.status }).toEqual({ name, status: 409 });
        expect(c.body.message).toMatch(/^the volume cannot be copied: /);
        expect(c.body.message).toMatch(message);
        expect((await fetch(`${crb.url}/copies/odd-${name}/data`, { headers: crb.headers })).status).toBe(404);
      } finally { undo(); }
    }
    expect((await call('POST', '/service_instances/vol-odd/copy', copyBody('odd-fixed', await writeUrl('odd-fixed')))).status).toBe(200);
  });

  it('restores the volume directory with its own mode, and refuses an empty copy (ERROR, not an empty RUNNING volume)', async () => {
    expect((await call('POST', '/service_instances', { instanceId: 'vol-mode', instanceSettings: {} })).status).toBe(200);
    const dir = (await waitState('vol-mode', ['RUNNING'])).binding.path as string;
    writeFileSync(path.join(dir, 'a'), 'a');
    chmodSync(dir, 0o550); // no write for the owner: proves the mode travels, not a default
    expect((await call('POST', '/service_instances/vol-mode/copy', copyBody('mode-copy', await writeUrl('mode-copy')))).status).toBe(200);
    await call('POST', '/service_instances', { instanceId: 'vol-mode2', instanceSettings: {}, restoreInfo: restoreInfo('mode-copy', await readUrl('mode-copy')) });
    const restored = await waitState('vol-mode2', ['RUNNING', 'ERROR']);
    expect(restored.state).toBe('RUNNING');
    // The copied mode, less what the broker's umask (077: state is private) takes away.
    expect(statSync(restored.binding.path).mode & 0o777).toBe(0o500);

    fake.copies.set('empty-body', Buffer.alloc(0));
    fake.copies.set('empty-tar', Buffer.alloc(1024)); // a valid tar of nothing: two zero blocks
    fake.copies.set('no-root', await tarOf([{ name: 'a.txt', body: 'a' }]));
    for (const copy of ['empty-body', 'empty-tar', 'no-root']) {
      await call('POST', '/service_instances', { instanceId: `vol-${copy}`, instanceSettings: {}, restoreInfo: restoreInfo(copy, fake.url) });
      const r = await waitState(`vol-${copy}`, ['RUNNING', 'ERROR']);
      expect({ copy, state: r.state, message: r.stateMessage }).toEqual({ copy, state: 'ERROR', message: expect.stringMatching(/holds no volume/) });
      expect(existsSync(path.join(dsb.dataDir, 'volumes', `vol-${copy}`))).toBe(false);
    }
    expect(readdirSync(path.join(dsb.dataDir, 'tmp'))).toEqual([]);
  });

  it('answers 400 {code, message} to bad input and 409 to duplicates', async () => {
    const plan = await call('POST', '/service_instances', { instanceId: 'vol-x', instanceSettings: { plan: 'platinum' } });
    expect(plan).toMatchObject({ status: 400, body: { code: 400, message: expect.stringMatching(/unknown plan/) } });
    const proto = await call('POST', '/service_instances', { instanceId: 'vol-x', instanceSettings: {}, restoreInfo: { ...restoreInfo('c', crb.url), copyRepoProtocol: 's3' } });
    expect(proto.status).toBe(400);
    expect(proto.body.message).toMatch(/shpanRest 1\.0/);
    const noCopy = await call('POST', '/service_instances/vol-src/copy', { copyRepoProtocol: 'shpanRest', copyRepoCredentials: { url: crb.url, repoId: 'default' } });
    expect(noCopy.status).toBe(400);
    const noRepo = await call('POST', '/service_instances/vol-src/copy', { ...copyBody('c', crb.url), copyRepoCredentials: { url: crb.url } });
    expect(noRepo.status).toBe(400);
    expect(noRepo.body.message).toMatch(/repoId/);
    expect((await call('POST', '/service_instances', { instanceId: 'vol-src', instanceSettings: {} })).status).toBe(409);
    mkdirSync(path.join(dsb.dataDir, 'volumes', 'vol-stray'), { recursive: true }); // not in the registry
    const stray = await call('POST', '/service_instances', { instanceId: 'vol-stray', instanceSettings: {} });
    expect(stray.status).toBe(409);
    expect(stray.body.message).toMatch(/already exists/);
    expect((await call('GET', '/service_instances/vol-x')).status).toBe(404);
  });

  it('keeps its registry across a restart; DELETE removes the directory, then 404', async () => {
    await dsb.stop();
    dsb = await startService({ service: 'dsb-fs', dataDir: dsb.dataDir });
    const ids = (await call('GET', '/service_instances')).body.map((x: { instanceId: string }) => x.instanceId);
    expect(ids).toEqual(expect.arrayContaining(['vol-src', 'vol-dst', 'vol-bad']));
    expect((await call('GET', '/service_instances/vol-dst')).body.state).toBe('RUNNING');
    expect((await call('DELETE', '/service_instances/vol-dst')).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while ((await call('GET', '/service_instances/vol-dst')).status !== 404) {
      if (Date.now() > deadline) throw new Error('not removed');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(existsSync(path.join(dsb.dataDir, 'volumes', 'vol-dst'))).toBe(false);
  });
});

/**
 * A pass-through proxy in front of `target` (trailers included) that records every request it forwards: what a DSB
 * sends to the CRB, Authorization header or not.
 */
async function recordingProxy(target: StartedService): Promise<{ url: string; seen: { method: string; url: string; authorization?: string }[]; close(): Promise<void> }> {
  const seen: { method: string; url: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const out = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res, { end: false });
      up.once('end', () => { if (Object.keys(up.trailers).length) res.addTrailers(up.trailers); res.end(); });
    });
    out.on('error', () => res.destroy());
    req.pipe(out, { end: false });
    req.once('end', () => { if (Object.keys(req.trailers).length) out.addTrailers(req.trailers); out.end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/crb`,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('copy grants: what the credential of one copy allows (crb-fs and dsb-fs as processes)', () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const asAdmin = (method: string, p: string) => fetch(`${crb.url}${p}`, { method, headers: crb.headers });
  /** A request made with grant `g` only: in the URL path (`{url}/cap/<token>/...`, no header) or as a Bearer token. */
  const withGrant = (how: 'capability' | 'bearer', g: CrbGrant, method: string, p: string, body?: Buffer | string, contentType?: string) =>
    fetch(how === 'capability' ? `${crb.url}${g.pathPrefix}${p}` : `${crb.url}${p}`, {
      method, body,
      headers: { ...(how === 'bearer' ? { authorization: `Bearer ${g.token}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
    });

  it('a write grant for copy X uploads X; reading, overwriting, describing or deleting copy Y, deleting X, listing copies or minting grants are 403 {code, message}', async () => {
    const y = Buffer.from('copy Y: not to be touched by the holder of a grant for another copy');
    const up = await fetch(`${crb.url}/repositories/default/copies/grant-y/data`, { method: 'POST', headers: { ...crb.headers, 'content-type': 'application/octet-stream' }, body: y });
    expect(up.status).toBe(200);
    const yMeta = await (await asAdmin('GET', '/copies/grant-y')).json();

    for (const how of ['capability', 'bearer'] as const) {
      const x = `grant-x-${how}`;
      const g = await mintCrbGrant(crb, { access: 'write', copyId: x, repoId: 'default' });
      const data = randomBytes(100_000);
      // (a) X itself
      const ok = await withGrant(how, g, 'POST', `/repositories/default/copies/${x}/data`, data, 'application/octet-stream');
      expect({ how, status: ok.status }).toEqual({ how, status: 200 });
      expect(ok.headers.get('x-ocopea-sha256')).toBe(sha(data));
      const stored = await asAdmin('GET', `/copies/${x}/data`);
      expect(sha(Buffer.from(await stored.arrayBuffer()))).toBe(sha(data));

      // (b) anything else
      const refused: [string, string, (Buffer | string)?, string?][] = [
        ['GET', '/copies/grant-y/data'],
        ['GET', '/copies/grant-y'],
        ['POST', '/repositories/default/copies/grant-y/data', Buffer.from('overwritten'), 'application/octet-stream'],
        ['POST', '/copies/grant-y', JSON.stringify({ repoId: 'default', facility: 'forged' }), 'application/json'],
        ['DELETE', '/copies/grant-y'],
        ['DELETE', `/copies/${x}`],
        ['GET', '/copies'],
        ['POST', '/grants', JSON.stringify({ access: 'read', copyId: 'grant-y' }), 'application/json'],
      ];
      for (const [method, p, body, type] of refused) {
        const res = await withGrant(how, g, method, p, body, type);
        const text = await res.text();
        expect({ how, call: `${method} ${p}`, status: res.status }).toEqual({ how, call: `${method} ${p}`, status: 403 });
        expect(JSON.parse(text)).toMatchObject({ code: 403, message: expect.any(String) });
        expect(text).not.toContain(g.token);
      }
      // nothing changed: Y as it was, X still there
      expect(sha(Buffer.from(await (await asAdmin('GET', '/copies/grant-y/data')).arrayBuffer()))).toBe(sha(y));
      expect(await (await asAdmin('GET', '/copies/grant-y')).json()).toEqual(yMeta);
      expect((await asAdmin('GET', `/copies/${x}`)).status).toBe(200);
    }
  });

  it('an expired grant and a grant of another crb-fs (another key) are 401 {code, message}, in the URL or as Bearer', async () => {
    const other = await startService({ service: 'crb-fs', env: { LOG_LEVEL: 'warn' } });
    try {
      const foreign = await mintCrbGrant(other, { access: 'write', copyId: 'grant-foreign', repoId: 'default' });
      const expired = await mintCrbGrant(crb, { access: 'write', copyId: 'grant-late', repoId: 'default', ttlSeconds: 1 });
      await new Promise((r) => setTimeout(r, 2000));
      for (const [name, g, copyId] of [['expired', expired, 'grant-late'], ['another crb-fs', foreign, 'grant-foreign']] as const) {
        for (const how of ['capability', 'bearer'] as const) {
          for (const [method, p] of [['POST', `/repositories/default/copies/${copyId}/data`], ['GET', `/copies/${copyId}`]]) {
            const res = await withGrant(how, g, method, p, method === 'POST' ? Buffer.from('late') : undefined, method === 'POST' ? 'application/octet-stream' : undefined);
            const text = await res.text();
            expect({ name, how, call: method, status: res.status }).toEqual({ name, how, call: method, status: 401 });
            expect(JSON.parse(text)).toMatchObject({ code: 401, message: expect.any(String) });
            expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
            expect(text).not.toContain(g.token);
          }
        }
        expect((await asAdmin('GET', `/copies/${copyId}`)).status).toBe(404);
      }
    } finally {
      await other.stop();
      rmSync(other.dataDir, { recursive: true, force: true });
    }
  });

  it('dsb-fs copies and restores through capability URLs without an Authorization header; a grant for copy X does not let it write copy Y or read another', async () => {
    expect((await call('POST', '/service_instances', { instanceId: 'vol-cap', instanceSettings: {} })).status).toBe(200);
    const dir = (await waitState('vol-cap', ['RUNNING'])).binding.path as string;
    writeFileSync(path.join(dir, 'a.txt'), 'through a capability URL');
    writeFileSync(path.join(dir, 'b.bin'), randomBytes(300_000));

    const proxy = await recordingProxy(crb);
    try {
      const w = await mintCrbGrant(crb, { access: 'write', copyId: 'cap-copy', repoId: 'default' });
      const c = await call('POST', '/service_instances/vol-cap/copy', copyBody('cap-copy', proxy.url + w.pathPrefix));
      expect(c).toMatchObject({ status: 200, body: { status: 0, copyId: 'cap-copy' } });
      const r = await mintCrbGrant(crb, { access: 'read', copyId: 'cap-copy' });
      expect((await call('POST', '/service_instances', { instanceId: 'vol-cap2', instanceSettings: {}, restoreInfo: restoreInfo('cap-copy', proxy.url + r.pathPrefix) })).status).toBe(200);
      const restored = await waitState('vol-cap2', ['RUNNING', 'ERROR']);
      expect(restored.state).toBe('RUNNING');
      expect(tree(restored.binding.path)).toEqual(tree(dir));
      // what the DSB sent: its requests under the capability prefix, and never an Authorization header
      const sent = proxy.seen.map((s) => ({ call: `${s.method} ${s.url.replace(w.token, '<write>').replace(r.token, '<read>')}`, authorization: s.authorization }));
      expect(sent).toEqual(expect.arrayContaining([
        { call: 'POST /crb/cap/<write>/repositories/default/copies/cap-copy/data', authorization: undefined },
        { call: 'GET /crb/cap/<read>/copies/cap-copy/data', authorization: undefined },
      ]));
      for (const s of sent) expect(s).toEqual({ call: expect.stringMatching(/^[A-Z]+ \/crb\/cap\/<(write|read)>\//), authorization: undefined });
    } finally { await proxy.close(); }

    // a write grant for cap-x, asked to copy as cap-y: the CRB refuses (403), the DSB fails, nothing is written
    const gx = await mintCrbGrant(crb, { access: 'write', copyId: 'cap-x', repoId: 'default' });
    const wrong = await call('POST', '/service_instances/vol-cap/copy', copyBody('cap-y', crb.url + gx.pathPrefix));
    expect(wrong.status).toBe(502);
    expect(wrong.body).toMatchObject({ code: 502, message: expect.stringMatching(/403/) });
    expect(JSON.stringify(wrong.body)).not.toContain(gx.token);
    for (const id of ['cap-y', 'cap-x']) {
      expect((await asAdmin('GET', `/copies/${id}`)).status).toBe(404);
      expect((await asAdmin('GET', `/copies/${id}/data`)).status).toBe(404);
    }
    expect(readdirSync(path.join(crb.dataDir, 'tmp'))).toEqual([]);

    // a read grant for another copy does not restore cap-copy: ERROR, no volume, the token not in the message
    const gr = await mintCrbGrant(crb, { access: 'read', copyId: 'cap-x' });
    await call('POST', '/service_instances', { instanceId: 'vol-cap3', instanceSettings: {}, restoreInfo: restoreInfo('cap-copy', crb.url + gr.pathPrefix) });
    const denied = await waitState('vol-cap3', ['RUNNING', 'ERROR']);
    expect(denied.state).toBe('ERROR');
    expect(denied.stateMessage).toMatch(/403/);
    expect(denied.stateMessage).not.toContain(gr.token);
    expect(existsSync(path.join(dsb.dataDir, 'volumes', 'vol-cap3'))).toBe(false);
  });
});
