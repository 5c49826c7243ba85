import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { AlignedBlockPool } from './aligned-block-pool';
import { isErrno } from './fs-util';
import { SYNC_EVERY_BYTES, type PartWriter } from './part-writer';
import { ReceivedDigests, type Digests } from './received-digests';

/** Direct I/O starts and ends at multiples of this (any device's logical block size divides it). */
export const DIRECT_IO_ALIGN = 4096;
/** Blocks one upload (one filling while up to two are written) or one download (read ahead while sending) holds. */
export const DIRECT_BLOCKS_PER_STREAM = 3;

/**
 * Writes an upload into its `.part` file with O_DIRECT: the received bytes are copied into aligned 1 MiB blocks that
 * go from there straight to the device, bypassing the page cache.
 *
 * Why: on the 2-core machine the page-cache copy of buffered writes cost the CRB more CPU than SHA-256 did (perf:
 * copy_folio_from_iter_atomic 10 % of all samples during a DSB copy, sha256 7 %), and write-back after it was
 * slower than direct writes (dd on the same disk: 1 MiB direct writes ~1 GB/s, buffered + fdatasync ~0.5 GB/s).
 * The last bytes of the file (less than 4 KiB) are written through a second, buffered descriptor. Durability is
 * unchanged: `flush` fdatasyncs the file. A filesystem or memory that refuses a direct write (EINVAL) turns the
 * writer into a plain buffered one for the rest of the upload.
 *
 * Every `syncEveryBytes` written it starts an fdatasync in the background when the disk has time to spare (see
 * `maybeSync`), much as FileHandleWriter does. Direct writes skip the page cache but not the device's volatile write
 * cache, and the fdatasync at the end had to flush all of it: 0.5-0.6 s after 1 GB on the virtio disk this was built
 * on, 10-13 % of a DSB copy's time, during which nothing else ran. Flushed along the way (a stream that paused for a flush catches up from the socket's buffers), the last
 * fdatasync takes 6-30 ms: a paced 1 GB writer took 4.51-4.53 s in all instead of 4.98-5.06 s, and 1 GB DSB copies
 * alternating between two crb-fs took a median 4.9 s against 5.6 s (5 each; the machine swings ±15 %).
 */
export class DirectFileWriter extends Writable implements PartWriter {
  size = 0;
  private readonly hash = new ReceivedDigests();
  private readonly free: Buffer[];
  private block?: Buffer;
  private fill = 0;
  /** File position of the block being filled. */
  private offset = 0;
  private readonly running = new Set<Promise<void>>();
  private failure?: unknown;
  private waiter?: () => void;
  private direct = true;
  private buffered?: Promise<FileHandle>;
  private released = false;
  private sinceSync = 0;
  private syncing?: Promise<void>;

