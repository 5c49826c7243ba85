import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { OcopeaError } from '@ocopea/errors';
import { checkCopyProtocol, checkCrbId, copyDigestFromEnv, crbLocation, downloadCopy, DsbBroker, InstanceRegistry, uploadCopy, type DsbBackend, type InstanceRecord } from '../src';
import { startFakeCrb, type FakeCrb } from '../test-support/fake-crb';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'dsb-common-'));

describe('copy protocol', () => {
  it('accepts shpanRest 1.0 in any case (version optional), refuses anything else naming the supported one', () => {
    for (const [p, v] of [['shpanRest', '1.0'], ['SHPANREST', null], ['ShpanRest', undefined], [undefined, undefined]] as const) expect(() => checkCopyProtocol(p, v)).not.toThrow();
    for (const [p, v] of [['nfs', '4.1'], ['shpanRest', '2.0'], ['', '1.0']] as const) {
      expect(() => checkCopyProtocol(p, v)).toThrow(/supported: shpanRest 1\.0/);
    }
  });
  it('requires url (http/https) and repoId', () => {
    expect(crbLocation({ url: 'http://crb:1/crb/', repoId: 'r' })).toEqual({ url: 'http://crb:1/crb', repoId: 'r' });
    expect(() => crbLocation({ repoId: 'r' })).toThrow(/url/);
    expect(() => crbLocation({ url: 'http://x/crb' })).toThrow(/repoId/);
    expect(() => crbLocation({ url: 'file:///etc', repoId: 'r' })).toThrow(/http/);
    expect(() => crbLocation(null)).toThrow(/url/);
  });
  it('refuses copy and repository ids a CRB cannot take (path tricks, too long) with 400 instead of relaying the CRB 400 as a 502', () => {
    for (const ok of ['7c9e6679-7425-40de-944b-e07fc1f90ae7', 'default', 'a.b_c-1']) expect(() => checkCrbId(ok, 'copyId')).not.toThrow();
    for (const bad of ['../x', '..', '.hidden', 'a/b', 'a b', '', 'x'.repeat(129)]) {
      let err: unknown;
      try { checkCrbId(bad, 'copyId'); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(OcopeaError);
      expect((err as OcopeaError).status).toBe(400);
    }
    expect(() => crbLocation({ url: 'http://x/crb', repoId: '../etc' })).toThrow(/repoId/);
  });
});

describe('DSB_COPY_DIGEST', () => {
  it('defaults to crc32, takes sha256, refuses anything else at start-up', () => {
    expect(copyDigestFromEnv({})).toBe('crc32');
    expect(copyDigestFromEnv({ DSB_COPY_DIGEST: ' SHA256 ' })).toBe('sha256');
    expect(() => copyDigestFromEnv({ DSB_COPY_DIGEST: 'md5' })).toThrow(/crc32 or sha256, got 'md5'/);
  });
});

describe('instance registry', () => {
  it('persists every change atomically to a 0600 file and reloads it', async () => {
    const file = path.join(tmp(), 'instances.json');
    const reg = InstanceRegistry.open<{ secret: string }>(file);
    const rec: InstanceRecord<{ secret: string }> = { instanceId: 'a', plan: 'p', settings: {}, state: 'CREATING', stateMessage: null, createdAt: 1, restore: null, extra: { secret: 's' } };
    await reg.put(rec);
    await reg.put({ ...rec, instanceId: 'b', createdAt: 2 });
    await reg.update('a', { state: 'RUNNING' });
    await reg.delete('b');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = InstanceRegistry.open<{ secret: string }>(file);
    expect(again.list()).toEqual([{ ...rec, state: 'RUNNING' }]);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });
  it('refuses to start over a corrupt file rather than forgetting instances', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'instances.json'), '{"version":1,"instances":[');
    expect(() => InstanceRegistry.open(path.join(dir, 'instances.json'))).toThrow();
  });
});

