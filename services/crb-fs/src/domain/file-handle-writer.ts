import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { SYNC_EVERY_BYTES, type PartWriter } from './part-writer';
import { ReceivedDigests, type Digests } from './received-digests';

/**
 * Writes an upload through the page cache (where direct I/O is not available or not wanted). Destroying it (pipeline
 * does on any failure) never closes the file, so `close()` runs once, after every write has settled.
 * Every `syncEveryBytes` (0: never) it starts an fdatasync in the background, so the disk flushes while more bytes arrive
 * instead of all at the end; `flush()` waits for it and fsyncs what is left.
 */
export class FileHandleWriter extends Writable implements PartWriter {
  /** Bytes received so far. */
  size = 0;
  private readonly hash = new ReceivedDigests();
  private sinceSync = 0;
  private syncing?: Promise<void>;
  private syncError?: unknown;

  constructor(private readonly fh: FileHandle, private readonly onBytes: (n: number) => void = () => undefined, private readonly syncEveryBytes = SYNC_EVERY_BYTES) {
    super({ highWaterMark: 512 * 1024 });
  }

  /** Digests of everything written (once finished). */
  digests(): Digests { return this.hash.result(); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.writeAll([chunk]).then(() => cb(), cb);
  }
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.writeAll(chunks.map((c) => c.chunk)).then(() => cb(), cb);
  }

  /** Waits for a background flush in progress (its failure is kept for `flush`). */
  async settled(): Promise<void> {
    await this.syncing;
  }

  /** Waits for the background flush, then fsyncs the file. */
  async flush(): Promise<void> {
    await this.syncing;
    if (this.syncError) throw this.syncError;
    await this.fh.sync();
  }

  /** Closes the file (FileHandle.close waits for operations still pending on it). */
  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }

  private async writeAll(bufs: Buffer[]): Promise<void> {
    if (this.syncError) throw this.syncError;
    // Start the write, then hash while the thread pool copies the same (unchanging) buffers into the file.
    let writing: Promise<{ bytesWritten: number }> = bufs.length === 1 ? this.fh.write(bufs[0]) : this.fh.writev(bufs);
    for (const b of bufs) { this.hash.update(b); this.size += b.length; this.onBytes(b.length); }
    let pending = bufs;
    while (pending.length) {
      const { bytesWritten } = await writing;
      if (bytesWritten === 0) throw new Error('write made no progress');
      pending = dropBytes(pending, bytesWritten);
      this.sinceSync += bytesWritten;
      if (pending.length) writing = pending.length === 1 ? this.fh.write(pending[0]) : this.fh.writev(pending);
    }
    if (this.syncEveryBytes > 0 && this.sinceSync >= this.syncEveryBytes && !this.syncing) {
      this.sinceSync = 0;
      this.syncing = this.fh.datasync().catch((err: unknown) => { this.syncError = err; }).finally(() => { this.syncing = undefined; });
    }
  }
}

/** The buffers left after the first `n` bytes were written (a short write). */
function dropBytes(bufs: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of bufs) {
    if (n >= b.length) { n -= b.length; continue; }
    out.push(n > 0 ? b.subarray(n) : b);
    n = 0;
  }
  return out;
}
