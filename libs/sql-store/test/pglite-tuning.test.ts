import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgliteSqlDb } from '../src/pglite-sql-db';
import { hasCluster } from '../src/pglite-tuning';

jest.setTimeout(120_000);

describe('the embedded store', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(path.join(os.tmpdir(), 'ocopea-pglite-tuning-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates its cluster out of process (over what an interrupted start left), then runs with small buffers', async () => {
    const dir = path.join(root, 'db');
    mkdirSync(path.join(dir, 'base'), { recursive: true });
    writeFileSync(path.join(dir, 'base', 'half-written'), 'x'); // no PG_VERSION: a crash during an earlier initdb
    expect(hasCluster(dir)).toBe(false);
    const db = await PgliteSqlDb.open(dir);
    try {
      expect(hasCluster(dir)).toBe(true);
      expect(existsSync(path.join(dir, 'base', 'half-written'))).toBe(false);
      expect(existsSync(`${dir}.initdb`)).toBe(false);
      expect((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0].shared_buffers).toBe('8MB');
      await db.exec('CREATE TABLE t (id int)');
      await db.query('INSERT INTO t VALUES ($1)', [1]);
    } finally {
      await db.close();
    }
    expect(readFileSync(path.join(dir, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
    const again = await PgliteSqlDb.open(dir); // an existing cluster opens in-process, with its data
    try {
      expect((await again.query<{ id: number }>('SELECT id FROM t')).rows).toEqual([{ id: 1 }]);
    } finally {
      await again.close();
    }
  });
});
