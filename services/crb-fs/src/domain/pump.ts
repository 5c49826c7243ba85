import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

export interface PumpOptions {
  /**
   * The buffers to read into, reused once the destination has flushed them (default: 4 of 512 KiB). With `align`
   * they must be aligned for direct I/O (e.g. blocks of an `AlignedBlockPool`) and all of one size, a multiple of it.
   */
  buffers?: Buffer[];
  /** Read positions and sizes are multiples of this (direct I/O: 4096); default 1. */
  align?: number;
  /** Bytes handed to `dest` so far (lets the caller tell whether a failure happened before anything was sent). */
  progress?: { sent: number };
}

/**
 * Copies `length` bytes of `fh` from `start` into `dest` through a small fixed set of buffers that are reused once
 * the destination has flushed them: constant memory and no per-chunk allocation (so no garbage to wait for), with
 * up to `buffers` reads/writes in flight to overlap disk and socket. With `align` (a file opened with O_DIRECT) reads
 * start at the aligned position at or before `start` and read whole buffers; what lies outside the range is skipped.
 * Resolves when all was handed to `dest` and flushed; rejects when `dest` closes first (client gone), a read fails,
 * or the file is shorter than expected. Does not close `fh` or end `dest`. A failure after bytes were handed to
 * `dest` destroys it (a half-sent body cannot be repaired); either way it returns only once no write still uses one
 * of the buffers, so the caller may hand them to someone else.
 */
export async function pumpFile(fh: FileHandle, start: number, length: number, dest: Writable, opts: PumpOptions = {}): Promise<void> {
  const align = opts.align ?? 1;
  const free: Buffer[] = opts.buffers ? [...opts.buffers] : Array.from({ length: 4 }, () => Buffer.allocUnsafe(512 * 1024));
  const progress = opts.progress ?? { sent: 0 };
  /** Reads started, in file order: with several buffers free, the next ones are read while this one is sent. */
  const reads: { buf: Buffer; pos: number; want: number; done: Promise<number> }[] = [];
  let writing = 0; // buffers handed to dest and not yet called back
  let waiter: (() => void) | undefined;
  let failure: Error | undefined;
  const wake = () => { const w = waiter; waiter = undefined; w?.(); };
  const onClose = () => { if (!dest.writableFinished) { failure ??= new Error('the receiver closed before the end'); wake(); } };
  const onError = (err: Error) => { failure ??= err; wake(); };
  dest.on('close', onClose);
  dest.on('error', onError);
  try {
    const end = start + length;
    let cur = start; // next byte to send
    let next = start - (start % align); // next byte to read
    while (cur < end) {
      // Keep every free buffer reading ahead (direct reads have no kernel readahead: this is ours).
      while (free.length && next < end && !failure) {
        const buf = free.pop()!;
        // Aligned reads take whole buffers (a read past the end of the file just comes back short).
        const want = align > 1 ? buf.length : Math.min(buf.length, end - next);
        const done = fh.read(buf, 0, want, next).then((r) => r.bytesRead);
        done.catch(() => undefined); // observed below, in order
        reads.push({ buf, pos: next, want, done });
        next += want;
      }
      if (failure) throw failure;
      const head = reads.shift();
      if (!head) { await new Promise<void>((r) => { waiter = r; }); continue; }
      let bytesRead: number;
      try {
        bytesRead = await head.done;
      } catch (err) {
        free.push(head.buf);
        throw err;
      }
      const skip = cur - head.pos;
      const usable = Math.min(bytesRead - skip, end - cur);
      if (usable <= 0 || failure || (bytesRead < head.want && head.pos + bytesRead < end)) {
        free.push(head.buf);
        throw failure ?? new Error(`file ended ${end - (head.pos + Math.max(bytesRead, 0))} bytes early`);
      }
      const chunk = skip === 0 && usable === head.buf.length ? head.buf : head.buf.subarray(skip, skip + usable);
      cur += usable;
      progress.sent += usable;
      writing++;
      const buf = head.buf;
      dest.write(chunk, (err) => {
        if (err) { failure ??= err; }
        writing--;
        free.push(buf);
        wake();
      });
    }
    while (writing > 0 && !failure) await new Promise<void>((r) => { waiter = r; });
    if (failure) throw failure;
  } catch (err) {
    if (progress.sent > 0 && !dest.destroyed) dest.destroy(); // cut without an error event: the rejection reports it
    // Reads still running write into their buffers, and a destroyed stream calls back every write it still held
    // (with an error): wait for both before the buffers may go to anyone else.
    await Promise.allSettled(reads.map((r) => r.done));
    while (writing > 0) await new Promise<void>((r) => { waiter = r; });
    throw err;
  } finally {
    dest.off('close', onClose);
    dest.off('error', onError);
  }
}
