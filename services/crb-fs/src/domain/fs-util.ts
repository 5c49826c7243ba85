import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

/** Joins `name` under `dir` and refuses anything that would resolve outside `dir`. */
export function pathInside(dir: string, name: string): string {
  const base = path.resolve(dir);
  const full = path.resolve(base, name);
  if (path.dirname(full) !== base) throw new Error(`refusing path '${name}' outside ${base}`);
  return full;
}

/** fsync a directory so that a rename or unlink inside it is durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

/** A random file name for temporary files. */
export function randomName(suffix: string): string {
  return `${randomBytes(12).toString('hex')}${suffix}`;
}

/**
 * Writes `value` as JSON to `file` atomically: a temporary file in `tmpDir` (same filesystem), fsynced, renamed over
 * `file`, then the directory fsynced. A crash leaves either the old or the new content, never a torn one.
 */
export async function writeJsonAtomic(file: string, value: unknown, tmpDir: string): Promise<void> {
  const tmp = pathInside(tmpDir, randomName('.json.tmp'));
  const fh = await fsp.open(tmp, 'wx', 0o640);
  try {
    await fh.writeFile(JSON.stringify(value, null, 2) + '\n');
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(path.dirname(file));
}

/** Removes a file and fsyncs its directory; true when it existed. */
export async function removeDurably(file: string): Promise<boolean> {
  try {
    await fsp.unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  await fsyncDir(path.dirname(file));
  return true;
}

/** Serialises async work per key (e.g. writes of one metadata file), in call order. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return next;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException)?.code === code;
}
