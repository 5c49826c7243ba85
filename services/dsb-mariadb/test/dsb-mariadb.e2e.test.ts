// dsb-mariadb end to end: the broker and the real crb-fs run as child processes, MariaDB is real. The broker reaches
// crb-fs only through scoped grants, as the Site hands them out. What the conformance kit does not cover: the
// instance user's confinement, restores that fail (bad SQL, SQL reaching outside its database or granting itself more)
// leaving nothing behind, secrets redacted for viewers and absent from the logs.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { requireTestMariadb, scopedCrbUrl, startService, type StartedService } from '@ocopea/testing';

jest.setTimeout(90_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
type Json = any;

const RUN = `t${process.pid.toString(36)}`;
const VIEWER = randomBytes(24).toString('base64url');
let crb: StartedService;
let dsb: StartedService;
let dir: string;
const created = new Set<string>();

async function call(method: string, p: string, body?: unknown, token = dsb.token): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${dsb.url}${p}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function waitState(id: string, states: string[], timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('GET', `/service_instances/${id}`);
    if (r.status === 200 && states.includes(r.body.state)) return r.body;
    if (Date.now() > deadline) throw new Error(`${id} not ${states} after ${timeoutMs} ms: ${JSON.stringify(r)}\n${dsb.logs().slice(-3000)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function running(id: string, restoreInfo?: unknown): Promise<Record<string, string>> {
  created.add(id);
  const r = await call('POST', '/service_instances', { instanceId: id, instanceSettings: {}, ...(restoreInfo ? { restoreInfo } : {}) });
  expect(r.status).toBe(200);
  return (await waitState(id, ['RUNNING'])).binding;
}

const connect = (b: Record<string, string>) => mysql.createConnection({ host: b.host, port: Number(b.port), user: b.username, password: b.password, database: b.database, multipleStatements: true });
const admin = () => mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
async function schemaExists(name: string): Promise<boolean> {
  const c = await admin();
  try { return ((await c.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]))[0] as unknown[]).length > 0; } finally { await c.end(); }
}

/** Stores `bytes` in crb-fs as a copy, as if a DSB had, and answers restoreInfo reading it through a read grant. */
async function planted(bytes: Buffer): Promise<unknown> {
  const copyId = `${RUN}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
  const res = await fetch(`${crb.url}/repositories/default/copies/${copyId}/data`, { method: 'POST', headers: { ...crb.headers, 'content-type': 'application/octet-stream' }, body: bytes });
  expect([200, 409]).toContain(res.status);
  return { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url: await scopedCrbUrl(crb, { access: 'read', copyId }), repoId: 'default' } };
}

beforeAll(async () => {
  await requireTestMariadb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dsb-mariadb-e2e-'));
  const tokens = path.join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify({ principals: [{ name: 'viewer', role: 'viewer', sha256: createHash('sha256').update(VIEWER).digest('hex') }] }), { mode: 0o600 });
  [crb, dsb] = await Promise.all([startService({ service: 'crb-fs' }), startService({ service: 'dsb-mariadb', env: { DSB_MARIADB_DB_PREFIX: `${RUN}_`, OCOPEA_TOKENS_FILE: tokens } })]);
});

