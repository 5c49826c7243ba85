// dsb-postgres end to end: the broker and the real crb-fs run as child processes, PostgreSQL is real. A fake CRB
// (in this process) plays the CRB that dies mid-copy, refuses, or serves tampered bytes. The broker reaches crb-fs
// only with a scoped grant for the one copy (a capability in the URL path), as the Site hands them out.
import { readdirSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { requireTestPostgres, TEST_PG_URL } from '@ocopea/sql-store';
import { scopedCrbUrl, startService, type StartedService } from '@ocopea/testing';
import { startFakeCrb, type FakeCrb } from '@ocopea/dsb-common/test-support/fake-crb';

jest.setTimeout(90_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
type Json = any;

const RUN = `t${process.pid.toString(36)}${Date.now().toString(36)}`;
const id = (name: string) => `${RUN}-${name}`;

let crb: StartedService;
let dsb: StartedService;
let fake: FakeCrb;
const created = new Set<string>();

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${dsb.url}${p}`, {
    method, headers: { ...dsb.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function createInstance(instanceId: string, extra: Record<string, unknown> = {}) {
  created.add(instanceId);
  return call('POST', '/service_instances', { instanceId, instanceSettings: {}, ...extra });
}

async function waitState(instanceId: string, states: string[], timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('GET', `/service_instances/${instanceId}`);
    if (r.status === 200 && states.includes(r.body.state)) return r.body;
    if (Date.now() > deadline) throw new Error(`${instanceId} not ${states} after ${timeoutMs} ms: ${JSON.stringify(r)}\n${dsb.logs().slice(-3000)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

const copyBody = (copyId: string, url: string, extra: Record<string, unknown> = {}) => ({
  copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: 'default' },
  copyType: 'shpanCopy', copyTime: 1_700_000_000_000, ...extra,
});
const restoreInfo = (copyId: string, url: string) => ({
  copyId, copyRepoProtocol: 'ShpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: 'default' }, copyType: 'shpanCopy',
});
/** crb-fs's URL with a grant for one copy, as the Site passes it (never the CRB's admin token): to write it, or read it. */
const writeUrl = (copyId: string, repoId = 'default') => scopedCrbUrl(crb, { access: 'write', copyId, repoId });
const readUrl = (copyId: string) => scopedCrbUrl(crb, { access: 'read', copyId });

async function withDb<T>(uri: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: uri });
  await c.connect();
  try { return await f(c); } finally { await c.end(); }
}
const adminQuery = (sql: string, params: unknown[] = []) => withDb(TEST_PG_URL, (c) => c.query(sql, params));

async function fillRows(uri: string) {
  await withDb(uri, async (c) => {
    await c.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL, tags jsonb)');
    await c.query(`INSERT INTO notes SELECT g, repeat(md5(g::text), 8), jsonb_build_object('n', g) FROM generate_series(1, 3000) g`);
    await c.query('CREATE INDEX notes_body ON notes (body)');
  });
}
/** The golden databases this run's broker keeps (its registry; the server is shared with other runs). */
const goldenDbs = (): string[] => {
  try {
    return (JSON.parse(readFileSync(path.join(dsb.dataDir, 'goldens.json'), 'utf8')) as { goldens: { name: string }[] }).goldens.map((g) => `ocopea_${g.name}`);
  } catch { return []; }
};
const snapshot = (uri: string) => withDb(uri, async (c) => (await c.query('SELECT id, body, tags FROM notes ORDER BY id')).rows);

function findFile(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) { const f = findFile(p, name); if (f) return f; } else if (e === name) return p;
  }
  return undefined;
}

beforeAll(async () => {
  await requireTestPostgres();
  [crb, dsb, fake] = await Promise.all([startService({ service: 'crb-fs' }), startService({ service: 'dsb-postgres' }), startFakeCrb()]);
});

