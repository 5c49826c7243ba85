import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { COPY_DATA_PATHS, COPY_PROTOCOL, COPY_PROTOCOL_VERSION, EXPECTED_DIGEST_HEADERS, headerDisplayName, isHexDigest } from '@ocopea/api';
import { BadRequestError, ConflictError, InsufficientStorageError, OcopeaError } from '@ocopea/errors';
import type { AlignedBlockPool } from './aligned-block-pool';
import type { CopyMetadata, CopyRecords } from './copy-records';
import { DirectFileWriter } from './direct-file-writer';
import { FileHandleWriter } from './file-handle-writer';
import { fsyncDir, isErrno, pathInside, randomName, removeDurably } from './fs-util';
import { assertSafeId } from './ids';
import { SYNC_EVERY_BYTES, type PartWriter } from './part-writer';
import type { Digests } from './received-digests';

/** Hints an uploading DSB may send, used when the CRB has to create the metadata itself. */
export interface UploadHints { dsb?: string; copyTimestamp?: string; facility?: string }

export interface StoreDataOptions {
  /** URL the CRB is reached at (`http://host:port/crb`): used for `copyDataURL`. */
  crbUrl: string;
  /**
   * Digests the uploader announced up front (headers; hex, any case): 400 when malformed, and refused (keeping
   * nothing) when the received bytes digest differently.
   */
  expected?: Partial<Digests>;
  /**
   * Digests the uploader sends after the bytes (HTTP trailers): asked once the body ended, checked the same way. May
   * throw (e.g. a `BadRequestError` for a trailer announced but not sent, or malformed): the upload is then refused.
   */
  expectedAtEnd?: () => Partial<Digests>;
  hints?: UploadHints;
}

export interface StoredData { copyId: string; repoId: string; size: number; sha256: string; crc32: string }

export interface UploadSettings {
  /** Opens the temporary file of a buffered upload (tests inject a failing one to simulate a full disk). */
  openPartFile?: (file: string) => Promise<FileHandle>;
  /** Aligned blocks for O_DIRECT writes (`DirectFileWriter`); without them, or none to spare, the page cache. */
  blockPool?: AlignedBlockPool;
  /** Told of every byte an upload receives (the process's stream reclaimer). */
  onBytes?: (bytes: number) => void;
  /** Bytes an upload writes between two background fdatasyncs (default 32 MiB; 0 = only the one at the end). */
  syncEveryBytes?: number;
}

/** 9999-12-31T23:59:59.999Z, the last instant RFC 3339 can write. */
const MAX_RFC3339_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

interface Inflight { repoId: string; abort: AbortController; done: Promise<unknown> }

/**
 * The uploads of a repository root: each streams into `tmp/x.part` (hashed while streaming) → fsync → rename to
 * `data/<copyId>` → fsync `data/` → copy record written atomically (the commit point) → reservation released. A crash
 * before the commit point leaves a data file without a landed record, which start-up deletes.
 */
export class CopyUploads {
  private readonly inflight = new Map<string, Inflight>();
  private readonly openPartFile: (file: string) => Promise<FileHandle>;
  private readonly onBytes: (bytes: number) => void;
  private readonly syncEveryBytes: number;

  constructor(private readonly records: CopyRecords, private readonly settings: UploadSettings = {}) {
    this.openPartFile = settings.openPartFile ?? ((file) => fsp.open(file, 'wx', 0o640));
    this.onBytes = settings.onBytes ?? (() => undefined);
    this.syncEveryBytes = settings.syncEveryBytes ?? SYNC_EVERY_BYTES;
  }

  /** Uploads under way. */
  get count(): number { return this.inflight.size; }

  /** Whether an upload into `repoId` is under way. */
  into(repoId: string): boolean {
    return [...this.inflight.values()].some((u) => u.repoId === repoId);
  }

  /** Aborts the upload of `copyId` under way, if any, with `reason`; resolves once it is over (true if there was one). */
  async abort(copyId: string, reason: OcopeaError): Promise<boolean> {
    const up = this.inflight.get(copyId);
    if (!up) return false;
    up.abort.abort(reason);
    await up.done.catch(() => undefined);
    return true;
  }