afterAll(async () => {
  for (const id of created) await call('DELETE', `/service_instances/${id}`).catch(() => undefined);
  await Promise.all([dsb?.stop(), crb?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('gives each instance a database and a user that can reach nothing else', async () => {
  const a = await running('confined-a');
  const b = await running('confined-b');
  expect(a.uri).toBe(`mysql://${a.username}:${encodeURIComponent(a.password)}@127.0.0.1:3306/${a.database}`);
  expect(a.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  const c = await connect(a);
  try {
    await c.query('CREATE TABLE t (id INT PRIMARY KEY)');
    await expect(c.query(`SELECT * FROM \`${b.database}\`.t`)).rejects.toThrow(/denied/);
    await expect(c.query('SELECT * FROM mysql.user')).rejects.toThrow(/denied/);
    await expect(c.query('CREATE DATABASE escape_attempt')).rejects.toThrow(/denied/);
  } finally { await c.end(); }
  await expect(connect({ ...a, password: 'wrong' })).rejects.toThrow(/denied/);
});

it('copies and restores rows, binary data, a view, a trigger and a function as the new instance\'s own', async () => {
  const src = await running('rich-src');
  const c = await connect(src);
  const blob = randomBytes(4096);
  try {
    await c.query('CREATE TABLE notes (id INT PRIMARY KEY, body TEXT, raw BLOB) ENGINE=InnoDB');
    await c.query('INSERT INTO notes VALUES (1, ?, ?), (2, ?, NULL)', ["it's DEFINER=`root`@`localhost` \n quoted", blob, 'ünïcödé 🐬']);
    await c.query('CREATE VIEW long_notes AS SELECT id FROM notes WHERE LENGTH(body) > 5');
    await c.query('CREATE TRIGGER stamp BEFORE INSERT ON notes FOR EACH ROW SET NEW.body = CONCAT(\'>\', NEW.body)');
    await c.query('CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2');
  } finally { await c.end(); }

  const copyId = `${RUN}-rich`;
  const copy = await call('POST', '/service_instances/rich-src/copy', {
    copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0',
    copyRepoCredentials: { url: await scopedCrbUrl(crb, { access: 'write', copyId, repoId: 'default' }), repoId: 'default' },
  });
  expect(copy.status).toBe(200);
  expect(copy.body).toMatchObject({ status: 0, copyId, checksum: expect.stringMatching(/^sha256:/) });

  const dst = await running('rich-dst', { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url: await scopedCrbUrl(crb, { access: 'read', copyId }), repoId: 'default' } });
  const d = await connect(dst);
  try {
    const [rows] = await d.query('SELECT id, body, raw FROM notes ORDER BY id') as [Json[], unknown];
    expect(rows[0].body).toBe("it's DEFINER=`root`@`localhost` \n quoted");
    expect(Buffer.compare(rows[0].raw, blob)).toBe(0);
    expect(rows[1].body).toBe('ünïcödé 🐬');
    await d.query('INSERT INTO notes VALUES (3, \'new\', NULL)');
    expect(((await d.query('SELECT body FROM notes WHERE id = 3')) as [Json[], unknown])[0][0].body).toBe('>new');
    expect(((await d.query('SELECT twice(21) AS v')) as [Json[], unknown])[0][0].v).toBe(42);
    expect(((await d.query('SELECT COUNT(*) AS n FROM long_notes')) as [Json[], unknown])[0][0].n).toBe(2); // '>new' is too short
    const [defs] = await d.query('SELECT DEFINER AS d FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() UNION ALL SELECT DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() UNION ALL SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()') as [Json[], unknown];
    expect(defs.map((x) => x.d)).toEqual([`${dst.username}@%`, `${dst.username}@%`, `${dst.username}@%`]);
  } finally { await d.end(); }
});

it.each([
  ['bad SQL at the end', Buffer.from('CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\nTHIS IS NOT SQL;\n'), /mariadb exited with code 1.*syntax/s],
  ['SQL reaching outside its database', Buffer.from('CREATE TABLE t (id INT);\nCREATE DATABASE evil;\n'), /denied/],
  ['SQL granting itself more', Buffer.from('CREATE TABLE t (id INT);\nGRANT ALL ON *.* TO CURRENT_USER;\n'), /denied/],
])('a restore from a copy with %s is ERROR with its reason, and its database is dropped', async (what, bytes, reason) => {
  const id = `bad-${what.split(' ').slice(-2).join('-')}`;
  created.add(id);
  const r = await call('POST', '/service_instances', { instanceId: id, instanceSettings: {}, restoreInfo: await planted(bytes) });
  expect(r.status).toBe(200);
  const st = await waitState(id, ['ERROR']);
  expect(st.stateMessage).toMatch(/^restore of copy .* failed: /);
  expect(st.stateMessage).toMatch(reason);
  expect(st.binding).toBeUndefined();
  const c = await admin();
  try {
    const [rows] = await c.query('SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [`${RUN}\\_bad\\_%`]) as [Json[], unknown];
    expect(rows).toEqual([]);
  } finally { await c.end(); }
  expect(await schemaExists('evil')).toBe(false);
});

it('shows viewers the binding with its secrets redacted, and never logs a password', async () => {
  const b = await running('secret');
  const v = await call('GET', '/service_instances/secret', undefined, VIEWER);
  expect(v.status).toBe(200);
  expect(v.body.binding).toMatchObject({ username: b.username, password: '***', uri: `mysql://${b.username}:***@127.0.0.1:3306/${b.database}` });
  expect((await call('POST', '/service_instances', { instanceId: 'viewer-made', instanceSettings: {} }, VIEWER)).status).toBe(403);
  expect(dsb.logs()).not.toContain(b.password);
  expect(dsb.logs()).not.toContain(encodeURIComponent(b.password));
});

it('refuses copies to a non-http CRB, and deletes what it made: database and user', async () => {
  await running('gone');
  const bad = await call('POST', '/service_instances/gone/copy', { copyId: 'c1', copyRepoProtocol: 'shpanRest', copyRepoCredentials: { url: 'file:///etc/passwd', repoId: 'default' } });
  expect(bad).toMatchObject({ status: 400, body: { code: 400 } });
  const b = (await call('GET', '/service_instances/gone')).body.binding;
  expect((await call('DELETE', '/service_instances/gone')).status).toBe(200);
  const deadline = Date.now() + 30_000;
  while ((await call('GET', '/service_instances/gone')).status !== 404 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await schemaExists(b.database)).toBe(false);
  await expect(connect(b)).rejects.toThrow(/denied/);
  created.delete('gone');
});
