import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DirectoryInUseError, LOCK_FILE, PgliteSqlDb } from '../src';

jest.setTimeout(60_000);

/** A real process holding the database in `dir` (or failing to open it). */
function holder(dir: string): { child: ChildProcess; opened: Promise<void>; exited: Promise<number | null>; err: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/hold-db.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const opened = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => { out += d; if (out.includes('open')) resolve(); });
    void exited.then((code) => reject(new Error(`holder exited ${code}: ${err}`)));
  });
  return { child, opened, exited, err: () => err };
}

describe('embedded database lock (real processes)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'ocopea-pglite-lock-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a database open in another process is refused, naming that process; it opens once that process closed it', async () => {
    const h = holder(dir);
    await h.opened;
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: h.child.pid });
    const refused = await PgliteSqlDb.open(dir).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(DirectoryInUseError);
    expect((refused as Error).message).toBe(`the embedded database in ${dir} is open by process ${h.child.pid}: stop that process first `
      + '(or give this one another OCOPEA_DATA_DIR); two processes writing one database would corrupt it');
    // A second process is refused the same way, and exits without touching it.
    const second = holder(dir);
    second.opened.catch(() => undefined);
    expect(await second.exited).toBe(3);
    expect(second.err()).toContain(`is open by process ${h.child.pid}`);

    h.child.kill('SIGTERM');
    expect(await h.exited).toBe(0);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const db = await PgliteSqlDb.open(dir);
    expect((await db.query<{ v: string }>('SELECT v FROM t')).rows).toEqual([{ v: `from ${h.child.pid}` }]);
    await db.close();
  });

  it('the lock of a process that was killed is stale: taken over, and the data is there', async () => {
    const h = holder(dir);
    await h.opened;
    h.child.kill('SIGKILL');
    await h.exited;
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: h.child.pid });
    const db = await PgliteSqlDb.open(dir);
    try {
      expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
      expect((await db.query<{ v: string }>('SELECT v FROM t')).rows).toEqual([{ v: `from ${h.child.pid}` }]);
    } finally {
      await db.close();
    }
  });

  it('never opened twice in one process either; the lock file is private and goes with close', async () => {
    const db = await PgliteSqlDb.open(dir);
    await expect(PgliteSqlDb.open(dir)).rejects.toThrow(`the embedded database in ${dir} is already open in this process`);
    expect(statSync(path.join(dir, LOCK_FILE)).mode & 0o777).toBe(0o600);
    await db.close();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    await (await PgliteSqlDb.open(dir)).close();
  });
});
