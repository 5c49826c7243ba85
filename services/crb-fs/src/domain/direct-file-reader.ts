import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { AlignedBlockPool } from './aligned-block-pool';
import type { CopyReader } from './copy-reader';
import { DIRECT_BLOCKS_PER_STREAM, DIRECT_IO_ALIGN } from './direct-file-writer';
import { FileHandleReader } from './file-handle-reader';
import { isErrno } from './fs-util';
import { pumpFile } from './pump';

/**
 * Reads a data file with O_DIRECT into aligned blocks of the pool, read ahead while earlier ones are sent. Why:
 * direct reads skip the page-cache copy and, on this disk, read faster than buffered reads with readahead (dd: 1.5
 * vs 0.8-0.9 GB/s at 1 MiB). A filesystem that opens with O_DIRECT but refuses the reads (EINVAL before any byte
 * was sent) is read the ordinary way instead.
 */
export class DirectFileReader implements CopyReader {
  private closed = false;

  private constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
    private readonly pool: AlignedBlockPool,
    private readonly blocks: Buffer[],
  ) {}

  /**
   * Opens `file` for direct reads. Undefined when the pool has no blocks to spare or the filesystem refuses
   * O_DIRECT (EINVAL): the caller then reads it the ordinary way. Other failures (ENOENT) are thrown.
   */
  static async open(file: string, pool: AlignedBlockPool): Promise<DirectFileReader | undefined> {
    const blocks = pool.take(DIRECT_BLOCKS_PER_STREAM);
    if (!blocks) return undefined;
    let fh: FileHandle;
    try {
      fh = await fsp.open(file, constants.O_RDONLY | constants.O_DIRECT);
    } catch (err) {
      pool.give(blocks);
      if (isErrno(err, 'EINVAL')) return undefined; // the filesystem refuses O_DIRECT: no use for the blocks
      throw err;
    }
    return new DirectFileReader(fh, file, pool, blocks);
  }

  async size(): Promise<number> { return (await this.fh.stat()).size; }

  async pipeTo(dest: Writable, start: number, length: number): Promise<void> {
    const progress = { sent: 0 };
    try {
      await pumpFile(this.fh, start, length, dest, { buffers: this.blocks, align: DIRECT_IO_ALIGN, progress });
    } catch (err) {
      if (!isErrno(err, 'EINVAL') || progress.sent > 0 || dest.destroyed) throw err;
      const plain = await FileHandleReader.open(this.file);
      try { await plain.pipeTo(dest, start, length); } finally { await plain.close(); }
    }
  }

  /** Closes the file and gives the blocks back to the pool (pumpFile returns only once no read or write uses them). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
    this.pool.give(this.blocks);
  }
}