  /**
   * Streams `body` into the repository as the data of `copyId`, in constant memory, hashing and counting on the way.
   * Visible only once complete, fsynced and recorded; on any failure (client gone, digest mismatch, disk full) nothing
   * is left behind. 404 unknown repository, 409 when data exists or another upload of the same copy is under way,
   * 400 digest mismatch, 507 disk full. `body` is unpiped, never destroyed, on failure (its owner decides: an HTTP server still answers on its socket).
   */
  async storeData(repoId: string, copyId: string, body: Readable, opts: StoreDataOptions): Promise<StoredData> {
    assertSafeId('repoId', repoId);
    assertSafeId('copyId', copyId);
    checkDigestFormat(opts.expected ?? {});
    this.records.requireRepository(repoId);
    const dirs = this.records.layout;

    // Reservation: exactly one upload per copy id at a time, across whatever concurrency the server has.
    const lock = pathInside(dirs.locks, `${copyId}.lock`);
    try {
      await (await fsp.open(lock, 'wx', 0o640)).close();
    } catch (err) {
      if (isErrno(err, 'EEXIST')) throw new ConflictError(`an upload of copy '${copyId}' is already in progress`);
      throw mapFsError(err);
    }
    const abort = new AbortController();
    let settle!: () => void;
    const done = new Promise<void>((r) => { settle = r; });
    this.inflight.set(copyId, { repoId, abort, done });
    const part = pathInside(dirs.tmp, randomName('.part'));
    let landedFile: string | undefined;
    try {
      if (this.records.copy(copyId)?.data) throw new ConflictError(`data of copy '${copyId}' already stored`);
      const { size, sha256, crc32 } = await this.receive(body, part, abort.signal);
      const atEnd = opts.expectedAtEnd?.() ?? {};
      checkDigestFormat(atEnd);
      for (const expected of [opts.expected ?? {}, atEnd]) checkDigests({ sha256, crc32 }, expected);
      abort.signal.throwIfAborted();
      const target = pathInside(dirs.data, copyId);
      await fsp.rename(part, target);
      landedFile = target;
      await fsyncDir(dirs.data);
      abort.signal.throwIfAborted();

      // Commit point: the record that says the data landed.
      const current = this.records.copy(copyId)?.metadata ?? metadataFromHints(copyId, repoId, opts.hints);
      const metadata: CopyMetadata = {
        ...current,
        copyId,
        repoId,
        protocol: COPY_PROTOCOL,
        protocolVersion: COPY_PROTOCOL_VERSION,
        copyDataURL: `${opts.crbUrl}${COPY_DATA_PATHS.download(copyId)}`,
        copyAdditionalInfo: { ...(current.copyAdditionalInfo ?? {}), size: String(size), sha256, crc32 },
      };
      await this.records.persistCopy(copyId, { metadata, data: { repoId, size, sha256, crc32, storedAt: new Date().toISOString() } });
      landedFile = undefined;
      return { copyId, repoId, size, sha256, crc32 };
    } catch (err) {
      body.unpipe();
      await fsp.rm(part, { force: true }).catch(() => undefined);
      if (landedFile) await removeDurably(landedFile).catch(() => undefined);
      throw abort.signal.aborted && abort.signal.reason instanceof OcopeaError ? abort.signal.reason : mapFsError(err);
    } finally {
      this.inflight.delete(copyId);
      await fsp.rm(lock, { force: true }).catch(() => undefined);
      settle();
    }
  }

  /** Streams `body` into `file`, fsyncs it; returns size and digests. */
  private async receive(body: Readable, file: string, signal: AbortSignal): Promise<{ size: number } & Digests> {
    const pool = this.settings.blockPool;
    const writer: PartWriter = (pool && await DirectFileWriter.create(file, pool, this.onBytes, undefined, this.syncEveryBytes))
      || new FileHandleWriter(await this.openPartFile(file), this.onBytes, this.syncEveryBytes);
    try {
      try {
        await pipeInto(body, writer, signal);
      } finally {
        await writer.settled(); // writes still running must finish before the file is closed
      }
      await writer.flush();
      return { size: writer.size, ...writer.digests() };
    } finally {
      await writer.close();
    }
  }
}