describe('streaming to and from a CRB', () => {
  let fake: FakeCrb;
  beforeAll(async () => { fake = await startFakeCrb(); });
  afterAll(() => fake.close());
  const crb = () => ({ url: fake.url, repoId: 'default' });

  const HELLO_SHA256 = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
  const HELLO_CRC32 = '0d4a1185';
  const hello = () => Readable.from([Buffer.from('hello '), Buffer.from('world')]);

  it('uploads with a CRC-32 trailer, checks the CRC-32 the CRB announces and keeps its SHA-256', async () => {
    const r = await uploadCopy({ crb: crb(), copyId: 'ok', source: hello(), sourceSucceeded: Promise.resolve() });
    expect(r).toEqual({ size: 11, digest: { algorithm: 'crc32', hex: HELLO_CRC32 }, confirmed: true, crbStatus: 200, crbSha256: HELLO_SHA256 });
    expect(fake.copies.get('ok')?.toString()).toBe('hello world');
    expect(fake.trailers.get('ok')).toEqual({ 'x-ocopea-expected-crc32': HELLO_CRC32 });
  });

  it('uploads with a SHA-256 trailer when asked to', async () => {
    const r = await uploadCopy({ crb: crb(), copyId: 'ok-sha', source: hello(), sourceSucceeded: Promise.resolve(), digest: 'sha256' });
    expect(r).toMatchObject({ digest: { algorithm: 'sha256', hex: HELLO_SHA256 }, confirmed: true });
    expect(fake.trailers.get('ok-sha')).toEqual({ 'x-ocopea-expected-sha256': HELLO_SHA256 });
  });

  it('fails (502) when the CRB announces another digest than the one sent, and reports unconfirmed uploads', async () => {
    fake.lieAboutCrc32 = 'deadbeef';
    try {
      await expect(uploadCopy({ crb: crb(), copyId: 'lied', source: hello(), sourceSucceeded: Promise.resolve() }))
        .rejects.toMatchObject({ status: 502, message: expect.stringMatching(/crc32 deadbeef, the broker sent 0d4a1185/) });
    } finally { fake.lieAboutCrc32 = undefined; }
    fake.sha256Only = true;
    try {
      const r = await uploadCopy({ crb: crb(), copyId: 'old-crb', source: hello(), sourceSucceeded: Promise.resolve() });
      expect(r).toMatchObject({ digest: { algorithm: 'crc32', hex: HELLO_CRC32 }, confirmed: false, crbSha256: HELLO_SHA256 });
      fake.lieAboutDigest = 'ab'.repeat(32);
      await expect(uploadCopy({ crb: crb(), copyId: 'old-crb-lied', source: hello(), sourceSucceeded: Promise.resolve(), digest: 'sha256' }))
        .rejects.toMatchObject({ status: 502, message: expect.stringMatching(/sha256 abab/) });
    } finally { fake.sha256Only = false; fake.lieAboutDigest = undefined; }
  });

  it('answers 409 (not 502) when the CRB already holds the copy id, and 502 for other CRB refusals', async () => {
    for (const [crbStatus, ours] of [[409, 409], [404, 502], [500, 502]] as const) {
      fake.refuseWith = crbStatus;
      try {
        await expect(uploadCopy({ crb: crb(), copyId: `refused-${crbStatus}`, source: Readable.from([Buffer.from('x')]), sourceSucceeded: Promise.resolve() }))
          .rejects.toMatchObject({ status: ours });
      } finally { fake.refuseWith = undefined; }
    }
  });

  it('aborts the upload when the producer fails after its last byte: the CRB keeps nothing', async () => {
    const source = new PassThrough();
    let fail!: (e: Error) => void;
    const produced = new Promise<void>((_r, rej) => { fail = rej; });
    const up = uploadCopy({ crb: crb(), copyId: 'dump-failed', source, sourceSucceeded: produced });
    source.write(Buffer.alloc(100_000, 1));
    source.end();
    setTimeout(() => fail(new OcopeaError(500, 'internal', 'pg_dump exited with code 1')), 50);
    await expect(up).rejects.toThrow(/pg_dump exited with code 1/);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.copies.has('dump-failed')).toBe(false);
    expect(fake.aborted).toContain('dump-failed');
  });

  it('downloads and fails at the end when the bytes do not match the announced digest (CRC-32, else SHA-256)', async () => {
    fake.copies.set('d', Buffer.alloc(300_000, 7));
    const drain = async (s: Readable) => { let n = 0; for await (const c of s) n += (c as Buffer).length; return n; };
    const ok = await downloadCopy({ url: fake.url, copyId: 'd' });
    expect(ok.expected?.algorithm).toBe('crc32');
    expect(await drain(ok.stream)).toBe(300_000);
    expect(ok.result.digest).toEqual(ok.expected);
    const asked = await downloadCopy({ url: fake.url, copyId: 'd', prefer: 'sha256' });
    expect(asked.expected?.algorithm).toBe('sha256');
    expect(await drain(asked.stream)).toBe(300_000);
    fake.tamper.add('d');
    for (const sha256Only of [false, true]) {
      fake.sha256Only = sha256Only;
      const bad = await downloadCopy({ url: fake.url, copyId: 'd' });
      expect(bad.expected?.algorithm).toBe(sha256Only ? 'sha256' : 'crc32');
      await expect(drain(bad.stream)).rejects.toThrow(sha256Only ? /corrupt: sha256/ : /corrupt: crc32/);
    }
    fake.sha256Only = false;
    fake.tamper.delete('d');
    fake.cutDownloads.add('d');
    const cut = await downloadCopy({ url: fake.url, copyId: 'd' });
    await expect((async () => { for await (const _c of cut.stream) { /* drain */ } })()).rejects.toThrow(/broke off|truncated|aborted/);
    await expect(downloadCopy({ url: fake.url, copyId: 'missing' })).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/404/) });
  });
});

