import type { Writable } from 'node:stream';
import type { Digests } from './received-digests';

/** Bytes an upload writes between two background fdatasyncs unless told otherwise (OCOPEA_CRB_SYNC_EVERY_MB). */
export const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * Where an upload's bytes go: a Writable into the temporary `.part` file that hashes and counts on the way.
 * Destroying it never closes the file: once the stream finished (or failed), the owner calls `settled()`, then on
 * success `flush()` (everything durable on disk), and in any case `close()`.
 */
export interface PartWriter extends Writable {
  /** Bytes received so far. */
  readonly size: number;
  /** SHA-256 and CRC-32 of everything written (once finished). */
  digests(): Digests;
  /** Waits until no write or flush started by the writer is still running (their failures are kept for `flush`). */
  settled(): Promise<void>;
  /** Writes what is still held back, then makes the whole file durable (fsync); throws the first write failure. */
  flush(): Promise<void>;
  /** Closes the file and releases what the writer holds; call once, after `settled()`. */
  close(): Promise<void>;
}
