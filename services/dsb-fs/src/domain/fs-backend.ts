import { chmodSync, chownSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { access, chmod, chown, lchown, lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-fs';
import { BadRequestError, ConflictError, OcopeaError, UnavailableError } from '@ocopea/errors';
import type { BrokerInfo, DsbBackend, DumpStream, InstanceRecord, InstanceView } from '@ocopea/dsb-common';
import { copyFs } from './copy-fs';

/** What the broker keeps per instance. */
export interface FsInstance {
  /** Absolute path of the volume directory (`<root>/volumes/<instanceId>`). */
  dir: string;
}

/**
 * The data protocol a template depends on to get a dsb-fs volume: `fs` version `1`, binding `{path}` (an absolute
 * directory path on the broker's host, which the PSB's app services share).
 */
export const FS_PROTOCOL = { protocol: 'fs', version: '1' } as const;

/**
 * The file dsb-fs keeps at the root of its volumes directory: it says "what lies here is data restored from copies,
 * never something to run". psb-process refuses an artifact root at, below or above a directory holding it, and an
 * image folder at or below one (services/psb-process/src/domain/artifacts.ts repeats the name).
 */
export const VOLUME_ROOT_MARKER = '.ocopea-volume-root';
const MARKER_TEXT = 'Data volumes of dsb-fs: contents restored from copies. A PSB must never run anything at or below this directory.\n';

export interface FsBackendOptions {
  /**
   * Owner given to every new or restored volume (`DSB_FS_VOLUME_OWNER`), so the user the PSB runs apps as can write
   * it. The data directory and `volumes/` then get that group and mode 0710: the owner's group may pass through to a
   * volume whose path it was given, list nothing, read nothing else. Undefined: volumes belong to dsb-fs's user.
   */
  owner?: { uid: number; gid: number };
}

const ICON = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="Volume">
<path d="M6 16a4 4 0 0 1 4-4h14l6 6h24a4 4 0 0 1 4 4v28a4 4 0 0 1-4 4H10a4 4 0 0 1-4-4z" fill="#e0a526"/>
<path d="M6 24h52v26a4 4 0 0 1-4 4H10a4 4 0 0 1-4-4z" fill="#f2c14e"/></svg>
`);

/** A tar entry name that would leave the extraction root (absolute, or with a `..` segment). */
export function unsafeEntryName(name: string): boolean {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return true;
  return name.split(/[\\/]+/).includes('..');
}

async function treeSize(p: string): Promise<number> {
  const st = await lstat(p);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await readdir(p)) total += await treeSize(path.join(p, e));
  return total;
}

/**
 * Volumes as directories under `<root>/volumes`. Copies are tar streams of the directory (tar-fs: symlinks kept as
 * symlinks, no owner changes on extract; packed through `copyFs`, which refuses what would make a copy incomplete or
 * unrestorable). A restore extracts into `<root>/tmp/<instanceId>` (same filesystem) and renames it into place
 * only once the whole copy was extracted and its digest matched, so a failed restore never leaves a volume that
 * looks healthy.
 */
export class FsBackend implements DsbBackend<FsInstance> {
  readonly name = 'dsb-fs';
  readonly facility = 'tar';
  readonly volumes: string;
  private readonly tmp: string;

  constructor(readonly root: string, private readonly opts: FsBackendOptions = {}) {
    this.volumes = path.join(root, 'volumes');
    this.tmp = path.join(root, 'tmp');
  }

  /**
   * Creates `volumes/` and `tmp/`, puts the volume marker into `volumes/` and, with an owner, gives the data directory
   * and `volumes/` its group, mode 0710. Run at start-up (before any PSB can be pointed here) and before each create.
   */
  prepareRoot(): void {
    mkdirSync(this.volumes, { recursive: true });
    mkdirSync(this.tmp, { recursive: true });
    const marker = path.join(this.volumes, VOLUME_ROOT_MARKER);
    if (!existsSync(marker)) writeFileSync(marker, MARKER_TEXT, { mode: 0o444 });
    const owner = this.opts.owner;
    if (owner) {
      for (const d of [this.root, this.volumes]) {
        chownSync(d, -1, owner.gid);
        chmodSync(d, 0o710);
      }
    }
  }

  /**
   * The first directory on the way from `/` to `volumes/` the owner cannot pass through (by the mode bits; ACLs are
   * not looked at), or undefined. Its apps could not reach their volumes: worth a warning at start-up.
   */
  unreachableByOwner(): string | undefined {
    const owner = this.opts.owner;
    if (!owner || owner.uid === 0) return undefined;
    const dirs: string[] = [];
    for (let d = path.resolve(this.volumes); ; d = path.dirname(d)) { dirs.unshift(d); if (path.dirname(d) === d) break; }
    for (const d of dirs) {
      const st = statSync(d);
      const bit = st.uid === owner.uid ? 0o100 : st.gid === owner.gid ? 0o010 : 0o001;
      if ((st.mode & bit) === 0) return d;
    }
    return undefined;
  }

  async info(): Promise<BrokerInfo> {
    return {
      name: 'fs-dsb',
      type: 'fs',
      description: 'Directories on the broker host (embedded volumes); binding {path}',
      plans: [{
        id: 'standard', name: 'Standard', description: 'One directory on the broker host', price: 'free',
        protocols: [{ ...FS_PROTOCOL, properties: {} }], dsbSettings: {},
      }],
    };
  }

  icon() { return { contentType: 'image/svg+xml' as const, body: ICON }; }

  prepare(instanceId: string): FsInstance {
    // The spec's pattern already forbids separators; this is the last line of defence.
    if (instanceId === '.' || instanceId === '..' || path.basename(instanceId) !== instanceId) {
      throw new BadRequestError(`instanceId '${instanceId}' cannot name a directory`);
    }
    return { dir: path.join(this.volumes, instanceId) };
  }

  /** A new instance never adopts a directory left behind (e.g. by a broker whose registry was lost). */
  async ensureFree(instanceId: string, extra: FsInstance): Promise<void> {
    const exists = await lstat(extra.dir).then(() => true, () => false);
    if (exists) throw new ConflictError(`volume directory ${extra.dir} for service instance '${instanceId}' already exists`);
  }

  async ping(): Promise<void> {
    try {
      await mkdir(this.volumes, { recursive: true });
      await mkdir(this.tmp, { recursive: true });
      await access(this.volumes, constants.W_OK);
    } catch (err) {
      throw new UnavailableError(`volume root ${this.volumes} is not writable: ${(err as Error).message}`, { cause: err });
    }
  }

  async create(rec: InstanceRecord<FsInstance>, openCopy: (() => Promise<Readable>) | undefined, signal: AbortSignal): Promise<void> {
    const { dir } = rec.extra;
    this.prepareRoot();
    if (!openCopy) {
      await mkdir(dir, { recursive: true });
      await this.giveToOwner(dir);
      return;
    }
    // One staging directory per instance, named after it: a restore redone after a crash starts by clearing what the
    // interrupted one left, and removing the instance clears it too (a random name would be left behind forever).
    const staging = this.staging(rec.instanceId);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      const source = await openCopy();
      let unsafe: string | undefined;
      let rootMode: number | undefined;
      const extract = tar.extract(staging, {
        chown: false,
        strict: true, // devices, fifos, ... are errors
        ignore: (name, header) => {
          if (!header) return false;
          if (unsafeEntryName(header.name)) { unsafe ??= header.name; return true; }
          if (path.resolve(name) === staging && header.type === 'directory') rootMode = header.mode;
          return false;
        },
      });
      await pipeline(source, extract, { signal });
      if (unsafe !== undefined) throw new Error(`the copy holds an entry outside the volume: '${unsafe}'`);
      // Every dsb-fs copy starts with the volume's own directory; without it the stream was empty (a valid tar of
      // nothing is 1 KiB of zeros) or is not a volume copy, and loading it would leave an empty volume RUNNING.
      if (rootMode === undefined) throw new Error('the copy holds no volume: it is empty or not a dsb-fs copy');
      // tar-fs never touches the extraction root, which mkdir made with the process umask: give it the volume's mode.
      await chmod(staging, rootMode & 0o777 & ~process.umask());
      // Owned by the apps' user before it becomes visible. (chown also clears any setuid/setgid bit left; tar-fs
      // masks them on extract already.)
      await this.giveToOwner(staging);
      await rm(dir, { recursive: true, force: true }); // leftovers of an interrupted attempt
      await mkdir(this.volumes, { recursive: true });
      await rename(staging, dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
  }

  async discard(rec: InstanceRecord<FsInstance>): Promise<void> {
    await rm(this.staging(rec.instanceId), { recursive: true, force: true });
    await rm(rec.extra.dir, { recursive: true, force: true });
  }

  async remove(rec: InstanceRecord<FsInstance>): Promise<void> {
    await this.discard(rec);
  }

  async describe(rec: InstanceRecord<FsInstance>): Promise<InstanceView> {
    let size: number | undefined;
    if (rec.state === 'RUNNING') size = await treeSize(rec.extra.dir).catch(() => undefined);
    return { binding: { path: rec.extra.dir }, bindingPorts: [], storageType: 'fs', ...(size !== undefined ? { size } : {}) };
  }

  dump(rec: InstanceRecord<FsInstance>): DumpStream {
    // tar-fs takes an `fs` option its type declarations do not list.
    const stream = tar.pack(rec.extra.dir, { dereference: false, fs: copyFs(rec.extra.dir) } as tar.PackOptions);
    const succeeded = new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('error', (err) => reject(err instanceof OcopeaError ? err
        : new OcopeaError(500, 'internal', `tar of ${rec.extra.dir} failed: ${err.message}`, { cause: err })));
    });
    succeeded.catch(() => undefined);
    return { stream, succeeded, kill: () => stream.destroy() };
  }

  /** Hands `p` and everything below it (symlinks themselves, not their targets) to the configured owner. */
  private async giveToOwner(p: string): Promise<void> {
    const owner = this.opts.owner;
    if (!owner) return;
    const walk = async (q: string): Promise<void> => {
      const st = await lstat(q);
      if (st.isDirectory()) for (const e of await readdir(q)) await walk(path.join(q, e));
      if (st.isSymbolicLink()) await lchown(q, owner.uid, owner.gid);
      else await chown(q, owner.uid, owner.gid);
    };
    await walk(p);
  }

  private staging(instanceId: string): string {
    return path.join(this.tmp, instanceId);
  }
}
