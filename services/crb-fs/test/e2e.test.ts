// crb-fs as real child processes over real HTTP: streaming, crash safety (client gone, SIGKILL mid-upload),
// persistence across restarts, the same-copy race, traversal attempts and CRB-to-CRB transfer.
import { existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { scopedCrbUrl, startService, TEST_ADMIN_TOKEN, type StartedService } from '@ocopea/testing';
import { bytes, crc32, eventually, filesIn, json, send, sha256, upload } from './helpers';

jest.setTimeout(90_000);

const started: StartedService[] = [];
async function start(dataDir?: string, env?: Record<string, string>): Promise<StartedService> {
  const s = await startService({ service: 'crb-fs', dataDir, env: { LOG_LEVEL: 'warn', ...env } });
  started.push(s);
  return s;
}
afterAll(async () => {
  for (const s of started) await s.kill();
  for (const d of new Set(started.map((s) => s.dataDir))) { rmSync(d, { recursive: true, force: true }); rmSync(`${d}.log`, { force: true }); }
});

/**
 * Starts an upload and sends `first` bytes, keeping the request open; resolves once the CRB's temporary file holds
 * every whole MiB of them (uploads write with O_DIRECT in 1 MiB blocks, so a smaller rest is still in memory).
 */
async function startUpload(crb: StartedService, copyId: string, first: Buffer) {
  const req = http.request(`${crb.url}/repositories/default/copies/${copyId}/data`, {
    method: 'POST', headers: { ...crb.headers, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
  });
  const answered = new Promise<number>((resolve) => {
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', () => resolve(-1));
  });
  req.write(first);
  const onDisk = Math.floor(first.length / (1024 * 1024)) * 1024 * 1024;
  await eventually(() => filesIn(crb.dataDir, 'tmp').some((f) => f.endsWith('.part') && statSync(path.join(crb.dataDir, 'tmp', f)).size >= onDisk),
    `the upload's temporary file with ${onDisk} bytes`);
  return { req, answered };
}

describe('crb-fs over HTTP', () => {
  let crb: StartedService;
  beforeAll(async () => { crb = await start(); });

  it('round-trips a multi-megabyte streamed copy with matching digest headers and ranges', async () => {
    const data = bytes(6 * 1024 * 1024 + 123, 5);
    const chunks = function* () { for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536); };
    const up = await upload(`${crb.url}/repositories/default/copies/big/data`, Readable.from(chunks()));
    expect(up.status).toBe(200);
    expect(up.json()).toBe(`${crb.url}/copies/big`);
    expect(up.headers['x-ocopea-sha256']).toBe(sha256(data));
    expect(up.headers['x-ocopea-crc32']).toBe(crc32(data));
    const down = await send('GET', `${crb.url}/copies/big/data`);
    expect(down.status).toBe(200);
    expect(down.body.length).toBe(data.length);
    expect(sha256(down.body)).toBe(sha256(data));
    expect(down.headers['x-ocopea-sha256']).toBe(sha256(data));
    expect(down.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha256(data), 'hex').toString('base64')}:`);
    expect(down.headers['x-ocopea-crc32']).toBe(crc32(data));
    const from = 4 * 1024 * 1024 + 7;
    const rest = await send('GET', `${crb.url}/copies/big/data`, { headers: { range: `bytes=${from}-` } });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(`bytes ${from}-${data.length - 1}/${data.length}`);
    expect(Buffer.compare(rest.body, data.subarray(from))).toBe(0);
  });

  it('checks the digests an uploader sends as trailers before the copy becomes visible', async () => {
    const data = bytes(3 * 1024 * 1024 + 5, 11);
    const stream = () => Readable.from((function* () { for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536); })());
    const url = (id: string) => `${crb.url}/repositories/default/copies/${id}/data`;
    const nothingLeft = async (id: string) => {
      expect((await send('GET', `${crb.url}/copies/${id}`)).status).toBe(404);
      expect(filesIn(crb.dataDir, 'tmp')).toEqual([]);
      expect(filesIn(crb.dataDir, 'locks')).toEqual([]);
    };
    const wrongCrc = crc32(Buffer.concat([data, Buffer.from('x')]));
    const bad = await upload(url('tr-bad'), stream(), {}, { 'X-Ocopea-Expected-Crc32': wrongCrc });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ reason: 'digest_mismatch', message: `crc32 of the received data is ${crc32(data)}, expected ${wrongCrc}` });
    await nothingLeft('tr-bad');
    const badSha = await upload(url('tr-bad'), stream(), {}, { 'X-Ocopea-Expected-Sha256': 'ab'.repeat(32) });
    expect(badSha.status).toBe(400);
    expect((badSha.json() as { reason: string }).reason).toBe('digest_mismatch');
    await nothingLeft('tr-bad');
    const malformed = await upload(url('tr-bad'), stream(), {}, { 'X-Ocopea-Expected-Crc32': 'not-hex' });
    expect(malformed.status).toBe(400);
    expect((malformed.json() as { message: string }).message).toMatch(/X-Ocopea-Expected-Crc32 must be 8 hex digits/);
    await nothingLeft('tr-bad');
    // announced in Trailer, never sent: the sender's check was lost on the way
    const missing = await upload(url('tr-bad'), data, { 'transfer-encoding': 'chunked', trailer: 'X-Ocopea-Expected-Crc32' });
    expect(missing.status).toBe(400);
    expect((missing.json() as { message: string }).message).toMatch(/announced the trailer x-ocopea-expected-crc32/);
    await nothingLeft('tr-bad');

    const good = await upload(url('tr-good'), stream(), {}, { 'X-Ocopea-Expected-Crc32': crc32(data).toUpperCase(), 'X-Ocopea-Expected-Sha256': sha256(data) });
    expect(good.status).toBe(200);
    expect(good.headers['x-ocopea-crc32']).toBe(crc32(data));
    const md = (await send('GET', `${crb.url}/copies/tr-good`)).json() as { copyAdditionalInfo: Record<string, string> };
    expect(md.copyAdditionalInfo).toMatchObject({ size: String(data.length), sha256: sha256(data), crc32: crc32(data) });
  });

  it('leaves nothing visible when the client disconnects midway, and the copy can be uploaded again', async () => {
    const { req } = await startUpload(crb, 'cut', bytes(1536 * 1024));
    req.destroy();
    await eventually(() => filesIn(crb.dataDir, 'tmp').length === 0 && filesIn(crb.dataDir, 'locks').length === 0, 'cleanup after the disconnect');
    expect((await send('GET', `${crb.url}/copies/cut`)).status).toBe(404);
    expect((await send('GET', `${crb.url}/copies/cut/data`)).status).toBe(404);
    expect(filesIn(crb.dataDir, 'data')).not.toContain('cut');
    expect((await upload(`${crb.url}/repositories/default/copies/cut/data`, Buffer.from('again'))).status).toBe(200);
  });

  it('lets exactly one of two uploads of the same copy win; the other gets 409', async () => {
    const first = await startUpload(crb, 'race', bytes(64 * 1024, 2));
    const second = await upload(`${crb.url}/repositories/default/copies/race/data`, bytes(1000, 3));
    expect(second.status).toBe(409);
    first.req.end(bytes(1000, 4));
    expect(await first.answered).toBe(200);
    // and truly at the same time: one 200, one 409, whoever wins
    const both = await Promise.all([1, 2].map((seed) => upload(`${crb.url}/repositories/default/copies/race2/data`, bytes(300_000, seed))));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = both.find((r) => r.status === 200)!;
    expect((await send('GET', `${crb.url}/copies/race2/data`)).headers['x-ocopea-sha256']).toBe(winner.headers['x-ocopea-sha256']);
  });

  it('uploads different copies in parallel', async () => {
    const a = await startUpload(crb, 'par-a', bytes(64 * 1024, 7));
    const b = await upload(`${crb.url}/repositories/default/copies/par-b/data`, bytes(10_000, 8));
    expect(b.status).toBe(200); // did not wait for par-a
    a.req.end();
    expect(await a.answered).toBe(200);
  });

  it('aborts an upload in progress when its copy is deleted, leaving nothing', async () => {
    const up = await startUpload(crb, 'doomed', bytes(128 * 1024, 21));
    expect((await send('DELETE', `${crb.url}/copies/doomed`)).status).toBe(200);
    up.req.end(bytes(1000, 22));
    expect(await up.answered).toBe(409);
    expect((await send('GET', `${crb.url}/copies/doomed`)).status).toBe(404);
    expect((await send('GET', `${crb.url}/copies/doomed/data`)).status).toBe(404);
    await eventually(() => filesIn(crb.dataDir, 'tmp').length === 0 && filesIn(crb.dataDir, 'locks').length === 0, 'cleanup after the delete');
  });

  it('rejects traversal ids with 400 and never writes outside the data root', async () => {
    const outside = path.join(path.dirname(crb.dataDir), `evil-${process.pid}`);
    for (const id of [`..%2F..%2F${path.basename(outside)}`, 'a..b', '%2E%2E', 'a%5Cb', 'a%00b', 'x'.repeat(300)]) {
      const res = await upload(`${crb.url}/repositories/default/copies/${id}/data`, Buffer.from('evil'));
      expect(res.status).toBe(400);
      expect((await json('POST', `${crb.url}/copies/${id}`, {})).status).toBe(400);
      expect((await json('PUT', `${crb.url}/repositories/${id}`, {})).status).toBe(400);
      expect((await send('GET', `${crb.url}/copies/${id}/data`)).status).toBe(400);
    }
    expect(existsSync(outside)).toBe(false);
    expect(filesIn(crb.dataDir, 'data').some((f) => f.includes('evil') || f.includes('..'))).toBe(false);
  });

  it('frees the copy id at once when the client leaves before the upload got going (no lock held until a restart)', async () => {
    const port = Number(new URL(crb.url).port);
    // Headers and the whole (tiny) body, then a half-close, or a few bytes then a reset: the request is gone before
    // the CRB has taken its lock and opened its file. With a valid credential, so that it gets that far.
    const head = `POST /crb/repositories/default/copies/early/data HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nContent-Type: application/octet-stream\r\n`;
    const ways: ((sock: net.Socket) => void)[] = [
      (sock) => sock.end(`${head}Content-Length: 3\r\n\r\nabc`),
      (sock) => { sock.write(`${head}Content-Length: 100\r\n\r\nab`); sock.resetAndDestroy(); },
      (sock) => sock.end(`${head}Transfer-Encoding: chunked\r\n\r\nzz\r\n`),
    ];
    for (const [i, way] of ways.entries()) {
      await new Promise<void>((resolve) => {
        const sock = net.connect(port, '127.0.0.1', () => way(sock));
        sock.resume(); // read (and drop) whatever the CRB answers, so its closing of the connection is seen
        sock.on('error', () => undefined);
        sock.on('close', () => resolve());
      });
      await eventually(() => filesIn(crb.dataDir, 'locks').length === 0 && filesIn(crb.dataDir, 'tmp').length === 0, `lock and part file released (way ${i})`);
      expect((await send('GET', `${crb.url}/copies/early/data`)).status).toBe(404);
    }
    expect((await upload(`${crb.url}/repositories/default/copies/early/data`, Buffer.from('whole'))).status).toBe(200);
  });

  it('answers a data file damaged outside crb-fs with a JSON 500 that says so, not a download cut short', async () => {
    const data = bytes(300_000, 31);
    expect((await upload(`${crb.url}/repositories/default/copies/damaged/data`, data)).status).toBe(200);
    truncateSync(path.join(crb.dataDir, 'data', 'damaged'), 100_000);
    for (const range of [undefined, 'bytes=0-10']) {
      const res = await send('GET', `${crb.url}/copies/damaged/data`, { headers: range ? { range } : {} });
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-range']).toBeUndefined();
      expect(res.headers['x-ocopea-sha256']).toBeUndefined();
      expect(res.json()).toMatchObject({ code: 500, reason: 'data_damaged', message: "data of copy 'damaged' is damaged: its file holds 100000 bytes where 300000 were stored" });
    }
  });

  it('ignores a copyTimestamp hint past year 9999 (no RFC 3339 form) and takes the time of the upload', async () => {
    const before = Date.now();
    const res = await upload(`${crb.url}/repositories/default/copies/far-future/data`, Buffer.from('x'), { copyTimestamp: '999999999999999' });
    expect(res.status).toBe(200);
    const stamp = ((await send('GET', `${crb.url}/copies/far-future`)).json() as { copyTimeStamp: string }).copyTimeStamp;
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Date.parse(stamp)).toBeGreaterThanOrEqual(before - 1000);
    expect((await upload(`${crb.url}/repositories/default/copies/y9999/data`, Buffer.from('x'), { copyTimestamp: String(Date.UTC(9999, 0, 1)) })).status).toBe(200);
    expect(((await send('GET', `${crb.url}/copies/y9999`)).json() as { copyTimeStamp: string }).copyTimeStamp).toBe('9999-01-01T00:00:00.000Z');
  });

  it('drops an upload whose sender falls silent (OCOPEA_CRB_UPLOAD_IDLE_TIMEOUT_MS), not one that is slow but steady', async () => {
    const quick = await start(undefined, { OCOPEA_CRB_UPLOAD_IDLE_TIMEOUT_MS: '500' });
    const silent = http.request(`${quick.url}/repositories/default/copies/quiet/data`, {
      method: 'POST', headers: { ...quick.headers, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
    });
    silent.on('error', () => undefined);
    silent.write(Buffer.from('ten bytes!'));
    await eventually(() => filesIn(quick.dataDir, 'locks').includes('quiet.lock'), 'the upload under way');
    await eventually(() => filesIn(quick.dataDir, 'locks').length === 0 && filesIn(quick.dataDir, 'tmp').length === 0, 'the silent upload dropped', 5000);
    expect((await send('GET', `${quick.url}/copies/quiet/data`)).status).toBe(404);
    silent.destroy();

    // 12 chunks 200 ms apart: 2.4 s in all, never 500 ms without a byte.
    const chunks = Array.from({ length: 12 }, (_, i) => bytes(1000, 50 + i));
    const steady = Readable.from((async function* () { for (const c of chunks) { yield c; await new Promise((r) => setTimeout(r, 200)); } })());
    const res = await upload(`${quick.url}/repositories/default/copies/quiet/data`, steady);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocopea-sha256']).toBe(sha256(Buffer.concat(chunks)));
    await quick.stop();
  });

  it('uses OCOPEA_PUBLIC_URL for the URLs it answers when set', async () => {
    const pub = await start(undefined, { OCOPEA_PUBLIC_URL: 'http://crb.public:8082/crb' });
    const res = await upload(`${pub.url}/repositories/default/copies/p1/data`, Buffer.from('x'));
    expect(res.json()).toBe('http://crb.public:8082/crb/copies/p1');
    await pub.stop();
  });
});

describe('crb-fs crash safety and persistence', () => {
  it('keeps repositories and metadata across a restart', async () => {
    const a = await start();
    expect((await json('POST', `${a.url}/repositories/archive`, { name: 'Archive' })).status).toBe(201);
    expect((await json('POST', `${a.url}/copies/kept`, { repoId: 'archive', facility: 'pg_dump', copyTimeStamp: '2024-11-14T22:13:20.000Z' })).status).toBe(201);
    expect((await upload(`${a.url}/repositories/archive/copies/kept/data`, bytes(5000))).status).toBe(200);
    expect((await json('POST', `${a.url}/copies/meta-only`, {})).status).toBe(201);
    const before = (await send('GET', `${a.url}/copies/kept`)).json();
    expect(await a.stop()).toBe(0);
    const b = await start(a.dataDir);
    expect((await send('GET', `${b.url}/repositories/archive`)).json()).toMatchObject({ id: 'archive', name: 'Archive' });
    expect((await send('GET', `${b.url}/copies/kept`)).json()).toEqual(before);
    expect((await send('GET', `${b.url}/copies/meta-only`)).status).toBe(200);
    const data = await send('GET', `${b.url}/copies/kept/data`);
    expect(sha256(data.body)).toBe(sha256(bytes(5000)));
    expect((await send('GET', `${b.url}/repositories/archive/stats`)).json()).toMatchObject({ numberOfCopiesStored: 1, usedCapacityInBytes: 5000 });
    await b.stop();
  });

  it('moves an unreadable copy record and its data aside at start-up instead of deleting the data', async () => {
    const a = await start();
    const data = bytes(50_000, 41);
    expect((await upload(`${a.url}/repositories/default/copies/rotted/data`, data)).status).toBe(200);
    expect(await a.stop()).toBe(0);
    const record = path.join(a.dataDir, 'copies', 'rotted.json');
    writeFileSync(record, readFileSync(record, 'utf8').slice(0, 50)); // bit rot, a bad restore, a hand edit
    const b = await start(a.dataDir);
    expect((await send('GET', `${b.url}/copies/rotted`)).status).toBe(404);
    const aside = filesIn(b.dataDir, 'quarantine');
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/-rotted$/);
    expect(sha256(readFileSync(path.join(b.dataDir, 'quarantine', aside[0], 'data')))).toBe(sha256(data));
    expect(readFileSync(path.join(b.dataDir, 'quarantine', aside[0], 'record.json'), 'utf8')).toHaveLength(50);
    expect(filesIn(b.dataDir, 'data')).not.toContain('rotted');
    await b.stop();
  });

  it('shows no copy and leaves no temporary file after a SIGKILL mid-upload and a restart', async () => {
    const a = await start();
    const { req } = await startUpload(a, 'killed', bytes(1536 * 1024));
    expect(filesIn(a.dataDir, 'locks')).toEqual(['killed.lock']);
    await a.kill();
    req.destroy();
    const b = await start(a.dataDir);
    expect(filesIn(b.dataDir, 'tmp')).toEqual([]);
    expect(filesIn(b.dataDir, 'locks')).toEqual([]);
    expect(filesIn(b.dataDir, 'data')).toEqual([]);
    expect((await send('GET', `${b.url}/copies/killed`)).status).toBe(404);
    expect((await send('GET', `${b.url}/copies/killed/data`)).status).toBe(404);
    expect((await send('GET', `${b.url}/copies`)).status).toBe(204);
    expect((await upload(`${b.url}/repositories/default/copies/killed/data`, Buffer.from('retry'))).status).toBe(200);
    await b.stop();
  });
});

describe('crb-fs transfer between two CRBs', () => {
  let a: StartedService;
  let b: StartedService;
  beforeAll(async () => { [a, b] = await Promise.all([start(), start()]); });
  /**
   * The target as the Hub passes it: b's URL with a write grant for that one copy (the source CRB sends no token of
   * its own). A write grant does not list repositories, so the target repository is named, as the Hub names it.
   */
  const target = (copyId: string, repoId = 'default') => scopedCrbUrl(b, { access: 'write', copyId, repoId });

  it('pushes a copy with its metadata; the target verifies the digest', async () => {
    const data = bytes(3 * 1024 * 1024 + 5, 11);
    expect((await json('POST', `${a.url}/copies/img1`, { facility: 'pg_dump', copyAdditionalInfo: { plan: 'gold' }, copyTimeStamp: '2024-11-14T22:13:20.000Z' })).status).toBe(201);
    expect((await upload(`${a.url}/repositories/default/copies/img1/data`, data)).status).toBe(200);
    const targetUrl = await target('img1');
    const res = await json('POST', `${a.url}/copies/img1/transfer`, { targetUrl, targetRepoId: 'default' });
    expect(res.status).toBe(200);
    // the target URL as answered: the capability in it redacted
    expect(res.json()).toEqual({ copyId: 'img1', targetUrl: `${b.url}/cap/***`, targetRepoId: 'default', targetCopyId: 'img1', size: data.length, sha256: sha256(data) });
    const there = await send('GET', `${b.url}/copies/img1/data`);
    expect(sha256(there.body)).toBe(sha256(data));
    expect(there.headers['x-ocopea-sha256']).toBe(sha256(data));
    expect((await send('GET', `${b.url}/copies/img1`)).json()).toMatchObject({
      copyId: 'img1', repoId: 'default', facility: 'pg_dump', copyDataURL: `${b.url}/copies/img1/data`,
      copyAdditionalInfo: { plan: 'gold', size: String(data.length), sha256: sha256(data) },
    });
    // again: the target already holds the data
    expect((await json('POST', `${a.url}/copies/img1/transfer`, { targetUrl, targetRepoId: 'default' })).status).toBe(409);
  });

  it('honours targetRepoId and targetCopyId, tolerating metadata left by an earlier attempt', async () => {
    await json('POST', `${b.url}/repositories/saved`, {});
    await json('POST', `${b.url}/copies/renamed`, { repoId: 'saved' }); // an earlier attempt's metadata
    expect((await upload(`${a.url}/repositories/default/copies/img2/data`, bytes(70_000, 12))).status).toBe(200);
    const res = await json('POST', `${a.url}/copies/img2/transfer`, { targetUrl: `${await target('renamed', 'saved')}/`, targetRepoId: 'saved', targetCopyId: 'renamed' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ targetRepoId: 'saved', targetCopyId: 'renamed', size: 70_000 });
    expect((await send('GET', `${b.url}/copies?repoIdInQuery=saved`)).json()).toEqual([{ copyId: 'renamed', copyURL: `${b.url}/copies/renamed` }]);
  });

  it('answers 502 when the target refuses (unknown repository) and leaves no data there', async () => {
    expect((await upload(`${a.url}/repositories/default/copies/img3/data`, bytes(1000, 13))).status).toBe(200);
    const res = await json('POST', `${a.url}/copies/img3/transfer`, { targetUrl: await target('img3', 'nowhere'), targetRepoId: 'nowhere' });
    expect(res.status).toBe(502);
    expect((res.json() as { message: string }).message).toMatch(/404/);
    expect((await send('GET', `${b.url}/copies/img3/data`)).status).toBe(404);
    expect((await json('POST', `${a.url}/copies/ghost/transfer`, { targetUrl: await target('ghost'), targetRepoId: 'default' })).status).toBe(404);
    expect((await json('POST', `${a.url}/copies/img3/transfer`, { targetUrl: 'ftp://x/crb' })).status).toBe(400);
  });
});
