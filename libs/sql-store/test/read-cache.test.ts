import { PgliteSqlDb } from '../src/pglite-sql-db';

jest.setTimeout(120_000);

describe('cached reads of the embedded store', () => {
  let db: PgliteSqlDb;
  let engineQueries: jest.SpyInstance;
  beforeAll(async () => {
    db = await PgliteSqlDb.open(); // in memory
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, data jsonb)');
    engineQueries = jest.spyOn((db as unknown as { db: { query: () => unknown } }).db, 'query');
  });
  afterAll(() => db.close());
  beforeEach(async () => { await db.query('DELETE FROM t'); engineQueries.mockClear(); });

  const read = async () => (await db.cachedQuery<{ id: number; data: { n: number } }>('SELECT * FROM t ORDER BY id')).rows;

  it('answers a repeated read from memory, and a copy each time', async () => {
    await db.query('INSERT INTO t VALUES (1, $1)', [{ n: 1 }]);
    engineQueries.mockClear();
    const first = await read();
    first[0].data.n = 99; // a caller changing its rows
    expect(await read()).toEqual([{ id: 1, data: { n: 1 } }]);
    expect(engineQueries).toHaveBeenCalledTimes(1);
  });

  it('forgets it on any write: a statement, a script, a transaction; keeps it across plain reads', async () => {
    expect(await read()).toEqual([]);
    await db.query('SELECT count(*) FROM t'); // the engine's polls are reads
    await read();
    expect(engineQueries).toHaveBeenCalledTimes(2);
    await db.query('INSERT INTO t VALUES (1, $1)', [{ n: 1 }]);
    expect((await read()).map((r) => r.id)).toEqual([1]);
    await db.exec('INSERT INTO t VALUES (2, \'{"n":2}\')');
    expect((await read()).map((r) => r.id)).toEqual([1, 2]);
    await db.transaction(async (tx) => {
      await tx.query('UPDATE t SET data = $1 WHERE id = 1', [{ n: 10 }]);
      // inside the transaction a cached read is a plain one: it sees the transaction's own change
      expect((await tx.cachedQuery<{ data: { n: number } }>('SELECT data FROM t WHERE id = 1')).rows[0].data.n).toBe(10);
    });
    expect((await read())[0].data.n).toBe(10);
    await db.query('SELECT id FROM t WHERE id = 1 FOR UPDATE'); // locks: treated as a write
    engineQueries.mockClear();
    await read();
    expect(engineQueries).toHaveBeenCalledTimes(1);
  });

  it('a rolled-back transaction leaves no stale read behind', async () => {
    await db.query('INSERT INTO t VALUES (1, $1)', [{ n: 1 }]);
    await expect(db.transaction(async (tx) => {
      await tx.query('DELETE FROM t');
      expect((await tx.cachedQuery('SELECT * FROM t')).rows).toEqual([]);
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect((await read()).map((r) => r.id)).toEqual([1]);
  });

  it('does not keep a read that a write overtook', async () => {
    await db.query('INSERT INTO t VALUES (1, $1)', [{ n: 1 }]);
    const [before] = await Promise.all([read(), db.query('UPDATE t SET data = $1', [{ n: 2 }])]);
    expect(before[0].data.n).toBe(1); // queued first: it saw the row before the update
    expect((await read())[0].data.n).toBe(2); // and was not kept past it
  });
});
