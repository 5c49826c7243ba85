// copyFs is what tar-fs packs a volume through; FsBackend.create is the restore. Both run here on real directories.
import nodeFs, { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-fs';
import { ConflictError } from '@ocopea/errors';
import type { InstanceRecord } from '@ocopea/dsb-common';
import { copyFs, type PackFs } from '../src/domain/copy-fs';
import { FsBackend, type FsInstance } from '../src/domain/fs-backend';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'dsb-fs-copy-'));

/** Packs `dir` through `fs`; resolves with the entry names, rejects with the pack's error. */
function packNames(dir: string, fs: PackFs | undefined): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract(tmp(), { ignore: (_n, h) => { if (h) names.push(h.name); return true; } });
  const pack = tar.pack(dir, (fs ? { fs } : {}) as tar.PackOptions);
  return new Promise((resolve, reject) => {
    pack.on('error', reject);
    extract.on('error', reject); // the pack's error, passed on by pipe
    extract.on('finish', () => resolve(names));
    pack.pipe(extract);
  });
}

/** A volume of 20 files, and a copyFs-like fs that deletes `f7` right after the first directory listing. */
function volumeLosingAFile(base: (root: string) => PackFs | undefined): { dir: string; fs: PackFs } {
  const dir = tmp();
  for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `f${i}`), `file ${i}`);
  const inner = base(dir) ?? (nodeFs as unknown as PackFs);
  let listed = false;
  const fs: PackFs = {
    ...inner,
    readdir: (p, cb) => inner.readdir(p, (err, names) => {
      if (!listed) { listed = true; unlinkSync(path.join(dir, 'f7')); }
      cb(err, names);
    }),
  };
  return { dir, fs };
}

describe('copyFs', () => {
  it('fails the copy (409) when a file vanishes mid-copy; plain tar-fs would end the archive there as if complete', async () => {
    const plain = volumeLosingAFile(() => undefined);
    const names = await packNames(plain.dir, plain.fs);
    expect(names.length).toBeLessThan(20); // the silent truncation copyFs exists for

    const guarded = volumeLosingAFile(copyFs);
    const err = await packNames(guarded.dir, guarded.fs).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe("the volume cannot be copied: 'f7' was removed while the copy ran; copy again");
  });

  it('passes an ordinary volume through unchanged', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'a/b'), { recursive: true });
    writeFileSync(path.join(dir, 'a/b/c.txt'), 'c');
    writeFileSync(path.join(dir, 'ünïcode ✓'), 'u');
    const [plain, guarded] = await Promise.all([packNames(dir, undefined), packNames(dir, copyFs(dir))]);
    expect(guarded).toEqual(plain);
    expect(guarded).toEqual(expect.arrayContaining(['a/b/c.txt', 'ünïcode ✓']));
  });
});

describe('FsBackend restore staging', () => {
  const rec = (root: string): InstanceRecord<FsInstance> => ({
    instanceId: 'v1', plan: 'standard', settings: {}, state: 'CREATING', stateMessage: null, createdAt: 1, restore: null,
    extra: { dir: path.join(root, 'volumes', 'v1') },
  });

  it('a restore redone after a crash starts from a clean staging directory; removing the instance clears it', async () => {
    const src = tmp();
    writeFileSync(path.join(src, 'data.txt'), 'data');
    const root = tmp();
    const backend = new FsBackend(root);
    const leftover = path.join(root, 'tmp', 'v1');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(path.join(leftover, 'half-written.bin'), 'junk of the attempt that died');

    await backend.create(rec(root), async () => tar.pack(src), new AbortController().signal);
    const vol = rec(root).extra.dir;
    expect(readFileSync(path.join(vol, 'data.txt'), 'utf8')).toBe('data');
    expect(existsSync(path.join(vol, 'half-written.bin'))).toBe(false);
    expect(existsSync(leftover)).toBe(false);

    mkdirSync(leftover, { recursive: true }); // as a crash mid-restore leaves it
    await backend.remove(rec(root));
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(vol)).toBe(false);
    rmSync(root, { recursive: true, force: true });
  });

  it('a failed restore leaves neither a volume nor its staging directory', async () => {
    const root = tmp();
    const backend = new FsBackend(root);
    await expect(backend.create(rec(root), async () => Readable.from([Buffer.alloc(1024)]), new AbortController().signal)).rejects.toThrow(/holds no volume/);
    expect(existsSync(rec(root).extra.dir)).toBe(false);
    expect(existsSync(path.join(root, 'tmp', 'v1'))).toBe(false);
  });
});