describe('broker lifecycle', () => {
  function fakeBackend(fail = false) {
    const calls: string[] = [];
    const backend: DsbBackend<{ n: number }> = {
      name: 'fake', facility: 'none',
      info: async () => ({ name: 'f', type: 'f', description: 'f', plans: [{ id: 'p1', name: 'P1', protocols: [{ protocol: 'f' }] }] }),
      prepare: () => ({ n: 1 }),
      ping: async () => undefined,
      create: async (rec) => { calls.push(`create ${rec.instanceId}`); if (fail) throw new Error('boom'); },
      discard: async (rec) => { calls.push(`discard ${rec.instanceId}`); },
      remove: async (rec) => { calls.push(`remove ${rec.instanceId}`); },
      describe: async () => ({ storageType: 'f', binding: { k: 'v' } }),
      dump: () => ({ stream: Readable.from([]), succeeded: Promise.resolve(), kill: () => undefined }),
    };
    return { backend, calls };
  }

  it('re-creates instances left CREATING and finishes removals left REMOVING after a restart', async () => {
    const file = path.join(tmp(), 'instances.json');
    const reg = InstanceRegistry.open<{ n: number }>(file);
    const base = { plan: 'p1', settings: {}, stateMessage: null, createdAt: 1, restore: null, extra: { n: 1 } };
    await reg.put({ ...base, instanceId: 'half', state: 'CREATING' });
    await reg.put({ ...base, instanceId: 'going', state: 'REMOVING' });
    await reg.put({ ...base, instanceId: 'fine', state: 'RUNNING' });
    const { backend, calls } = fakeBackend();
    const broker = new DsbBroker(backend, InstanceRegistry.open<{ n: number }>(file));
    broker.recover();
    await Promise.all(['half', 'going'].map((id) => broker.settled(id)));
    expect(calls).toEqual(expect.arrayContaining(['discard half', 'create half', 'remove going']));
    expect(calls).not.toContain('create fine');
    expect((await broker.get('half')).state).toBe('RUNNING');
    await expect(broker.get('going')).rejects.toMatchObject({ status: 404 });
  });

  it('DELETE during a copy aborts it (409, nothing kept by the CRB) before removing; copies of a deleting instance are refused', async () => {
    const fake = await startFakeCrb();
    try {
      const { backend, calls } = fakeBackend();
      let killed = false;
      // A dump that never ends by itself: 64 KiB every 10 ms until killed.
      backend.dump = () => {
        const stream = new Readable({ read() { setTimeout(() => { if (!killed) this.push(Buffer.alloc(65_536, 1)); }, 10); } });
        return { stream, succeeded: new Promise<void>(() => undefined), kill: () => { killed = true; stream.destroy(); } };
      };
      const broker = new DsbBroker(backend, InstanceRegistry.open<{ n: number }>(path.join(tmp(), 'i.json')));
      await broker.create({ instanceId: 'x', instanceSettings: {} });
      await broker.settled('x');
      const creds = { url: fake.url, repoId: 'r' };
      const copy = broker.copy('x', { copyId: 'c1', copyRepoCredentials: creds });
      copy.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100)); // under way: bytes are flowing
      const deleted = broker.delete('x');
      await expect(broker.copy('x', { copyId: 'c2', copyRepoCredentials: creds })).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/being deleted/) });
      await expect(copy).rejects.toMatchObject({ status: 409, message: "service instance 'x' was deleted while this copy ran; nothing was kept" });
      await deleted;
      await broker.settled('x');
      expect(killed).toBe(true);
      expect(calls).toContain('remove x');
      await new Promise((r) => setTimeout(r, 50)); // the CRB sees the cut connection
      expect(fake.copies.has('c1')).toBe(false);
      expect(fake.aborted).toContain('c1');
      await expect(broker.get('x')).rejects.toMatchObject({ status: 404 });
    } finally {
      await fake.close();
    }
  });

  it('a failed create ends in ERROR with a message, its data discarded; the binding is hidden', async () => {
    const { backend, calls } = fakeBackend(true);
    const broker = new DsbBroker(backend, InstanceRegistry.open<{ n: number }>(path.join(tmp(), 'i.json')));
    await broker.create({ instanceId: 'x', instanceSettings: {} });
    await broker.settled('x');
    const d = await broker.get('x');
    expect(d).toMatchObject({ state: 'ERROR', stateMessage: 'creation failed: boom' });
    expect(d.binding).toBeUndefined();
    expect(calls).toContain('discard x');
    await expect(broker.create({ instanceId: 'y', instanceSettings: { plan: 'nope' } })).rejects.toMatchObject({ status: 400 });
    await expect(broker.copy('x', { copyId: 'c', copyRepoCredentials: { url: 'http://h/crb', repoId: 'r' } })).rejects.toMatchObject({ status: 409 });
    await expect(broker.copy('x', { copyId: '../c', copyRepoCredentials: { url: 'http://h/crb', repoId: 'r' } })).rejects.toMatchObject({ status: 400 });
    await expect(broker.create({ instanceId: 'z', instanceSettings: {}, restoreInfo: { copyId: '../c', copyRepoCredentials: { url: 'http://h/crb', repoId: 'r' } } })).rejects.toMatchObject({ status: 400 });
    await expect(broker.get('z')).rejects.toMatchObject({ status: 404 });
  });
});