function metadataFromHints(copyId: string, repoId: string, hints: UploadHints = {}): CopyMetadata {
  // Epoch ms up to the end of year 9999: later ones have no RFC 3339 form (toISOString gives '+033658-…'), and
  // the metadata would then fail every other CRB's validation (a transfer of that copy was a 502).
  const hinted = hints.copyTimestamp !== undefined && /^\d{1,15}$/.test(hints.copyTimestamp.trim()) ? Number(hints.copyTimestamp.trim()) : NaN;
  const ms = hinted <= MAX_RFC3339_MS ? hinted : Date.now();
  return {
    copyId,
    repoId,
    copyTimeStamp: new Date(ms).toISOString(),
    ...(hints.facility ? { facility: hints.facility } : {}),
    copyAdditionalInfo: hints.dsb ? { dsb: hints.dsb } : {},
  };
}

/**
 * Pipes `src` into `dest` until `dest` has finished; rejects (and unpipes, destroying `dest` but never `src`, which
 * the caller owns) when either fails, `src` closes before its end (a client gone midway) or `signal` aborts.
 */
function pipeInto(src: Readable, dest: Writable, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    let settled = false;
    const cleanup = () => {
      settled = true;
      src.off('error', fail); src.off('close', onSrcClose); src.off('aborted', onAborted);
      dest.off('error', fail); dest.off('finish', onFinish);
      signal.removeEventListener('abort', onAbort);
    };
    function fail(err: unknown) {
      if (settled) return;
      cleanup();
      src.unpipe(dest);
      dest.destroy();
      reject(err);
    }
    const onFinish = () => { if (!settled) { cleanup(); resolve(); } };
    const onSrcClose = () => { if (!src.readableEnded) fail(new Error('the sender went away before the end of the stream')); };
    const onAborted = () => fail(new Error('the sender aborted the stream'));
    const onAbort = () => fail(signal.reason);
    src.on('error', fail);
    src.on('close', onSrcClose);
    src.on('aborted', onAborted);
    dest.on('error', fail);
    dest.on('finish', onFinish);
    signal.addEventListener('abort', onAbort);
    // The sender may be gone already: its 'close'/'aborted' fired while the upload was still taking its lock and
    // opening its file, before these listeners existed. Without this check the upload waited forever, holding the
    // copy id's lock (every retry got 409 until a restart).
    if (src.errored) { fail(src.errored); return; }
    if (src.destroyed && !src.readableEnded) { fail(new Error('the sender went away before the end of the stream')); return; }
    src.pipe(dest);
  });
}

function mapFsError(err: unknown): unknown {
  if (isErrno(err, 'ENOSPC') || isErrno(err, 'EDQUOT')) return new InsufficientStorageError('no space left on device; nothing was kept', { cause: err });
  return err;
}

const DIGEST_DIGITS = { sha256: 64, crc32: 8 } as const;

/** 400 unless every announced digest is well formed (64 or 8 hex digits). */
function checkDigestFormat(expected: Partial<Digests>): void {
  for (const alg of ['sha256', 'crc32'] as const) {
    const v = expected[alg];
    if (v !== undefined && !isHexDigest(alg, v)) throw new BadRequestError(`${headerDisplayName(EXPECTED_DIGEST_HEADERS[alg])} must be ${DIGEST_DIGITS[alg]} hex digits`);
  }
}

/** 400 `digest_mismatch` when the received bytes digest differently from what the uploader announced. */
function checkDigests(got: Digests, expected: Partial<Digests>): void {
  for (const alg of ['sha256', 'crc32'] as const) {
    const want = expected[alg]?.toLowerCase();
    if (want !== undefined && got[alg] !== want) {
      throw new OcopeaError(400, 'digest_mismatch', `${alg} of the received data is ${got[alg]}, expected ${want}`);
    }
  }
}
