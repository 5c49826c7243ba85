import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { CopyReader } from './copy-reader';
import { pumpFile } from './pump';

/** Reads a data file through the page cache (where direct I/O is not available or not wanted). */
export class FileHandleReader implements CopyReader {
  private closed = false;

  private constructor(private readonly fh: FileHandle) {}

  static async open(file: string): Promise<FileHandleReader> {
    return new FileHandleReader(await fsp.open(file, 'r'));
  }

  async size(): Promise<number> { return (await this.fh.stat()).size; }

  pipeTo(dest: Writable, start: number, length: number): Promise<void> {
    return pumpFile(this.fh, start, length, dest);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
  }
}
