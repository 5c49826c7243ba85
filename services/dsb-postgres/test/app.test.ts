import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createDsbPostgresApp } from '../src/app';
import { checkPgPrefix, findStdbuf, pgNameFor, PostgresBackend } from '../src/domain/postgres-backend';

describe('dsb-postgres app', () => {
  const { svc, backend } = createDsbPostgresApp({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'dsb-pg-app-')), adminUrl: 'postgres://postgres@127.0.0.1:1/postgres' });
  afterAll(() => backend.close());

  it('implements every operation of specs/dsb.yaml', () => {
    expect(svc.unhandledOperations()).toEqual([]);
  });

  it('answers 503 when the PostgreSQL server is unreachable, and creates nothing', async () => {
    const r = await request(svc.app).post('/dsb/service_instances').send({ instanceId: 'db1', instanceSettings: {} });
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ code: 503, reason: 'unavailable' });
    expect((await request(svc.app).get('/dsb/service_instances')).body).toEqual([]);
  });

  it('derives safe, distinct, short names from instance ids', () => {
    expect(pgNameFor('Orders-DB.1')).toMatch(/^ocopea_orders_db_1_[0-9a-f]{8}$/);
    expect(pgNameFor('a-b')).not.toBe(pgNameFor('a_b'));
    expect(pgNameFor('x'.repeat(128)).length).toBeLessThanOrEqual(63);
    expect(pgNameFor('db1', 'ocopea_site_a_')).toMatch(/^ocopea_site_a_db1_[0-9a-f]{8}$/);
    expect(pgNameFor('x'.repeat(128), 'p'.repeat(30)).length).toBeLessThanOrEqual(63);
    expect(() => checkPgPrefix('Bad-Prefix')).toThrow();
    expect(checkPgPrefix('ocopea_b_')).toBe('ocopea_b_');
  });

  it('re-buffers pg_dump/pg_restore through stdbuf when it is on PATH, not with a buffer of 0, and refuses bad sizes', async () => {
    const adminUrl = 'postgres://postgres@127.0.0.1:1/postgres';
    const dflt = new PostgresBackend({ adminUrl });
    const off = new PostgresBackend({ adminUrl, stdioBuffer: '0' });
    try {
      expect(dflt.stdioBuffered).toBe(findStdbuf() !== undefined);
      expect(off.stdioBuffered).toBe(false);
      expect(() => new PostgresBackend({ adminUrl, stdioBuffer: '1M; rm -rf /' })).toThrow(/stdio buffer/);
      expect(() => new PostgresBackend({ adminUrl, stdioBuffer: '-1' })).toThrow(/stdio buffer/);
      expect(findStdbuf('/nonexistent:/also/not')).toBeUndefined();
    } finally {
      await Promise.all([dflt.close(), off.close()]);
    }
  });
});
