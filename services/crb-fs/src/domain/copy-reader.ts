import type { Writable } from 'node:stream';

/**
 * Where a download's bytes come from: a landed copy's data file, opened for reading, the counterpart of `PartWriter`
 * for uploads. `DirectFileReader` reads with O_DIRECT into aligned blocks, `FileHandleReader` through the page cache;
 * `openCopyReader` picks one.
 */
export interface CopyReader {
  /** The file's size as it is on disk now. */
  size(): Promise<number>;
  /**
   * Streams `length` bytes from `start` into `dest` (not ended), with backpressure and in constant memory. Rejects
   * when `dest` closes first, a read fails or the file is shorter; a failure after bytes were sent destroys `dest`.
   */
  pipeTo(dest: Writable, start: number, length: number): Promise<void>;
  /** Closes the file and releases what the reader holds (idempotent). */
  close(): Promise<void>;
}