afterAll(async () => {
  for (const i of created) await call('DELETE', `/service_instances/${i}`).catch(() => undefined);
  // wait for removals, then make sure nothing of this run is left on the server
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (await call('GET', '/service_instances')).body?.some((x: { instanceId: string }) => x.instanceId.startsWith(RUN))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const goldens = dsb ? goldenDbs() : [];
  await Promise.all([dsb?.stop(), crb?.stop(), fake?.close()]);
  for (const db of goldens) await adminQuery(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`).catch(() => undefined);
  for (const d of [dsb?.dataDir, crb?.dataDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('dsb-postgres', () => {
  let source: Json;
  let copy: Json;
  const copyId = `${RUN}-copy1`;

  it('describes itself: postgres protocol with the server major version, shpanRest 1.0, an SVG icon', async () => {
    const info = await call('GET', '/');
    expect(info.status).toBe(200);
    expect(info.body.type).toBe('postgres');
    expect(info.body.plans[0].protocols[0]).toMatchObject({ protocol: 'postgres', version: expect.stringMatching(/^\d+$/) });
    expect(info.body.plans[0].copyProtocols).toEqual([{ copyProtocol: 'shpanRest', copyProtocolVersion: '1.0' }]);
    const icon = await fetch(`${dsb.url}/icon`, { headers: dsb.headers });
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    expect(await icon.text()).toMatch(/<svg/);
  });

  it('creates a database with its own role; rows written through the binding are copied to the CRB', async () => {
    const r = await createInstance(id('src'), { instanceSettings: { plan: 'standard' } });
    expect(r).toEqual({ status: 200, body: { instanceId: id('src') } });
    source = await waitState(id('src'), ['RUNNING']);
    expect(source.binding).toMatchObject({ host: '127.0.0.1', port: '5432', database: expect.stringMatching(/^ocopea_/), username: expect.stringMatching(/^ocopea_/) });
    expect(source.binding.password.length).toBeGreaterThan(16);
    expect(source.bindingPorts).toEqual([{ protocol: 'tcp', destination: '127.0.0.1', port: 5432 }]);
    expect(source.storageType).toBe('postgres');
    expect(source.size).toBeGreaterThan(0);
    await fillRows(source.binding.uri);
    // the role is not a superuser and other roles cannot connect
    const role = await adminQuery('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [source.binding.username]);
    expect(role.rows[0].rolsuper).toBe(false);

    const c = await call('POST', `/service_instances/${id('src')}/copy`, copyBody(copyId, await writeUrl(copyId)));
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: 0, copyId, size: expect.any(Number), checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    copy = c.body;
    const data = await fetch(`${crb.url}/copies/${copyId}/data`, { headers: crb.headers });
    expect(data.status).toBe(200);
    expect(`sha256:${data.headers.get('x-ocopea-sha256')}`).toBe(copy.checksum);
    expect(Buffer.from(await data.arrayBuffer()).length).toBe(copy.size);
  });

  it('restores the copy into another instance: the rows are identical, owned by the new role', async () => {
    await createInstance(id('dst'), { restoreInfo: restoreInfo(copyId, await readUrl(copyId)) });
    const dst = await waitState(id('dst'), ['RUNNING', 'ERROR']);
    expect(dst).toMatchObject({ state: 'RUNNING', stateMessage: null });
    expect(dst.binding.database).not.toBe(source.binding.database);
    expect(await snapshot(dst.binding.uri)).toEqual(await snapshot(source.binding.uri));
    const owner = await withDb(dst.binding.uri, (c) => c.query("SELECT tableowner FROM pg_tables WHERE tablename = 'notes'"));
    expect(owner.rows[0].tableowner).toBe(dst.binding.username);
  });

  it('a CRB that drops the connection mid-copy gives 502 and stores nothing', async () => {
    fake.dropUploadsAfterBytes = 20_000;
    try {
      const c = await call('POST', `/service_instances/${id('src')}/copy`, copyBody(`${RUN}-cut`, fake.url));
      expect(c.status).toBe(502);
      expect(c.body).toMatchObject({ code: 502, reason: 'bad_gateway' });
      expect(fake.copies.has(`${RUN}-cut`)).toBe(false);
      expect(fake.aborted).toContain(`${RUN}-cut`);
    } finally { fake.dropUploadsAfterBytes = undefined; }
    // the real CRB killed mid-copy is the same story seen from the broker: unreachable -> 502
    const dead = await call('POST', `/service_instances/${id('src')}/copy`, copyBody(`${RUN}-dead`, 'http://127.0.0.1:1/crb'));
    expect(dead.status).toBe(502);
  });

  it('a CRB refusal or a digest mismatch is a 502 quoting it; the real CRB keeps nothing for an unknown repository', async () => {
    fake.refuseWith = 507;
    try {
      const c = await call('POST', `/service_instances/${id('src')}/copy`, copyBody(`${RUN}-full`, fake.url));
      expect(c.status).toBe(502);
      expect(c.body.message).toMatch(/507/);
    } finally { fake.refuseWith = undefined; }
    fake.lieAboutCrc32 = '00000000';
    try {
      const c = await call('POST', `/service_instances/${id('src')}/copy`, copyBody(`${RUN}-lie`, fake.url));
      expect(c.status).toBe(502);
      expect(c.body.message).toMatch(/CRB stored a copy with crc32 00000000, the broker sent [0-9a-f]{8}/);
    } finally { fake.lieAboutCrc32 = undefined; }
    const c = await call('POST', `/service_instances/${id('src')}/copy`, { ...copyBody(`${RUN}-norepo`, crb.url), copyRepoCredentials: { url: await writeUrl(`${RUN}-norepo`, 'nope'), repoId: 'nope' } });
    expect(c.status).toBe(502);
    expect((await fetch(`${crb.url}/copies/${RUN}-norepo/data`, { headers: crb.headers })).status).toBe(404);
  });

  it('a corrupted copy makes the restore fail visibly: ERROR with a message, no database left', async () => {
    // tamper with the bytes stored by the real crb-fs
    const file = findFile(crb.dataDir, copyId);
    expect(file).toBeDefined();
    const original = readFileSync(file!);
    const bad = Buffer.from(original);
    bad[bad.length - 100] ^= 0xff;
    writeFileSync(file!, bad);
    try {
      // The broker's golden copy holds the bytes the CRB's digest names: a clone of it is right, whatever rotted since.
      await createInstance(id('fromgolden'), { restoreInfo: restoreInfo(copyId, await readUrl(copyId)) });
      const g = await waitState(id('fromgolden'), ['RUNNING', 'ERROR']);
      expect(g).toMatchObject({ state: 'RUNNING', restoredFrom: { copyId, path: 'local-clone' } });
      expect(await snapshot(g.binding.uri)).toEqual(await snapshot(source.binding.uri));
      // A golden someone could have written to is not trusted: the next restore is a full one, of the rotten bytes.
      for (const db of goldenDbs()) await adminQuery(`ALTER DATABASE "${db}" WITH ALLOW_CONNECTIONS true`);
      await createInstance(id('bad'), { restoreInfo: restoreInfo(copyId, await readUrl(copyId)) });
      const r = await waitState(id('bad'), ['RUNNING', 'ERROR']);
      expect(r.state).toBe('ERROR');
      expect(r.stateMessage).toMatch(/restore of copy .* failed/);
      expect(r.binding).toBeUndefined();
    } finally { writeFileSync(file!, original); }
    const db = await adminQuery('SELECT 1 FROM pg_database WHERE datname LIKE $1', [`ocopea_${id('bad').replace(/-/g, '_')}%`]);
    expect(db.rowCount).toBe(0);

    // a fake CRB serving tampered bytes under the original digest, early in the stream
    fake.copies.set('tampered', readFileSync(file!));
    fake.tamper.add('tampered');
    await createInstance(id('bad2'), { restoreInfo: restoreInfo('tampered', fake.url) });
    expect((await waitState(id('bad2'), ['RUNNING', 'ERROR'])).state).toBe('ERROR');
    // a copy the CRB does not have
    await createInstance(id('bad3'), { restoreInfo: restoreInfo('no-such-copy', await readUrl('no-such-copy')) });
    const r3 = await waitState(id('bad3'), ['RUNNING', 'ERROR']);
    expect(r3.state).toBe('ERROR');
    expect(r3.stateMessage).toMatch(/404/);
  });

  it('answers 400 {code, message} to bad input, 409 to duplicates and to copies of non-RUNNING instances, 404 to unknown ids', async () => {
    const unknownPlan = await createInstance(id('x1'), { instanceSettings: { plan: 'gold' } });
    expect(unknownPlan.status).toBe(400);
    expect(unknownPlan.body).toMatchObject({ code: 400, message: expect.stringMatching(/unknown plan 'gold'/) });
    const badProto = await createInstance(id('x2'), { restoreInfo: { ...restoreInfo(copyId, crb.url), copyRepoProtocol: 'nfs' } });
    expect(badProto.status).toBe(400);
    expect(badProto.body.message).toMatch(/shpanRest 1\.0/);
    const noCopyId = await createInstance(id('x3'), { restoreInfo: { ...restoreInfo(copyId, crb.url), copyId: undefined } });
    expect(noCopyId.status).toBe(400);
    const noUrl = await createInstance(id('x4'), { restoreInfo: { ...restoreInfo(copyId, crb.url), copyRepoCredentials: { repoId: 'default' } } });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.message).toMatch(/url/);
    const badId = await call('POST', '/service_instances', { instanceId: '../etc', instanceSettings: {} });
    expect(badId.status).toBe(400);
    for (const x of ['x1', 'x2', 'x3', 'x4']) expect((await call('GET', `/service_instances/${id(x)}`)).status).toBe(404);

    const copyNoId = await call('POST', `/service_instances/${id('src')}/copy`, { ...copyBody('c', crb.url), copyId: undefined });
    expect(copyNoId.status).toBe(400);
    expect(copyNoId.body).toMatchObject({ code: 400, message: expect.stringMatching(/copyId/) });
    const copyProto = await call('POST', `/service_instances/${id('src')}/copy`, copyBody('c', crb.url, { copyRepoProtocol: 'ftp' }));
    expect(copyProto.status).toBe(400);
    expect(copyProto.body.message).toMatch(/shpanRest 1\.0/);
    const copyVersion = await call('POST', `/service_instances/${id('src')}/copy`, copyBody('c', crb.url, { copyRepoProtocolVersion: '2.0' }));
    expect(copyVersion.status).toBe(400);

    expect((await createInstance(id('src'))).status).toBe(409);
    expect((await call('POST', `/service_instances/${id('bad')}/copy`, copyBody('c', crb.url))).status).toBe(409);
    expect((await call('GET', '/service_instances/nobody')).status).toBe(404);
    expect((await call('DELETE', '/service_instances/nobody')).status).toBe(404);
    expect((await call('POST', '/service_instances/nobody/copy', copyBody('c', crb.url))).status).toBe(404);
  });

  it('a second broker sharing the server never adopts another broker\'s database (409), and a prefix separates them', async () => {
    const other = await startService({ service: 'dsb-postgres' });
    try {
      const post = (instanceId: string) => fetch(`${other.url}/service_instances`, { method: 'POST', headers: { ...other.headers, 'content-type': 'application/json' }, body: JSON.stringify({ instanceId, instanceSettings: {} }) });
      const r = await post(id('src'));
      expect(r.status).toBe(409);
      expect(((await r.json()) as Json).message).toMatch(/already exists on the PostgreSQL server/);
      expect((await fetch(`${other.url}/service_instances/${id('src')}`, { headers: other.headers })).status).toBe(404);
    } finally { await other.stop(); rmSync(other.dataDir, { recursive: true, force: true }); }
  });

  it('keeps its registry across a restart; DELETE drops database and role (open connections included), then 404', async () => {
    const list = await call('GET', '/service_instances');
    expect(list.body.map((x: { instanceId: string }) => x.instanceId)).toEqual(expect.arrayContaining([id('src'), id('dst'), id('bad')]));
    await dsb.stop();
    dsb = await startService({ service: 'dsb-postgres', dataDir: dsb.dataDir });
    const again = await call('GET', `/service_instances/${id('dst')}`);
    expect(again.body).toMatchObject({ state: 'RUNNING', binding: { uri: expect.any(String) } });
    expect((await call('GET', `/service_instances/${id('bad')}`)).body.state).toBe('ERROR');

    const holder = new Client({ connectionString: again.body.binding.uri });
    await holder.connect();
    holder.on('error', () => undefined);
    const del = await call('DELETE', `/service_instances/${id('dst')}`);
    expect(del).toEqual({ status: 200, body: { instanceId: id('dst') } });
    const deadline = Date.now() + 20_000;
    while ((await call('GET', `/service_instances/${id('dst')}`)).status !== 404) {
      if (Date.now() > deadline) throw new Error('instance not removed');
      await new Promise((r) => setTimeout(r, 100));
    }
    await holder.end().catch(() => undefined);
    expect((await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [again.body.binding.database])).rowCount).toBe(0);
    expect((await adminQuery('SELECT 1 FROM pg_roles WHERE rolname = $1', [again.body.binding.username])).rowCount).toBe(0);
    expect((await call('DELETE', `/service_instances/${id('dst')}`)).status).toBe(404);
  });
});