  private constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
    private readonly pool: AlignedBlockPool,
    private readonly blocks: Buffer[],
    private readonly onBytes: (n: number) => void,
    private readonly syncEveryBytes: number,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.free = [...blocks];
  }

  /**
   * Creates `file` (exclusively) for direct writes. Undefined when the pool has no blocks to spare or the filesystem
   * refuses O_DIRECT (EINVAL): the caller then writes it the ordinary way. `open` is for tests; `syncEveryBytes` 0
   * flushes only at the end.
   */
  static async create(
    file: string,
    pool: AlignedBlockPool,
    onBytes: (n: number) => void = () => undefined,
    open: (file: string, flags: number, mode: number) => Promise<FileHandle> = (f, flags, mode) => fsp.open(f, flags, mode),
    syncEveryBytes = SYNC_EVERY_BYTES,
  ): Promise<DirectFileWriter | undefined> {
    const blocks = pool.take(DIRECT_BLOCKS_PER_STREAM);
    if (!blocks) return undefined;
    let fh: FileHandle;
    try {
      fh = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT, 0o640);
    } catch (err) {
      pool.give(blocks);
      if (!isErrno(err, 'EINVAL')) throw err;
      // Linux checks O_DIRECT support after O_CREAT has made the file: remove it so the caller can create it anew
      // (the name is this upload's own, random temporary one).
      await fsp.rm(file, { force: true });
      return undefined;
    }
    return new DirectFileWriter(fh, file, pool, blocks, onBytes, syncEveryBytes);
  }

  /** Whether every write so far went direct (false once a direct write was refused). */
  get usesDirectIo(): boolean { return this.direct; }

  digests(): Digests { return this.hash.result(); }

  /**
   * Hashes and stages `chunk`. Synchronous while a block is free (the usual case): no promise per 64 KiB chunk, which
   * cost measurable CPU on the 2-core machine where the CRB shares the cores with pg_dump and the DSB.
   */
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.onBytes(chunk.length);
    this.stage(chunk, 0, cb);
  }

  async settled(): Promise<void> {
    while (this.running.size || this.syncing) await Promise.allSettled([...this.running, this.syncing]);
  }

  async flush(): Promise<void> {
    await this.settled();
    if (this.failure) throw this.failure;
    if (this.block && this.fill > 0) {
      const aligned = this.fill - (this.fill % DIRECT_IO_ALIGN);
      if (aligned > 0) await this.writeAt(this.block, 0, aligned, this.offset);
      if (aligned < this.fill) await this.writeBuffered(this.block, aligned, this.fill - aligned, this.offset + aligned);
    }
    // fdatasync is per file, not per descriptor: this covers the tail written through the buffered one too.
    if (this.buffered) await (await this.buffered).datasync();
    await this.fh.datasync();
  }

  /** Closes both descriptors and gives the blocks back to the pool (after `settled`). */
  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.settled();
    const buffered = this.buffered;
    this.buffered = undefined;
    await Promise.allSettled([buffered?.then((b) => b.close()), this.fh.close()]);
    this.pool.give(this.blocks);
  }

  /**
   * Copies `b` from `at` into blocks, submitting each one that fills, and calls `cb` once all of it is staged. When
   * every block is being written it parks (one waiter: a Writable hands over one chunk at a time) until a write
   * finishes, and reports the first write failure instead of going on.
   */
  private stage(b: Buffer, at: number, cb: (err?: Error | null) => void): void {
    while (at < b.length) {
      if (this.failure) { cb(this.failure as Error); return; }
      let block = this.block;
      if (!block) {
        block = this.free.pop();
        if (!block) {
          this.waiter = () => this.stage(b, at, cb);
          return;
        }
        this.block = block;
      }
      const n = b.copy(block, this.fill, at);
      this.fill += n;
      at += n;
      if (this.fill === block.length) this.submit(block);
    }
    cb();
  }

  /** Starts writing a full block at its place in the file; the block is free again once written. */
  private submit(block: Buffer): void {
    const position = this.offset;
    this.offset += block.length;
    this.block = undefined;
    this.fill = 0;
    const p: Promise<void> = this.writeAt(block, 0, block.length, position)
      .then(() => { this.sinceSync += block.length; })
      .catch((err: unknown) => { this.failure ??= err; })
      .finally(() => {
        this.free.push(block);
        this.running.delete(p);
        this.maybeSync();
        const wake = this.waiter;
        this.waiter = undefined;
        wake?.();
      });
    this.running.add(p);
  }

  /**
   * Starts a background fdatasync once `syncEveryBytes` reached the file since the last one, but only while no write
   * is in flight: the stream is then slower than the disk (a DSB copy paced by pg_dump), and the flush takes time
   * the disk had spare. An upload the disk itself holds back always has a write in flight and flushes at the end
   * only; flushing along the way cost such uploads ~15 % (bench:crb 282-332 MB/s against 349-432).
   */
  private maybeSync(): void {
    if (!(this.syncEveryBytes > 0) || this.sinceSync < this.syncEveryBytes || this.running.size > 0 || this.syncing || this.failure) return;
    this.sinceSync = 0;
    this.syncing = this.fh.datasync()
      .catch((err: unknown) => { this.failure ??= err; })
      .finally(() => { this.syncing = undefined; });
  }

  private async writeAt(buf: Buffer, from: number, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      if (!this.direct) { await this.writeBuffered(buf, from + done, length - done, position + done); return; }
      let n: number;
      try {
        n = (await this.fh.write(buf, from + done, length - done, position + done)).bytesWritten;
      } catch (err) {
        if (!isErrno(err, 'EINVAL')) throw err;
        this.direct = false; // refused (alignment or filesystem): the rest goes through the page cache
        continue;
      }
      if (n === 0) throw new Error('write made no progress');
      done += n;
    }
  }

  private async writeBuffered(buf: Buffer, from: number, length: number, position: number): Promise<void> {
    const fh = await (this.buffered ??= fsp.open(this.file, 'r+'));
    let done = 0;
    while (done < length) {
      const { bytesWritten } = await fh.write(buf, from + done, length - done, position + done);
      if (bytesWritten === 0) throw new Error('write made no progress');
      done += bytesWritten;
    }
  }
}
