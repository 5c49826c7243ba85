import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/**
 * Copies `length` bytes of `fh` from `start` into `dest` through a small fixed pool of buffers that are reused once
 * the destination has flushed them: constant memory and no per-chunk allocation (so no garbage to wait for), with
 * up to `buffers` reads/writes in flight to overlap disk and socket. Resolves when all was handed to `dest` and
 * flushed; rejects when `dest` closes first (client gone) or a read fails. Does not close `fh` or end `dest`.
 */
export async function pumpFile(fh: FileHandle, start: number, length: number, dest: Writable, bufferSize = 512 * 1024, buffers = 4): Promise<void> {
  const free: Buffer[] = Array.from({ length: buffers }, () => Buffer.allocUnsafe(bufferSize));
  let waiter: (() => void) | undefined;
  let failure: Error | undefined;
  const wake = () => { const w = waiter; waiter = undefined; w?.(); };
  const onClose = () => { if (!dest.writableFinished) { failure ??= new Error('the receiver closed before the end'); wake(); } };
  const onError = (err: Error) => { failure ??= err; wake(); };
  dest.on('close', onClose);
  dest.on('error', onError);
  try {
    let pos = start;
    const end = start + length;
    while (pos < end) {
      while (!free.length && !failure) await new Promise<void>((r) => { waiter = r; });
      if (failure) throw failure;
      const buf = free.pop()!;
      const want = Math.min(bufferSize, end - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) throw new Error(`file ended ${end - pos} bytes early`);
      pos += bytesRead;
      if (failure) throw failure;
      dest.write(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead), (err) => {
        if (err) { failure ??= err; }
        free.push(buf);
        wake();
      });
    }
    while (free.length < buffers && !failure) await new Promise<void>((r) => { waiter = r; });
    if (failure) throw failure;
  } finally {
    dest.off('close', onClose);
    dest.off('error', onError);
  }
}
