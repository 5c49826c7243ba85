// Volume ownership (DSB_FS_VOLUME_OWNER), the volume marker, and what a restore refuses or strips. On real directories.
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import type { InstanceRecord } from '@ocopea/dsb-common';
import { FsBackend, VOLUME_ROOT_MARKER, type FsInstance } from '../src/domain/fs-backend';
import { resolveVolumeOwner } from '../src/domain/volume-owner';

const asRoot = process.getuid?.() === 0;
const OWNER = { uid: 54321, gid: 54322 };
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'dsb-fs-owner-'));
const rec = (root: string, id = 'v1'): InstanceRecord<FsInstance> => ({
  instanceId: id, plan: 'standard', settings: {}, state: 'CREATING', stateMessage: null, createdAt: 1, restore: null,
  extra: { dir: path.join(root, 'volumes', id) },
});

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'character-device' | 'fifo'; mode?: number; body?: string; linkname?: string };
function tarOf(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? 'file', mode: e.mode, linkname: e.linkname, devmajor: 1, devminor: 3 };
    if (header.type === 'file') p.entry(header, e.body ?? ''); else p.entry(header);
  }
  p.finalize();
  return new Promise((resolve, reject) => { const c: Buffer[] = []; p.on('data', (d) => c.push(d as Buffer)); p.on('end', () => resolve(Buffer.concat(c))); p.on('error', reject); });
}
const restore = async (backend: FsBackend, root: string, id: string, entries: Entry[]) => {
  const bytes = await tarOf(entries);
  await backend.create(rec(root, id), async () => Readable.from([bytes]), new AbortController().signal);
  return rec(root, id).extra.dir;
};

/** Every path under `dir` (itself included) with its owner. */
function owners(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string) => {
    const st = lstatSync(p);
    out[path.relative(dir, p) || '.'] = `${st.uid}:${st.gid}`;
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
  return out;
}

describe('dsb-fs volume root', () => {
  it('keeps the volume marker at the root of its volumes (what psb-process refuses to run from)', async () => {
    const root = tmp();
    const backend = new FsBackend(root);
    backend.prepareRoot();
    expect(existsSync(path.join(root, 'volumes', VOLUME_ROOT_MARKER))).toBe(true);
    rmSync(path.join(root, 'volumes', VOLUME_ROOT_MARKER));
    await backend.create(rec(root), undefined, new AbortController().signal); // put back before any create
    expect(existsSync(path.join(root, 'volumes', VOLUME_ROOT_MARKER))).toBe(true);
    rmSync(root, { recursive: true, force: true });
  });
});

(asRoot ? describe : describe.skip)('DSB_FS_VOLUME_OWNER (as root)', () => {
  const root = tmp();
  const backend = new FsBackend(root, { owner: OWNER });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives the data directory and volumes/ the owner group, mode 0710; tmp/ stays private', () => {
    backend.prepareRoot();
    for (const d of [root, path.join(root, 'volumes')]) {
      const st = statSync(d);
      expect({ d, gid: st.gid, mode: st.mode & 0o7777 }).toEqual({ d, gid: OWNER.gid, mode: 0o710 });
    }
    expect(statSync(path.join(root, 'tmp')).gid).toBe(0);
  });

  it('hands a new volume to the owner', async () => {
    await backend.create(rec(root, 'fresh'), undefined, new AbortController().signal);
    expect(owners(rec(root, 'fresh').extra.dir)).toEqual({ '.': `${OWNER.uid}:${OWNER.gid}` });
  });

  it('hands a restored volume to the owner, every entry of it, symlinks included', async () => {
    const dir = await restore(backend, root, 'restored', [
      { name: '.', type: 'directory', mode: 0o750 }, { name: 'sub', type: 'directory', mode: 0o755 },
      { name: 'sub/a.txt', body: 'a', mode: 0o644 }, { name: 'link', type: 'symlink', linkname: 'sub/a.txt' },
    ]);
    const own = owners(dir);
    expect(Object.keys(own).sort()).toEqual(['.', 'link', 'sub', 'sub/a.txt']);
    for (const [p, o] of Object.entries(own)) expect({ p, o }).toEqual({ p, o: `${OWNER.uid}:${OWNER.gid}` });
    expect(statSync(dir).mode & 0o777).toBe(0o750 & ~process.umask());
  });

  it('strips setuid/setgid bits from restored files and refuses device nodes and fifos (nothing left behind)', async () => {
    const dir = await restore(backend, root, 'suid', [
      { name: '.', type: 'directory', mode: 0o755 }, { name: 'sh', body: '#!/bin/sh\nid\n', mode: 0o6755 }, { name: 'd', type: 'directory', mode: 0o2775 },
    ]);
    expect(statSync(path.join(dir, 'sh')).mode & 0o7000).toBe(0);
    expect(statSync(path.join(dir, 'd')).mode & 0o7000).toBe(0);
    for (const type of ['character-device', 'fifo'] as const) {
      await expect(restore(backend, root, `dev-${type}`, [{ name: '.', type: 'directory', mode: 0o755 }, { name: 'null', type }])).rejects.toThrow();
      expect(existsSync(rec(root, `dev-${type}`).extra.dir)).toBe(false);
    }
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('tells which directory on the way to the volumes the owner cannot pass', () => {
    expect(backend.unreachableByOwner()).toBeUndefined();
    const parent = tmp();
    chmodSync(parent, 0o755);
    const locked = path.join(parent, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    const inner = new FsBackend(path.join(locked, 'dsb'), { owner: OWNER });
    inner.prepareRoot();
    expect(inner.unreachableByOwner()).toBe(locked);
    rmSync(parent, { recursive: true, force: true });
  });
});

describe('resolveVolumeOwner', () => {
  const lookup = {
    id: (flag: '-u' | '-g', user: string) => (user === 'app' || user === '1000' ? (flag === '-u' ? 1000 : 1001) : undefined),
    group: (name: string) => (name === 'staff' ? 50 : undefined),
  };
  it('takes user, uid, user:group and uid:gid', () => {
    expect(resolveVolumeOwner('app', lookup)).toEqual({ spec: 'app', uid: 1000, gid: 1001 });
    expect(resolveVolumeOwner('app:staff', lookup)).toMatchObject({ uid: 1000, gid: 50 });
    expect(resolveVolumeOwner('1000', lookup)).toMatchObject({ uid: 1000, gid: 1001 });
    expect(resolveVolumeOwner('4242:4343', lookup)).toMatchObject({ uid: 4242, gid: 4343 });
    expect(resolveVolumeOwner('4242', lookup)).toMatchObject({ uid: 4242, gid: 4242 });
  });
  it('refuses what does not resolve', () => {
    expect(() => resolveVolumeOwner('ghost', lookup)).toThrow(/no user 'ghost'/);
    expect(() => resolveVolumeOwner('app:ghosts', lookup)).toThrow(/no group 'ghosts'/);
    expect(() => resolveVolumeOwner('a:b:c', lookup)).toThrow(/is not 'user'/);
  });
  it('resolves nobody through the name service', () => {
    expect(resolveVolumeOwner('nobody').uid).toBeGreaterThan(0);
  });
});
