import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { requireTestPostgres, TEST_PG_URL } from '@ocopea/sql-store';
import { requireTestMariadb, startService, type StartedService } from '@ocopea/testing';
import { storageFromEnv } from '../src/config';

jest.setTimeout(60_000);

async function exercise(app: StartedService): Promise<void> {
  const health = await fetch(`${app.origin}/healthz`);
  expect(health.status).toBe(200);
  expect(await (await fetch(`${app.origin}/notes`)).json()).toEqual([]);
  const created = await fetch(`${app.origin}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'buy milk' }) });
  expect(created.status).toBe(201);
  const note = await created.json() as { id: string; text: string; created: number };
  expect(note).toMatchObject({ text: 'buy milk' });
  expect(typeof note.id).toBe('string');
  expect(Math.abs(note.created - Date.now())).toBeLessThan(60_000);
  await fetch(`${app.origin}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'second' }) });
  expect(await (await fetch(`${app.origin}/notes/${note.id}`)).json()).toEqual(note);
  expect((await fetch(`${app.origin}/notes/nope`)).status).toBe(404);
  const bad = await fetch(`${app.origin}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({}) });
  expect(bad.status).toBe(400);
  const list = await (await fetch(`${app.origin}/notes`)).json() as { text: string }[];
  expect(list.map((n) => n.text)).toEqual(['buy milk', 'second']);
}

describe('notes-app storage choice', () => {
  it('prefers NOTES_DATABASE_URL, then NOTES_DIR, then the bindings JSON (postgres uri, then path)', () => {
    expect(storageFromEnv({ NOTES_DATABASE_URL: 'postgres://a/b', NOTES_DIR: '/x' })).toMatchObject({ kind: 'postgres', uri: 'postgres://a/b' });
    expect(storageFromEnv({ NOTES_DIR: '/x' })).toMatchObject({ kind: 'files', dir: '/x' });
    const bindings = { 'fs-dsb': [{ serviceName: 'files', bindInfo: { path: '/data/f' } }], 'pg-dsb': [{ serviceName: 'db', bindInfo: { uri: 'postgresql://u@h/d' } }] };
    expect(storageFromEnv({ OCOPEA_SERVICE_BINDINGS: JSON.stringify(bindings) })).toMatchObject({ kind: 'postgres', uri: 'postgresql://u@h/d' });
    expect(storageFromEnv({ NAZ_MS_API_K8S_BINDINGS: JSON.stringify({ 'fs-dsb': bindings['fs-dsb'] }) })).toMatchObject({ kind: 'files', dir: '/data/f' });
    expect(storageFromEnv({ NOTES_DATABASE_URL: 'mysql://u:p@h:3306/d' })).toMatchObject({ kind: 'mysql', uri: 'mysql://u:p@h:3306/d' });
    expect(storageFromEnv({ NOTES_DATABASE_URL: 'mariadb://u@h/d' })).toMatchObject({ kind: 'mysql' });
    const maria = { 'dsb-mariadb': [{ serviceName: 'db', bindInfo: { uri: 'mysql://u:p@h:3306/d', host: 'h' } }] };
    expect(storageFromEnv({ OCOPEA_SERVICE_BINDINGS: JSON.stringify({ ...maria, 'fs-dsb': bindings['fs-dsb'] }) })).toMatchObject({ kind: 'mysql', uri: 'mysql://u:p@h:3306/d' });
    expect(() => storageFromEnv({ OCOPEA_SERVICE_BINDINGS: '{}' })).toThrow(/needs a storage/);
    expect(() => storageFromEnv({})).toThrow(/NOTES_DATABASE_URL/);
  });
});

describe('notes-app (real process)', () => {
  const started: StartedService[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const s of started) await s.kill();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses to start without a storage, saying why', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../src/main.ts')], {
      cwd: path.join(__dirname, '..'), env: { PATH: process.env.PATH, PORT: '0' }, encoding: 'utf8', timeout: 30_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/needs a storage/);
  });

  it('stores notes as files in NOTES_DIR, and they survive a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'notes-files-'));
    dirs.push(dir);
    const app = await startService({ service: 'notes-app', dir: 'examples', env: { NOTES_DIR: dir } });
    started.push(app);
    await exercise(app);
    expect(readdirSync(dir).filter((n) => n.endsWith('.json'))).toHaveLength(2);
    await app.stop();
    const again = await startService({ service: 'notes-app', dir: 'examples', env: { NOTES_DIR: dir } });
    started.push(again);
    expect((await (await fetch(`${again.origin}/notes`)).json() as unknown[]).length).toBe(2);
  });

  describe('with PostgreSQL', () => {
    const dbName = `notes_test_${process.pid}_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: TEST_PG_URL });
    const dbUrl = (): string => { const u = new URL(TEST_PG_URL); u.pathname = `/${dbName}`; return u.toString(); };
    beforeAll(async () => {
      await requireTestPostgres();
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
    });
    afterAll(async () => {
      for (const s of started) await s.kill();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    });

    it('creates its table and stores notes, found through the bindings JSON', async () => {
      const bindings = { 'postgres-dsb': [{ serviceName: 'notes-db', bindInfo: { uri: dbUrl() } }] };
      const app = await startService({ service: 'notes-app', dir: 'examples', env: { OCOPEA_SERVICE_BINDINGS: JSON.stringify(bindings) } });
      started.push(app);
      await exercise(app);
      const c = new Client({ connectionString: dbUrl() });
      await c.connect();
      try {
        const r = await c.query('SELECT text FROM notes ORDER BY created');
        expect(r.rows.map((x) => x.text)).toEqual(['buy milk', 'second']);
      } finally { await c.end(); }
    });

    it('uses NOTES_DATABASE_URL', async () => {
      const app = await startService({ service: 'notes-app', dir: 'examples', env: { NOTES_DATABASE_URL: dbUrl() } });
      started.push(app);
      const list = await (await fetch(`${app.origin}/notes`)).json() as unknown[];
      expect(list).toHaveLength(2);
    });
  });

  describe('with MariaDB', () => {
    const db = `notes_test_${process.pid}_${Date.now().toString(36)}`;
    const url = `mysql://root@127.0.0.1:3306/${db}`;
    const admin = () => mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    beforeAll(async () => {
      await requireTestMariadb();
      const c = await admin();
      try { await c.query(`CREATE DATABASE \`${db}\``); } finally { await c.end(); }
    });
    afterAll(async () => {
      for (const s of started) await s.kill();
      const c = await admin();
      try { await c.query(`DROP DATABASE IF EXISTS \`${db}\``); } finally { await c.end(); }
    });

    it('creates its table and stores notes in the database of a mysql:// NOTES_DATABASE_URL', async () => {
      const app = await startService({ service: 'notes-app', dir: 'examples', env: { NOTES_DATABASE_URL: url } });
      started.push(app);
      expect(await (await fetch(`${app.origin}/healthz`)).json()).toMatchObject({ storage: 'mysql' });
      await exercise(app);
      const c = await admin();
      try {
        const [rows] = await c.query(`SELECT text FROM \`${db}\`.notes ORDER BY created, id`);
        expect((rows as { text: string }[]).map((x) => x.text).sort()).toEqual(['buy milk', 'second']);
      } finally { await c.end(); }
    });
  });
});
