// Golden copies and reset, end to end: dsb-postgres and crb-fs as child processes, PostgreSQL real. The broker has
// its own name prefix, so everything it leaves on the shared server is found (and dropped) by that prefix.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { requireTestPostgres, TEST_PG_URL } from '@ocopea/sql-store';
import { scopedCrbUrl, startService, type StartedService } from '@ocopea/testing';

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
type Json = any;

const RUN = `g${process.pid.toString(36)}${Date.now().toString(36)}`;
const PREFIX = `${RUN}_`;
const id = (name: string) => `${RUN}-${name}`;

let crb: StartedService;
let dsb: StartedService;

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${dsb.url}${p}`, {
    method, headers: { ...dsb.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
async function waitState(instanceId: string, states: string[], timeoutMs = 90_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('GET', `/service_instances/${instanceId}`);
    if (r.status === 200 && states.includes(r.body.state)) return r.body;
    if (Date.now() > deadline) throw new Error(`${instanceId} not ${states} after ${timeoutMs} ms: ${JSON.stringify(r)}\n${dsb.logs().slice(-3000)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
const restoreInfo = async (copyId: string) => ({
  copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0',
  copyRepoCredentials: { url: await scopedCrbUrl(crb, { access: 'read', copyId }), repoId: 'default' }, copyType: 'shpanCopy',
});
async function takeCopy(instanceId: string, copyId: string) {
  const url = await scopedCrbUrl(crb, { access: 'write', copyId, repoId: 'default' });
  const c = await call('POST', `/service_instances/${instanceId}/copy`, { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: 'default' } });
  expect(c.status).toBe(200);
}
async function restoreMany(names: string[], copyId: string): Promise<Json[]> {
  for (const n of names) expect((await call('POST', '/service_instances', { instanceId: id(n), instanceSettings: {}, restoreInfo: await restoreInfo(copyId) })).status).toBe(200);
  return Promise.all(names.map((n) => waitState(id(n), ['RUNNING', 'ERROR'])));
}
async function withDb<T>(uri: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: uri });
  await c.connect();
  try { return await f(c); } finally { await c.end(); }
}
const admin = (sql: string, params: unknown[] = []) => withDb(TEST_PG_URL, (c) => c.query(sql, params));
const rows = (uri: string) => withDb(uri, async (c) => (await c.query('SELECT id, body FROM items ORDER BY id')).rows);
const goldenDbs = async () => (await admin('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${PREFIX}g\\_%`])).rows.map((r) => r.datname as string);

beforeAll(async () => {
  await requireTestPostgres();
  [crb, dsb] = await Promise.all([startService({ service: 'crb-fs' }), startService({ service: 'dsb-postgres', env: { DSB_POSTGRES_DB_PREFIX: PREFIX } })]);
});

afterAll(async () => {
  await Promise.all([dsb?.stop(), crb?.stop()]);
  const dbs = await admin('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${PREFIX}%`]).catch(() => ({ rows: [] as { datname: string }[] }));
  for (const { datname } of dbs.rows) await admin(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
  const roles = await admin('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`${PREFIX}%`]).catch(() => ({ rows: [] as { rolname: string }[] }));
  for (const { rolname } of roles.rows) await admin(`DROP ROLE IF EXISTS "${rolname}"`).catch(() => undefined);
  for (const d of [dsb?.dataDir, crb?.dataDir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('dsb-postgres golden copies', () => {
  const copyId = `${RUN}-c1`;
  let clones: Json[];

  it('advertises reset and local clones in its info', async () => {
    const info = await call('GET', '/');
    expect(info.body.capabilities).toEqual({ reset: true, localClone: { method: expect.stringMatching(/^template-file-copy/), budgetBytes: 10_240 * 1024 * 1024 } });
  });

  it('three instances of one copy: one full restore builds the golden, all three get identical data, each its own', async () => {
    expect((await call('POST', '/service_instances', { instanceId: id('src'), instanceSettings: {} })).status).toBe(200);
    const src = await waitState(id('src'), ['RUNNING']);
    await withDb(src.binding.uri, async (c) => {
      await c.query('CREATE TABLE items (id int PRIMARY KEY, body text NOT NULL)');
      await c.query("INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
      await c.query('CREATE VIEW first_items AS SELECT * FROM items WHERE id < 10');
    });
    await takeCopy(id('src'), copyId);

    clones = await restoreMany(['a', 'b', 'c'], copyId);
    expect(clones.map((c) => c.state)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(clones.map((c) => c.restoredFrom.path).sort()).toEqual(['full-restore', 'local-clone', 'local-clone']);
    for (const c of clones) expect(c.restoredFrom).toMatchObject({ copyId, ms: expect.any(Number), at: expect.any(Number) });
    const expected = await rows(src.binding.uri);
    for (const c of clones) {
      expect(await rows(c.binding.uri)).toEqual(expected);
      // every object belongs to the instance's role: nothing left to the golden role
      const owners = await withDb(c.binding.uri, (db) => db.query("SELECT DISTINCT tableowner AS o FROM pg_tables WHERE schemaname = 'public' UNION SELECT viewowner FROM pg_views WHERE schemaname = 'public' UNION SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'"));
      expect(owners.rows.map((r) => r.o)).toEqual([c.binding.username]);
    }
    expect(new Set(clones.map((c) => c.binding.password)).size).toBe(3);
    // one clone's role cannot connect to another clone's database, nor to the golden
    const other = new URL(clones[0].binding.uri);
    other.pathname = `/${clones[1].binding.database}`;
    await expect(withDb(other.href, (c) => c.query('SELECT 1'))).rejects.toThrow(/permission denied|not permitted/);
    const [golden] = await goldenDbs();
    expect(golden).toBeDefined();
    other.pathname = `/${golden}`;
    await expect(withDb(other.href, (c) => c.query('SELECT 1'))).rejects.toThrow(/not currently accepting connections|permission denied/);
  });

  it('a change in one clone leaves the others alone; a reset brings it back with the same endpoint and credentials', async () => {
    const [a, b] = clones;
    await withDb(a.binding.uri, (c) => c.query("UPDATE items SET body = 'changed'; DELETE FROM items WHERE id > 1000"));
    expect((await rows(b.binding.uri)).length).toBe(2000);
    expect((await rows(a.binding.uri)).length).toBe(1000);

    const session = new Client({ connectionString: a.binding.uri });
    await session.connect();
    session.on('error', () => undefined);
    const r = await call('POST', `/service_instances/${id('a')}/reset`);
    expect(r).toEqual({ status: 202, body: { instanceId: id('a') } });
    expect((await call('POST', `/service_instances/${id('a')}/reset`)).status).toBe(409); // already resetting
    const after = await waitState(id('a'), ['RUNNING', 'ERROR']);
    expect(after).toMatchObject({ state: 'RUNNING', binding: a.binding, restoredFrom: { copyId, path: 'local-clone' } });
    expect(await rows(a.binding.uri)).toEqual(await rows(b.binding.uri));
    // the session open across the reset was ended (it saw the old data), new ones see the copy's
    await expect(session.query('SELECT 1')).rejects.toThrow();
    await session.end().catch(() => undefined);
    // the replaced database is dropped after the swap, in the background
    const aside = () => admin('SELECT datname FROM pg_database WHERE datname ~ $1', [`^${PREFIX}[st]_`]);
    for (const until = Date.now() + 10_000; (await aside()).rowCount && Date.now() < until;) await new Promise((res) => setTimeout(res, 100));
    expect((await aside()).rows).toEqual([]);
  });

  it('refuses resets that make no sense: 409 for an empty instance, 404 for an unknown one, 401 without a token', async () => {
    const empty = await call('POST', `/service_instances/${id('src')}/reset`);
    expect(empty.status).toBe(409);
    expect(empty.body).toMatchObject({ code: 409, message: expect.stringMatching(/not created from a copy/) });
    expect((await call('POST', '/service_instances/nobody/reset')).status).toBe(404);
    expect((await call('POST', '/service_instances/..%2F..%2Fetc/reset')).status).toBe(400);
    expect((await fetch(`${dsb.url}/service_instances/${id('a')}/reset`, { method: 'POST' })).status).toBe(401);
  });

  it('a golden someone connected to is dropped and rebuilt; one whose copy changed in the CRB too', async () => {
    const [golden] = await goldenDbs();
    await admin(`ALTER DATABASE "${golden}" WITH ALLOW_CONNECTIONS true`);
    const [d] = await restoreMany(['d'], copyId);
    expect(d.restoredFrom.path).toBe('full-restore');
    expect((await rows(d.binding.uri)).length).toBe(2000);

    // the copy is deleted in the CRB and taken again, of other data, under the same id
    expect((await fetch(`${crb.url}/copies/${copyId}`, { method: 'DELETE', headers: crb.headers })).status).toBeLessThan(300);
    await withDb(clones[1].binding.uri, (c) => c.query('DELETE FROM items WHERE id > 5'));
    await takeCopy(id('b'), copyId);
    const [e, f] = await restoreMany(['e', 'f'], copyId);
    expect([e.restoredFrom.path, f.restoredFrom.path].sort()).toEqual(['full-restore', 'local-clone']);
    expect((await rows(e.binding.uri)).length).toBe(5);
    expect(await goldenDbs()).toHaveLength(1);

    // and once the copy is gone, a restore fails visibly and the golden goes with it
    expect((await fetch(`${crb.url}/copies/${copyId}`, { method: 'DELETE', headers: crb.headers })).status).toBeLessThan(300);
    const [g] = await restoreMany(['g'], copyId);
    expect(g).toMatchObject({ state: 'ERROR', stateMessage: expect.stringMatching(/404/) });
    expect(await goldenDbs()).toHaveLength(0);
  });

  it('a golden half built when the broker died is dropped at restart, never cloned', async () => {
    await dsb.stop();
    const file = path.join(dsb.dataDir, 'goldens.json');
    const half = `g_${'0'.repeat(16)}`;
    await admin(`CREATE DATABASE "${PREFIX}${half}"`);
    // and a clone set aside mid-reset, and a replaced database not yet dropped (cloneGolden's swap)
    await admin(`CREATE DATABASE "${PREFIX}s_${'a'.repeat(16)}"`);
    await admin(`CREATE DATABASE "${PREFIX}t_${'b'.repeat(16)}"`);
    writeFileSync(file, JSON.stringify({ version: 1, goldens: [{ name: half, copyId: 'x', digest: { algorithm: 'sha256', hex: '0'.repeat(64) }, state: 'building', size: 0, builtAt: 1, buildMs: 0, lastUsedAt: 1, uses: 0 }] }));
    dsb = await startService({ service: 'dsb-postgres', dataDir: dsb.dataDir, env: { DSB_POSTGRES_DB_PREFIX: PREFIX } });
    const deadline = Date.now() + 10_000;
    while ((await goldenDbs()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await goldenDbs()).toEqual([]);
    const aside = await admin('SELECT datname FROM pg_database WHERE datname ~ $1', [`^${PREFIX}[st]_`]);
    expect(aside.rows).toEqual([]);
    // instances survive: a database whose name merely starts like an aside one is not touched
    expect((await call('GET', `/service_instances/${id('a')}`)).body.state).toBe('RUNNING');
    expect(JSON.parse(readFileSync(file, 'utf8')).goldens).toEqual([]);
  });
});
