import fs from 'node:fs';
import path from 'node:path';
import { ConflictError } from '@ocopea/errors';

type Callback<T> = (err: NodeJS.ErrnoException | null, value?: T) => void;

/** What tar-fs `pack` calls on its `fs` option. */
export interface PackFs {
  lstat(p: string, cb: Callback<fs.Stats>): void;
  stat(p: string, cb: Callback<fs.Stats>): void;
  readdir(p: string, cb: Callback<string[]>): void;
  readlink(p: string, cb: Callback<string>): void;
  createReadStream: typeof fs.createReadStream;
}

const rel = (root: string, p: string) => path.relative(root, p) || '.';

/**
 * The filesystem tar-fs packs a volume through: node's, with the checks that keep a copy from being silently
 * incomplete or impossible to restore. Each refusal is a ConflictError (409: the volume's content, not the request,
 * stands in the way) that fails the copy before the CRB keeps anything.
 * - A file that vanishes between the directory listing and its stat: tar-fs 3 takes that ENOENT for the end of the
 *   walk and finishes the archive as if complete (a copy 200 MB short was answered "copy stored"). The volume changed
 *   under the copy; the caller may copy again.
 * - A name that is not valid UTF-8: node's string API cannot name it back (it would look vanished, or worse).
 * - Fifos, sockets, devices: tar-fs would skip sockets silently; a copy cannot hold any of them.
 * - A symlink that is absolute or leads out of the volume: extraction refuses those (they could make a restore
 *   write outside the new volume, and an absolute one points at the old volume anyway), so the copy would never
 *   restore. Refused when copied rather than found out at the first restore.
 */
export function copyFs(root: string): PackFs {
  const refuse = (what: string) => new ConflictError(`the volume cannot be copied: ${what}`);
  const checked = (p: string, cb: Callback<fs.Stats>) => (err: NodeJS.ErrnoException | null, st?: fs.Stats) => {
    if (err?.code === 'ENOENT') return cb(refuse(`'${rel(root, p)}' was removed while the copy ran; copy again`));
    if (err) return cb(err);
    if (st && !st.isFile() && !st.isDirectory() && !st.isSymbolicLink()) {
      const kind = st.isFIFO() ? 'a fifo' : st.isSocket() ? 'a socket' : 'a device';
      return cb(refuse(`'${rel(root, p)}' is ${kind}, which a copy cannot hold`));
    }
    cb(null, st);
  };
  return {
    lstat: (p, cb) => fs.lstat(p, checked(p, cb)),
    stat: (p, cb) => fs.stat(p, checked(p, cb)),
    readdir: (p, cb) => fs.readdir(p, { encoding: 'buffer' }, (err, names) => {
      if (err) return cb(err);
      const out: string[] = [];
      for (const raw of names) {
        const name = raw.toString('utf8');
        if (!Buffer.from(name, 'utf8').equals(raw)) {
          return cb(refuse(`a name in '${rel(root, p)}' is not valid UTF-8 (${JSON.stringify(raw.toString('latin1'))})`));
        }
        out.push(name);
      }
      cb(null, out);
    }),
    readlink: (p, cb) => fs.readlink(p, (err, target) => {
      if (err) return cb(err);
      const inside = !path.isAbsolute(target) && !path.relative(root, path.resolve(path.dirname(p), target)).split(path.sep).includes('..');
      if (!inside) return cb(refuse(`symlink '${rel(root, p)}' -> '${target}' leads out of the volume, so no restore could recreate it`));
      cb(null, target);
    }),
    createReadStream: fs.createReadStream,
  };
}
