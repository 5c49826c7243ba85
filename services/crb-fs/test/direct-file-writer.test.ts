// Unit tests of the O_DIRECT upload writer on the real filesystem of the temp dir: every size around the block and
// alignment edges lands byte for byte with the right digest, blocks go back to the pool, and a refused direct write
// falls back to buffered writes without losing a byte.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { AlignedBlockPool } from '../src/domain/aligned-block-pool';
import { DIRECT_BLOCKS_PER_STREAM, DirectFileWriter } from '../src/domain/direct-file-writer';

/** The digests computed independently (node's own crypto and zlib). */
const digestsOf = (data: Buffer) => ({ sha256: createHash('sha256').update(data).digest('hex'), crc32: crc32(data).toString(16).padStart(8, '0') });

const MiB = 1024 * 1024;

/** `data` cut into pieces of pseudo-random sizes (1 byte to 200 KiB), as sockets hand them over. */
function pieces(data: Buffer, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed;
  for (let at = 0; at < data.length;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = Math.min(data.length - at, 1 + (x % (200 * 1024)));
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

async function writeThrough(writer: DirectFileWriter, data: Buffer, seed: number): Promise<void> {
  try {
    await pipeline(Readable.from(pieces(data, seed)), writer);
    await writer.flush();
  } finally {
    await writer.settled();
    await writer.close();
  }
}

describe('DirectFileWriter', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'crb-direct-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([0, 1, 4095, 4096, 4097, MiB - 1, MiB, MiB + 1, 3 * MiB + 4096, 5 * MiB + 12345])('lands %i bytes whole, with their SHA-256', async (size) => {
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const file = path.join(dir, `f${size}.part`);
    const writer = await DirectFileWriter.create(file, pool);
    if (!writer) throw new Error(`the filesystem of ${dir} refused O_DIRECT: these tests need one that takes it (ext4, xfs, ...)`);
    const data = randomBytes(size);
    await writeThrough(writer, data, size + 7);
    expect(writer.usesDirectIo).toBe(true);
    expect(writer.size).toBe(size);
    expect(writer.digests()).toEqual(digestsOf(data));
    expect(readFileSync(file).equals(data)).toBe(true);
    expect(pool.available).toBe(DIRECT_BLOCKS_PER_STREAM);
  });

  it('holds its blocks while open: an upload that finds the pool empty gets none (and writes the ordinary way)', async () => {
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const first = await DirectFileWriter.create(path.join(dir, 'a.part'), pool);
    expect(first).toBeDefined();
    expect(await DirectFileWriter.create(path.join(dir, 'b.part'), pool)).toBeUndefined();
    await first!.close();
    const again = await DirectFileWriter.create(path.join(dir, 'c.part'), pool);
    expect(again).toBeDefined();
    await again!.close();
  });

  it('creates the file exclusively and gives the blocks back when it cannot', async () => {
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const file = path.join(dir, 'taken.part');
    const w = await DirectFileWriter.create(file, pool);
    await w!.close();
    await expect(DirectFileWriter.create(file, pool)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(pool.available).toBe(DIRECT_BLOCKS_PER_STREAM);
  });

  it('leaves no file behind when the filesystem refuses O_DIRECT at open, so the upload can create it anew', async () => {
    // What Linux does on such a filesystem (ramfs, some FUSE and network filesystems): O_CREAT makes the file, then
    // the O_DIRECT check answers EINVAL.
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const file = path.join(dir, 'refused.part');
    const refusing = async (f: string) => {
      writeFileSync(f, '');
      throw Object.assign(new Error('EINVAL: invalid argument, open'), { code: 'EINVAL' });
    };
    expect(await DirectFileWriter.create(file, pool, undefined, refusing)).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    expect(pool.available).toBe(DIRECT_BLOCKS_PER_STREAM);
  });

  it('falls back to buffered writes when a direct write is refused, losing nothing', async () => {
    // Blocks that are deliberately misaligned (offset 16 in ordinary memory): the kernel answers EINVAL.
    const blocks = () => Array.from({ length: DIRECT_BLOCKS_PER_STREAM }, () => Buffer.alloc(AlignedBlockPool.BLOCK + 16).subarray(16));
    let given = 0;
    const pool = { take: () => blocks(), give: (b: Buffer[]) => { given += b.length; } } as unknown as AlignedBlockPool;
    const file = path.join(dir, 'fallback.part');
    const writer = await DirectFileWriter.create(file, pool);
    const data = randomBytes(2 * MiB + 333);
    await writeThrough(writer!, data, 3);
    expect(writer!.usesDirectIo).toBe(false);
    expect(readFileSync(file).equals(data)).toBe(true);
    expect(writer!.digests()).toEqual(digestsOf(data));
    expect(given).toBe(DIRECT_BLOCKS_PER_STREAM);
  });

  it('stops at the first failed write, even while it waits for a block, and gives every block back', async () => {
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const file = path.join(dir, 'nospace.part');
    let writes = 0;
    // A disk that takes the first block slowly and then is full: every block is in flight when the failure comes.
    const open = async (f: string, flags: number, mode: number) => {
      const { promises: fsp } = await import('node:fs');
      const fh = await fsp.open(f, flags, mode);
      const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
      (fh as unknown as { write: unknown }).write = async (...a: unknown[]) => {
        await new Promise((r) => setTimeout(r, 30));
        if (++writes > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return write(...a);
      };
      return fh;
    };
    const writer = await DirectFileWriter.create(file, pool, undefined, open);
    const data = randomBytes(8 * MiB);
    await expect(writeThrough(writer!, data, 11)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(pool.available).toBe(DIRECT_BLOCKS_PER_STREAM);
  });

  /** An `open` whose handles count fdatasyncs, can fail them, and can make every write take `writeMs`. */
  function countingOpen(o: { failSync?: boolean; writeMs?: number } = {}) {
    const seen = { syncs: 0 };
    const open = async (f: string, flags: number, mode: number) => {
      const { promises: fsp } = await import('node:fs');
      const fh = await fsp.open(f, flags, mode);
      const datasync = fh.datasync.bind(fh);
      (fh as unknown as { datasync: unknown }).datasync = async () => {
        seen.syncs++;
        if (o.failSync) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        return datasync();
      };
      if (o.writeMs) {
        const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
        (fh as unknown as { write: unknown }).write = async (...a: unknown[]) => {
          await new Promise((r) => setTimeout(r, o.writeMs));
          return write(...a);
        };
      }
      return fh;
    };
    return { seen, open };
  }

  /** `data` in 256 KiB pieces, `ms` apart: a stream slower than the disk (a DSB copy paced by pg_dump). */
  async function* paced(data: Buffer, ms: number) {
    for (let at = 0; at < data.length; at += 256 * 1024) {
      await new Promise((r) => setTimeout(r, ms));
      yield data.subarray(at, at + 256 * 1024);
    }
  }

  it('flushes the device cache along the way when the stream is slower than the disk, and once more at the end', async () => {
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const file = path.join(dir, 'synced.part');
    const { seen, open } = countingOpen();
    const writer = (await DirectFileWriter.create(file, pool, undefined, open, 2 * MiB))!;
    const data = randomBytes(9 * MiB + 5);
    await pipeline(Readable.from(paced(data, 2)), writer);
    await writer.settled();
    const along = seen.syncs;
    await writer.flush();
    await writer.close();
    // 9 full blocks, a flush due every 2 MiB written: 4 unless one was still running when the next fell due
    expect(along).toBeGreaterThanOrEqual(2);
    expect(along).toBeLessThanOrEqual(4);
    expect(seen.syncs).toBe(along + 1);
    expect(readFileSync(file).equals(data)).toBe(true);
  });

  it('leaves an upload the disk holds back alone: no flush while a write is in flight', async () => {
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const { seen, open } = countingOpen({ writeMs: 15 }); // every write slow: the next block is always waiting
    const writer = (await DirectFileWriter.create(path.join(dir, 'busy.part'), pool, undefined, open, MiB))!;
    const data = randomBytes(8 * MiB);
    await writeThrough(writer, data, 17);
    // 8 flushes would fall due; only the last block, finishing with nothing behind it, may start one before flush()'s
    expect(seen.syncs).toBeLessThanOrEqual(2);
    expect(readFileSync(path.join(dir, 'busy.part')).equals(data)).toBe(true);
  });

  it('flushes only at the end with syncEveryBytes 0', async () => {
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const { seen, open } = countingOpen();
    const writer = (await DirectFileWriter.create(path.join(dir, 'end.part'), pool, undefined, open, 0))!;
    await writeThrough(writer, randomBytes(6 * MiB), 9);
    expect(seen.syncs).toBe(1);
  });

  it('fails the upload when a background flush fails, and gives every block back', async () => {
    const pool = new AlignedBlockPool(DIRECT_BLOCKS_PER_STREAM);
    const { open } = countingOpen({ failSync: true });
    const writer = (await DirectFileWriter.create(path.join(dir, 'eio.part'), pool, undefined, open, MiB))!;
    const fed = pipeline(Readable.from(paced(randomBytes(8 * MiB), 2)), writer).then(() => writer.flush());
    await expect(fed.finally(async () => { await writer.settled(); await writer.close(); })).rejects.toMatchObject({ code: 'EIO' });
    expect(pool.available).toBe(DIRECT_BLOCKS_PER_STREAM);
  });
});
