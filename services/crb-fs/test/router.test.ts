// In-process tests through the express app (supertest): every operation, validation and error mapping. The kit
// validates responses against specs/crb.yaml under jest, so a reply that breaks the contract fails here.
import { promises as fsp, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createCrbApp } from '../src/app';
import { AlignedBlockPool } from '../src/domain/aligned-block-pool';
import { DIRECT_BLOCKS_PER_STREAM } from '../src/domain/direct-file-writer';
import { FsCopyRepository } from '../src/domain/fs-copy-repository';
import { bytes, crc32, eventually, filesIn, sha256 } from './helpers';

describe('crb-fs router', () => {
  let root: string;
  let repo: FsCopyRepository;
  let app: ReturnType<typeof createCrbApp>['app'];
  let svc: ReturnType<typeof createCrbApp>;

  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'crb-router-'));
    repo = await FsCopyRepository.open({ root });
    svc = createCrbApp({ repo });
    app = svc.app;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const put = (copyId: string, data: Buffer, repoId = 'default') =>
    request(app).post(`/crb/repositories/${repoId}/copies/${copyId}/data`).set('content-type', 'application/octet-stream').send(data);

  it('implements every operation of the contract', () => {
    expect(svc.unhandledOperations()).toEqual([]);
  });

  it('describes itself', async () => {
    const res = await request(app).get('/crb/info');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'crb-fs', repoType: 'file' });
  });

  it('has a default repository from the first start, listed first, advertising shpanRest 1.0, not deletable', async () => {
    const list = await request(app).get('/crb/repositories').set('host', 'crb.example:9000');
    expect(list.status).toBe(200);
    expect(list.body[0]).toEqual({ repoId: 'default', repoURL: 'http://crb.example:9000/crb/repositories/default' });
    const info = await request(app).get('/crb/repositories/default').set('host', 'crb.example:9000');
    expect(info.body.repoSupportedProtocols[0]).toMatchObject({ protocol: 'shpanRest', version: '1.0', endpoint: { addr: 'http://crb.example:9000/crb' } });
    const del = await request(app).delete('/crb/repositories/default');
    expect(del.status).toBe(409);
  });

  it('creates (201, then 409), reads, replaces and deletes repositories; lists the default first, then by id', async () => {
    expect((await request(app).post('/crb/repositories/zeta').send({ name: 'Z' })).status).toBe(201);
    const created = await request(app).post('/crb/repositories/alpha').send({ id: 'ignored', name: 'A', repoAdditionalInfo: { tier: 'gold' } });
    expect(created.status).toBe(201);
    expect(created.body.repoId).toBe('alpha');
    expect((await request(app).post('/crb/repositories/alpha').send({})).status).toBe(409);
    const got = await request(app).get('/crb/repositories/alpha');
    expect(got.body).toMatchObject({ id: 'alpha', name: 'A', repoAdditionalInfo: { tier: 'gold' } });
    expect((await request(app).get('/crb/repositories')).body.map((r: { repoId: string }) => r.repoId)).toEqual(['default', 'alpha', 'zeta']);
    expect((await request(app).put('/crb/repositories/alpha').send({ name: 'A2' })).status).toBe(200);
    expect((await request(app).get('/crb/repositories/alpha')).body.name).toBe('A2');
    expect((await request(app).put('/crb/repositories/fresh').send({ name: 'new' })).status).toBe(200);
    expect((await request(app).get('/crb/repositories/fresh')).status).toBe(200);
    expect((await request(app).delete('/crb/repositories/alpha')).body).toBe('alpha');
    expect((await request(app).get('/crb/repositories/alpha')).status).toBe(404);
    expect((await request(app).delete('/crb/repositories/alpha')).status).toBe(404);
    expect((await request(app).get('/crb/repositories/nope/stats')).status).toBe(404);
  });

  it('refuses to delete a repository that holds copies', async () => {
    await request(app).post('/crb/repositories/r1').send({});
    expect((await request(app).post('/crb/copies/c1').send({ repoId: 'r1' })).status).toBe(201);
    const del = await request(app).delete('/crb/repositories/r1');
    expect(del.status).toBe(409);
    await request(app).delete('/crb/copies/c1');
    expect((await request(app).delete('/crb/repositories/r1')).status).toBe(200);
  });

  it('reports real statistics: filesystem capacity, bytes and number of landed copies per repository', async () => {
    await request(app).post('/crb/repositories/r2').send({});
    await put('a', bytes(1000));
    await put('b', bytes(500));
    await put('c', bytes(7), 'r2');
    const s = await request(app).get('/crb/repositories/default/stats');
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ usedCapacityInBytes: 1500, numberOfCopiesStored: 2 });
    const fsStats = await fsp.statfs(root);
    expect(s.body.totalCapacityInBytes).toBe(fsStats.blocks * fsStats.bsize);
    expect(s.body.availableCapacityInBytes).toBeGreaterThan(0);
    expect(s.body.availableCapacityInBytes).toBeLessThanOrEqual(s.body.totalCapacityInBytes);
    expect((await request(app).get('/crb/repositories/r2/stats')).body).toMatchObject({ usedCapacityInBytes: 7, numberOfCopiesStored: 1 });
  });

  it('stores metadata (201, 409 duplicate, 404 unknown repository), reads it back, defaults repoId', async () => {
    const md = { copyId: 'other', copyTimeStamp: '2024-11-14T22:13:20.000Z', facility: 'pg_dump', copyAdditionalInfo: { plan: 'standard' } };
    const res = await request(app).post('/crb/copies/m1').set('host', 'h:1').send(md);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ copyId: 'm1', copyURL: 'http://h:1/crb/copies/m1' });
    expect((await request(app).post('/crb/copies/m1').send(md)).status).toBe(409);
    expect((await request(app).post('/crb/copies/m2').send({ repoId: 'ghost' })).status).toBe(404);
    const got = await request(app).get('/crb/copies/m1');
    expect(got.body).toEqual({ ...md, copyId: 'm1', repoId: 'default' });
    expect((await request(app).post('/crb/copies/m3').send({ copyTimeStamp: 1731622400000 })).status).toBe(201);
    expect((await request(app).get('/crb/copies/m3')).body.copyTimeStamp).toBe(1731622400000);
    expect((await request(app).get('/crb/copies/nope')).status).toBe(404);
  });

  it('lists copies ordered by copyTimeStamp then id, one page at a time, 204 when empty, 404 for an unknown repository', async () => {
    expect((await request(app).get('/crb/copies')).status).toBe(204);
    await request(app).post('/crb/repositories/r').send({});
    await request(app).post('/crb/copies/b').send({ copyTimeStamp: '2024-01-02T00:00:00Z' });
    await request(app).post('/crb/copies/a').send({ copyTimeStamp: '2024-01-02T00:00:00Z' });
    await request(app).post('/crb/copies/z').send({ copyTimeStamp: Date.parse('2024-01-01T00:00:00Z') });
    await request(app).post('/crb/copies/q').send({ copyTimeStamp: '2024-01-03T00:00:00Z', repoId: 'r' });
    const all = await request(app).get('/crb/copies').set('host', 'h:2');
    expect(all.body.map((c: { copyId: string }) => c.copyId)).toEqual(['z', 'a', 'b', 'q']);
    expect(all.body[0].copyURL).toBe('http://h:2/crb/copies/z');
    const p1 = await request(app).get('/crb/copies?pageSize=2&pageNumber=1');
    expect(p1.body.map((c: { copyId: string }) => c.copyId)).toEqual(['b', 'q']);
    const p0 = await request(app).get('/crb/copies?pageSize=3');
    expect(p0.body.map((c: { copyId: string }) => c.copyId)).toEqual(['z', 'a', 'b']);
    expect((await request(app).get('/crb/copies?pageSize=2&pageNumber=2')).status).toBe(204);
    const inR = await request(app).get('/crb/copies?repoIdInQuery=r');
    expect(inR.body.map((c: { copyId: string }) => c.copyId)).toEqual(['q']);
    expect((await request(app).get('/crb/copies?repoIdInQuery=ghost')).status).toBe(404);
    expect((await request(app).get('/crb/copies?pageSize=0')).status).toBe(400);
  });

  it('stores data without prior metadata (creating it from the hints) and answers the copy URL with its digest', async () => {
    const data = bytes(300_000, 3);
    const hex = sha256(data);
    const res = await request(app).post('/crb/repositories/default/copies/d1/data').set('host', 'crb:8082')
      .set('content-type', 'application/octet-stream').set('copyTimestamp', '1731622400000').set('facility', 'mongodump').set('dsb', 'mongo-dsb')
      .send(data);
    expect(res.status).toBe(200);
    expect(res.body).toBe('http://crb:8082/crb/copies/d1');
    expect(res.headers['x-ocopea-sha256']).toBe(hex);
    expect(res.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:`);
    expect(res.headers['x-ocopea-crc32']).toBe(crc32(data));
    const md = (await request(app).get('/crb/copies/d1')).body;
    expect(md).toEqual({
      copyId: 'd1', repoId: 'default', copyTimeStamp: '2024-11-14T22:13:20.000Z', facility: 'mongodump',
      protocol: 'shpanRest', protocolVersion: '1.0', copyDataURL: 'http://crb:8082/crb/copies/d1/data',
      copyAdditionalInfo: { dsb: 'mongo-dsb', size: '300000', sha256: hex, crc32: crc32(data) },
    });
    expect((await put('d1', data)).status).toBe(409);
    expect((await put('d2', data, 'ghost')).status).toBe(404);
  });

  it('keeps posted metadata and adds what the landing knows', async () => {
    await request(app).post('/crb/copies/k1').send({ facility: 'shpanCopy', copyAdditionalInfo: { plan: 'gold' }, copyTimeStamp: '2024-11-14T22:13:20.000Z' });
    await request(app).post('/crb/repositories/r9').send({});
    expect((await put('k1', Buffer.from('abc'), 'r9')).status).toBe(200);
    const md = (await request(app).get('/crb/copies/k1')).body;
    expect(md).toMatchObject({ repoId: 'r9', facility: 'shpanCopy', protocol: 'shpanRest', copyAdditionalInfo: { plan: 'gold', size: '3', sha256: sha256(Buffer.from('abc')) } });
  });

  it('rejects a body whose digest differs from X-Ocopea-Expected-Sha256 and keeps nothing', async () => {
    const data = bytes(10_000);
    const bad = await request(app).post('/crb/repositories/default/copies/x1/data').set('content-type', 'application/octet-stream')
      .set('X-Ocopea-Expected-Sha256', 'a'.repeat(64)).send(data);
    expect(bad.status).toBe(400);
    expect(bad.body.reason).toBe('digest_mismatch');
    expect((await request(app).get('/crb/copies/x1')).status).toBe(404);
    expect(filesIn(root, 'data')).toEqual([]);
    expect(filesIn(root, 'tmp')).toEqual([]);
    expect(filesIn(root, 'locks')).toEqual([]);
    const good = await request(app).post('/crb/repositories/default/copies/x1/data').set('content-type', 'application/octet-stream')
      .set('X-Ocopea-Expected-Sha256', sha256(data).toUpperCase()).set('X-Ocopea-Expected-Crc32', crc32(data)).send(data);
    expect(good.status).toBe(200);
    const badCrc = await request(app).post('/crb/repositories/default/copies/x2/data').set('content-type', 'application/octet-stream')
      .set('X-Ocopea-Expected-Crc32', '00000000').send(data);
    expect(badCrc.status).toBe(400);
    expect(badCrc.body).toMatchObject({ reason: 'digest_mismatch', message: `crc32 of the received data is ${crc32(data)}, expected 00000000` });
    expect((await request(app).get('/crb/copies/x2')).status).toBe(404);
    const malformed = await request(app).post('/crb/repositories/default/copies/x2/data').set('content-type', 'application/octet-stream')
      .set('X-Ocopea-Expected-Crc32', '123').send(data);
    expect(malformed.status).toBe(400);
  });

  it('answers 507 and keeps nothing when the disk is full', async () => {
    const full = await FsCopyRepository.open({
      root,
      openPartFile: async (file) => { await fsp.writeFile(file, 'partial'); return fsp.open('/dev/full', 'w'); },
    });
    const fullApp = createCrbApp({ repo: full }).app;
    const res = await request(fullApp).post('/crb/repositories/default/copies/f1/data').set('content-type', 'application/octet-stream').send(bytes(200_000));
    expect(res.status).toBe(507);
    expect(res.body.reason).toBe('insufficient_storage');
    expect(filesIn(root, 'tmp')).toEqual([]);
    expect(filesIn(root, 'locks')).toEqual([]);
    expect((await request(fullApp).get('/crb/copies/f1')).status).toBe(404);
  });

  it('streams data back whole or by range, with digest headers; 416 past the end; 404 without data', async () => {
    const data = bytes(100_000, 9);
    await put('r1', data);
    const whole = await request(app).get('/crb/copies/r1/data').buffer(true).parse(binary);
    expect(whole.status).toBe(200);
    expect(Buffer.compare(whole.body, data)).toBe(0);
    expect(whole.headers['content-length']).toBe('100000');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-type']).toBe('application/octet-stream');
    expect(whole.headers['x-ocopea-sha256']).toBe(sha256(data));
    const part = await request(app).get('/crb/copies/r1/data').set('range', 'bytes=1000-1999').buffer(true).parse(binary);
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 1000-1999/100000');
    expect(Buffer.compare(part.body, data.subarray(1000, 2000))).toBe(0);
    expect(part.headers['x-ocopea-sha256']).toBe(sha256(data));
    const tail = await request(app).get('/crb/copies/r1/data').set('range', 'bytes=-10').buffer(true).parse(binary);
    expect(Buffer.compare(tail.body, data.subarray(99_990))).toBe(0);
    const past = await request(app).get('/crb/copies/r1/data').set('range', 'bytes=100000-');
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */100000');
    expect((await request(app).get('/crb/copies/ghost/data')).status).toBe(404);
    await request(app).post('/crb/copies/nodata').send({});
    expect((await request(app).get('/crb/copies/nodata/data')).status).toBe(404);
  });

  it('stores and serves an empty copy', async () => {
    expect((await put('empty', Buffer.alloc(0))).status).toBe(200);
    const res = await request(app).get('/crb/copies/empty/data').buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['x-ocopea-sha256']).toBe(sha256(Buffer.alloc(0)));
  });

  it('deletes data and metadata (404 when neither exists)', async () => {
    await put('del1', bytes(10));
    const res = await request(app).delete('/crb/copies/del1');
    expect(res.status).toBe(200);
    expect(res.body).toBe('del1');
    expect((await request(app).get('/crb/copies/del1')).status).toBe(404);
    expect((await request(app).get('/crb/copies/del1/data')).status).toBe(404);
    expect(filesIn(root, 'data')).toEqual([]);
    expect((await request(app).delete('/crb/copies/del1')).status).toBe(404);
  });

  it('rejects ids that could escape the data root (400) and writes nothing', async () => {
    for (const id of ['..', 'a..b', '.hidden', '%2e%2e', '..%2F..%2Fetc', 'a%5Cb', 'a%00b', 'x'.repeat(129)]) {
      for (const url of [`/crb/copies/${id}`, `/crb/copies/${id}/data`, `/crb/repositories/${id}`]) {
        const res = await request(app).get(url);
        expect([400, 404]).toContain(res.status); // `..` segments are resolved by the URL parser into another route
        if (res.status === 404) expect(res.body.message).toMatch(/no such route|not found/);
      }
      const up = await request(app).post(`/crb/repositories/default/copies/${id}/data`).set('content-type', 'application/octet-stream').send(Buffer.from('evil'));
      expect([400, 404]).toContain(up.status);
      const md = await request(app).post(`/crb/copies/${id}`).send({});
      expect([400, 404]).toContain(md.status);
    }
    // ids that pass the URL layer reach the validator / the domain guard: always 400
    for (const id of ['a..b', 'a%5Cb', 'a%00b', 'x'.repeat(129), '%2E%2E%2Fevil']) {
      expect((await request(app).post(`/crb/repositories/default/copies/${id}/data`).set('content-type', 'application/octet-stream').send(Buffer.from('evil'))).status).toBe(400);
      expect((await request(app).post(`/crb/copies/${id}`).send({})).status).toBe(400);
      expect((await request(app).put(`/crb/repositories/${id}`).send({})).status).toBe(400);
    }
    expect(filesIn(root, 'data')).toEqual([]);
    expect(filesIn(root, 'copies')).toEqual([]);
    expect(filesIn(root, 'repositories')).toEqual(['default.json']);
    expect(filesIn(path.dirname(root), '').filter((f) => f.includes('evil'))).toEqual([]);
  });

  it('guards ids in the domain too, whatever the caller', async () => {
    for (const id of ['../x', 'a/b', 'a\\b', '..', 'a\0b', 'é'.repeat(200), '']) {
      await expect(repo.storeMetadata(id, {})).rejects.toMatchObject({ status: 400 });
      expect(() => repo.getMetadata(id)).toThrow(expect.objectContaining({ status: 400 }));
      await expect(repo.createRepository(id, {})).rejects.toMatchObject({ status: 400 });
    }
  });

  it('refuses transfers to non-http targets (400) and of unknown copies (404)', async () => {
    expect((await request(app).post('/crb/copies/c1/transfer').send({ targetUrl: 'file:///etc/passwd' })).status).toBe(400);
    expect((await request(app).post('/crb/copies/ghost/transfer').send({ targetUrl: 'http://127.0.0.1:1/crb' })).status).toBe(404);
  });

  it('answers 502 when the transfer target cannot be reached', async () => {
    await put('t1', bytes(10));
    const res = await request(app).post('/crb/copies/t1/transfer').send({ targetUrl: 'http://127.0.0.1:1/crb' });
    expect(res.status).toBe(502);
    expect(res.body.reason).toBe('bad_gateway');
  });
});

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

// The same app over a repository with an aligned block pool: uploads and downloads take the O_DIRECT paths, and a
// pool whose blocks the kernel refuses (misaligned) makes both fall back to the page cache without losing a byte.
describe('crb-fs router with direct I/O', () => {
  const MiB = 1024 * 1024;
  let root: string;
  beforeEach(() => { root = mkdtempSync(path.join(os.tmpdir(), 'crb-direct-router-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function roundTrip(blockPool: AlignedBlockPool): Promise<void> {
    const repo = await FsCopyRepository.open({ root, blockPool });
    const { app } = createCrbApp({ repo });
    const data = bytes(3 * MiB + 5000, 9);
    const up = await request(app).post('/crb/repositories/default/copies/d1/data').set('content-type', 'application/octet-stream').send(data);
    expect(up.status).toBe(200);
    expect(up.headers['x-ocopea-sha256']).toBe(sha256(data));
    const whole = await request(app).get('/crb/copies/d1/data').buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    expect(whole.status).toBe(200);
    expect(Buffer.compare(whole.body as Buffer, data)).toBe(0);
    const from = MiB + 4097;
    const part = await request(app).get('/crb/copies/d1/data').set('range', `bytes=${from}-${from + 2 * MiB}`).buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    expect(part.status).toBe(206);
    expect(Buffer.compare(part.body as Buffer, data.subarray(from, from + 2 * MiB + 1))).toBe(0);
  }

  it('round-trips a copy and a range with O_DIRECT, giving every block back', async () => {
    const pool = new AlignedBlockPool(2 * DIRECT_BLOCKS_PER_STREAM);
    await roundTrip(pool);
    // The client has the whole body (Content-Length) a moment before the server's stream closes its file and
    // gives the blocks back: wait for that, failing if they never come back.
    await eventually(() => pool.available === 2 * DIRECT_BLOCKS_PER_STREAM, 'every block back in the pool', 2000);
  });

  it('falls back to buffered writes and reads when the kernel refuses the direct ones', async () => {
    const real = new AlignedBlockPool(2 * DIRECT_BLOCKS_PER_STREAM);
    const out = new Map<Buffer, Buffer>();
    const misaligned = {
      take: (n: number) => real.take(n)?.map((b) => { const m = b.subarray(16); out.set(m, b); return m; }),
      give: (bs: Buffer[]) => real.give(bs.map((m) => out.get(m)!)),
    } as unknown as AlignedBlockPool;
    await roundTrip(misaligned);
    await eventually(() => real.available === 2 * DIRECT_BLOCKS_PER_STREAM, 'every block back in the pool', 2000);
  });
});
