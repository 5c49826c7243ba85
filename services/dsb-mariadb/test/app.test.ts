import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createDsbMariadbApp } from '../src/app';
import { checkMariadbPrefix, MariadbBackend, mariadbNameFor } from '../src/domain/mariadb-backend';

describe('dsb-mariadb app', () => {
  const { svc, backend } = createDsbMariadbApp({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'dsb-maria-app-')), adminUrl: 'mysql://root@127.0.0.1:1' });
  afterAll(() => backend.close());

  it('implements every operation of specs/dsb.yaml', () => {
    expect(svc.unhandledOperations()).toEqual([]);
  });

  it('answers 503 when the MariaDB server is unreachable, and creates nothing', async () => {
    const r = await request(svc.app).post('/dsb/service_instances').send({ instanceId: 'db1', instanceSettings: {} });
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ code: 503, reason: 'unavailable' });
    expect(r.body.message).toMatch(/MariaDB server 127\.0\.0\.1:1 unreachable/);
    expect((await request(svc.app).get('/dsb/service_instances')).body).toEqual([]);
  });

  it('refuses hostile instance ids and settings with 400 before touching the server', async () => {
    for (const instanceId of ['../x', "a'; DROP DATABASE mysql; --", '`x`', 'x'.repeat(129), '']) {
      const r = await request(svc.app).post('/dsb/service_instances').send({ instanceId, instanceSettings: {} });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 400 });
    }
    const r = await request(svc.app).post('/dsb/service_instances').send({ instanceId: 'db1', instanceSettings: { plan: "standard'; --" } });
    expect(r.status).toBe(400);
  });

  it('derives safe, distinct names of at most 32 characters (MySQL\'s user name limit)', () => {
    expect(mariadbNameFor('Orders-DB.1')).toMatch(/^ocopea_orders_db_1_[0-9a-f]{8}$/);
    expect(mariadbNameFor('a-b')).not.toBe(mariadbNameFor('a_b'));
    for (const id of ['x'.repeat(128), 'notes-db-3f2a9c1e-8d4b-4b7a-9f0e-2c1d5e6f7a8b']) {
      expect(mariadbNameFor(id).length).toBeLessThanOrEqual(32);
      expect(mariadbNameFor(id, 'p'.repeat(12)).length).toBeLessThanOrEqual(32);
    }
    expect(mariadbNameFor('db1', 'site_a_')).toMatch(/^site_a_db1_[0-9a-f]{8}$/);
    expect(() => checkMariadbPrefix('Bad-Prefix')).toThrow();
    expect(() => checkMariadbPrefix('p'.repeat(13))).toThrow();
    expect(() => new MariadbBackend({ adminUrl: 'postgres://x@y' })).toThrow(/mysql:\/\//);
    expect(() => new MariadbBackend({ adminUrl: 'mysql://root@127.0.0.1:1', stdioBuffer: '1M; rm -rf /' })).toThrow(/stdio buffer/);
  });
});
