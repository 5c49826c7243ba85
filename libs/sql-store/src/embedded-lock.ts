import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The lock file inside a locked directory. */
export const LOCK_FILE = 'ocopea.lock';

/** What a lock file holds. */
interface LockOwner { pid: number; since: string }

/** What a lock guards, for its messages: `<what> in <dir> is <state> by process N: stop that process first <advice>`. */
export interface LockedThing {
  what: string;
  state: 'open' | 'in use';
  advice: string;
}

const DATABASE: LockedThing = {
  what: 'the embedded database', state: 'open', advice: '(or give this one another OCOPEA_DATA_DIR); two processes writing one database would corrupt it',
};

/** A locked directory (an embedded database, a topology's data root) is in use by another process, or by this one. */
export class DirectoryInUseError extends Error {
  constructor(readonly dir: string, readonly pid: number, thing: LockedThing) {
    super(pid === process.pid
      ? `${thing.what} in ${dir} is already ${thing.state} in this process`
      : `${thing.what} in ${dir} is ${thing.state} by process ${pid}: stop that process first ${thing.advice}`);
  }
}

/** Directories this process holds the lock of. */
const held = new Set<string>();

/**
 * Takes the lock of an embedded database directory, so that it is never open in two processes at once (PGlite has
 * no lock of its own: a second process opened and wrote the files under the first). See `lockDirectory`.
 */
export function lockEmbeddedDb(dir: string): () => void {
  return lockDirectory(dir, DATABASE);
}

/**
 * Takes the lock of a directory that one process at a time may use: `ocopea.lock` in it, linked into place whole
 * (fails if it exists) and holding the owner's pid; returns the function that releases it.
 * A lock whose owner no longer runs (killed, crashed) is stale and taken over. Taking over renames it aside first,
 * so that of two processes finding the same stale lock only one removes it; one that finds it renamed a live
 * owner's lock puts it back and refuses. A pid in a lock equal to our own is a previous life of this pid (a
 * container restarted), unless this process holds the lock.
 */
export function lockDirectory(dir: string, thing: LockedThing): () => void {
  const refuse = (d: string, pid: number) => new DirectoryInUseError(d, pid, thing);
  const abs = path.resolve(dir);
  if (held.has(abs)) throw refuse(abs, process.pid);
  const file = path.join(abs, LOCK_FILE);
  // Written whole aside, then linked into place (fails if the lock exists): nobody ever reads a half-written lock.
  const draft = `${file}.${process.pid}.new`;
  writeFileSync(draft, JSON.stringify({ pid: process.pid, since: new Date().toISOString() } satisfies LockOwner) + '\n', { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      const owner = readOwner(file);
      if (owner && alive(owner.pid)) throw refuse(abs, owner.pid);
      takeOverStale(file, owner, refuse);
    }
  } finally {
    unlinkSync(draft);
  }
  held.add(abs);
  return () => {
    held.delete(abs);
    if (readOwner(file)?.pid === process.pid) {
      try { unlinkSync(file); } catch { /* gone already */ }
    }
  };
}

/** Moves a stale lock out of the way; if what was moved turns out to be a live owner's, puts it back and refuses. */
function takeOverStale(file: string, seen: LockOwner | undefined, refuse: (dir: string, pid: number) => DirectoryInUseError): void {
  const aside = `${file}.${process.pid}.stale`;
  try { renameSync(file, aside); } catch { return; } // someone else moved it: try again
  const moved = readOwner(aside);
  if (moved && moved.pid !== seen?.pid && alive(moved.pid)) {
    try { linkSync(aside, file); } catch { /* a third process took the lock meanwhile: it is its now */ }
    unlinkSync(aside);
    throw refuse(path.dirname(file), moved.pid);
  }
  unlinkSync(aside);
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return Number.isInteger(o.pid) && o.pid > 0 ? o : undefined;
  } catch {
    return undefined; // not a lock of ours: stale
  }
}

/** Whether a process with this pid runs (and is not us: our own pid in a lock we do not hold is a previous life). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
