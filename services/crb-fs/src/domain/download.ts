import type { Writable } from 'node:stream';
import { NotFoundError, OcopeaError, RangeNotSatisfiableError } from '@ocopea/errors';
import type { AlignedBlockPool } from './aligned-block-pool';
import type { CopyReader } from './copy-reader';
import type { CopyRecords } from './copy-records';
import { DirectFileReader } from './direct-file-reader';
import { FileHandleReader } from './file-handle-reader';
import { isErrno, pathInside } from './fs-util';
import { parseRange, type ByteRange } from './range';

/** An opened copy ready to stream: the whole or a range. */
export interface OpenedCopy {
  size: number;
  sha256: string;
  crc32?: string;
  range?: ByteRange;
  /** Bytes this answer carries. */
  length: number;
  /** Streams the bytes into `dest` (not ended) and closes the file. */
  pipeTo(dest: Writable): Promise<void>;
  /** Closes the file without reading (e.g. nothing to send). */
  close(): Promise<void>;
}

/**
 * Opens `file` for reading: with O_DIRECT into the pool's aligned blocks when it has some to spare and the
 * filesystem allows it, else through the page cache.
 */
export async function openCopyReader(file: string, blockPool?: AlignedBlockPool): Promise<CopyReader> {
  return (blockPool && await DirectFileReader.open(file, blockPool)) || FileHandleReader.open(file);
}

/**
 * Opens a landed copy for reading, whole or one range (`Range` header value). 404 unknown / no data; 416 (with
 * `details.size`) when the range starts past the end; 500 `data_damaged` when the data file is not the size
 * recorded. The caller must `pipeTo` or `close` it.
 */
export async function openCopyData(records: CopyRecords, blockPool: AlignedBlockPool | undefined, copyId: string, rangeHeader?: string): Promise<OpenedCopy> {
  const data = records.landed(copyId);
  const range = parseRange(rangeHeader, data.size);
  if (range === 'unsatisfiable') {
    throw new RangeNotSatisfiableError(`range ${rangeHeader} is past the end (${data.size} bytes)`, { details: { size: data.size } });
  }
  let reader: CopyReader;
  try {
    reader = await openCopyReader(pathInside(records.layout.data, copyId), blockPool);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new NotFoundError(`copy '${copyId}' has no data`);
    throw err;
  }
  // A data file of another size than the one recorded at the commit point is damaged (truncated or overwritten
  // outside crb-fs): say so before any header goes out, instead of promising data.size bytes and cutting the
  // connection where the file ends.
  let actual: number;
  try { actual = await reader.size(); } catch (err) { await reader.close(); throw err; }
  if (actual !== data.size) {
    await reader.close();
    throw new OcopeaError(500, 'data_damaged', `data of copy '${copyId}' is damaged: its file holds ${actual} bytes where ${data.size} were stored`);
  }
  const start = range?.start ?? 0;
  const length = range ? range.end - range.start + 1 : data.size;
  return {
    size: data.size, sha256: data.sha256, crc32: data.crc32, range, length,
    close: () => reader.close(),
    pipeTo: async (dest) => {
      try { await reader.pipeTo(dest, start, length); } finally { await reader.close(); }
    },
  };
}
