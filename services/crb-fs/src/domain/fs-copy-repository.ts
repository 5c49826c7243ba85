import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { COPY_DATA_PATHS, COPY_PROTOCOL, COPY_PROTOCOL_VERSION, EXPECTED_DIGEST_HEADERS, headerDisplayName, isHexDigest } from '@ocopea/api';
import { BadRequestError, ConflictError, InsufficientStorageError, NotFoundError, OcopeaError, RangeNotSatisfiableError } from '@ocopea/errors';
import { assertSafeId } from './ids';
import { fsyncDir, isErrno, KeyedQueue, pathInside, randomName, removeDurably, writeJsonAtomic } from './fs-util';
import { parseRange, type ByteRange } from './range';
import type { AlignedBlockPool } from './aligned-block-pool';
import type { CopyReader } from './copy-reader';
import { DirectFileReader } from './direct-file-reader';
import { DirectFileWriter } from './direct-file-writer';
import { FileHandleReader } from './file-handle-reader';
import { FileHandleWriter } from './file-handle-writer';
import { SYNC_EVERY_BYTES, type PartWriter } from './part-writer';
import type { Digests } from './received-digests';

export const DEFAULT_REPO_ID = 'default';

/** A repository description, stored and returned as given (the wire `RepositoryInfo`). */
export interface RepositoryDescription {
  id?: string;
  name?: string | null;
  repoSupportedProtocols?: Record<string, unknown>[] | null;
  repoAdditionalInfo?: Record<string, string> | null;
  [key: string]: unknown;
}

/** A copy's metadata (the wire `CopyMetaData`). */
export interface CopyMetadata {
  copyId: string;
  repoId?: string | null;
  copyTimeStamp?: string | number;
  protocol?: string | null;
  protocolVersion?: string | null;
  facility?: string | null;
  copyDataURL?: string | null;
  copyAdditionalInfo?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** What the CRB knows about stored data (kept next to the metadata; its presence means "the data has landed"). */
export interface LandedData {
  repoId: string;
  size: number;
  sha256: string;
  /** CRC-32 (8 hex digits); absent on copies stored before the CRB computed it. */
  crc32?: string;
  storedAt: string;
}

interface CopyRecord { metadata: CopyMetadata; data?: LandedData }

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

export interface RepositoryStatistics {
  totalCapacityInBytes: number;
  usedCapacityInBytes: number;
  availableCapacityInBytes: number;
  numberOfCopiesStored: number;
}

export interface FsCopyRepositoryOptions {
  /** The data root: everything lives under it and nothing is ever touched outside it. */
  root: string;
  /** Opens the temporary file of a buffered upload (tests inject a failing one to simulate a full disk). */
  openPartFile?: (file: string) => Promise<FileHandle>;
  /**
   * Aligned blocks for direct I/O: uploads are written (`DirectFileWriter`) and downloads read (`DirectFileReader`)
   * with O_DIRECT. Without a pool, or when it has no blocks to spare (many streams at once) or the filesystem
   * refuses O_DIRECT, they go through the page cache.
   */
  blockPool?: AlignedBlockPool;
  /** Logs recovery actions. */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /**
   * Told of every byte an upload receives (main wires the process's stream reclaimer: socket reads allocate a fresh
   * buffer per chunk, and V8 otherwise lets tens of MiB of them pile up before collecting, which is most of the
   * service's peak memory during a long upload).
   */
  onBytes?: (bytes: number) => void;
  /**
   * Bytes an upload writes between two background fdatasyncs (default 32 MiB; 0 = only the one at the end), so the
   * disk flushes while more bytes arrive instead of all at the commit point.
   */
  syncEveryBytes?: number;
}

/** 9999-12-31T23:59:59.999Z, the last instant RFC 3339 can write. */
const MAX_RFC3339_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

interface Inflight { repoId: string; abort: AbortController; done: Promise<unknown> }


/**
 * The copy repository on a local filesystem.
 *
 * Layout under the root:
 * - `repositories/<repoId>.json`  repository descriptions
 * - `copies/<copyId>.json`        `{metadata, data?}`: the metadata and, once the bytes landed, their size and digest
 * - `data/<copyId>`               the bytes of landed copies
 * - `tmp/`                        uploads in progress (`*.part`) and atomic-write temporaries; emptied on start
 * - `locks/<copyId>.lock`         upload reservations (exclusive create); emptied on start
 *
 * Durability order of an upload: bytes → `tmp/x.part` (hashed while streaming) → fsync → rename to `data/<copyId>`
 * → fsync `data/` → metadata record written atomically (this is the commit point) → reservation released. A crash
 * before the commit point leaves a data file without a landed record, which start-up deletes.
 *
 * One process owns a root (the metadata is cached in memory and the cache is the read path).
 */
export class FsCopyRepository {
  readonly root: string;
  private readonly dirs: { repositories: string; copies: string; data: string; tmp: string; locks: string };
  private readonly repositories = new Map<string, RepositoryDescription>();
  private readonly copies = new Map<string, CopyRecord>();
  private readonly inflight = new Map<string, Inflight>();
  private readonly writes = new KeyedQueue();
  private readonly openPartFile: (file: string) => Promise<FileHandle>;
  private readonly blockPool?: AlignedBlockPool;
  private readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  private readonly onBytes: (bytes: number) => void;
  private readonly syncEveryBytes: number;

  private constructor(opts: FsCopyRepositoryOptions) {
    this.root = path.resolve(opts.root);
    this.dirs = {
      repositories: path.join(this.root, 'repositories'),
      copies: path.join(this.root, 'copies'),
      data: path.join(this.root, 'data'),
      tmp: path.join(this.root, 'tmp'),
      locks: path.join(this.root, 'locks'),
    };
    this.openPartFile = opts.openPartFile ?? ((file) => fsp.open(file, 'wx', 0o640));
    this.blockPool = opts.blockPool;
    this.log = opts.log ?? (() => undefined);
    this.onBytes = opts.onBytes ?? (() => undefined);
    this.syncEveryBytes = opts.syncEveryBytes ?? SYNC_EVERY_BYTES;
  }

  /** Opens (creating when needed) the repository at `root` and recovers from any crash. */
  static async open(opts: FsCopyRepositoryOptions): Promise<FsCopyRepository> {
    const repo = new FsCopyRepository(opts);
    await repo.recover();
    return repo;
  }

  // ---------------------------------------------------------------- start-up

  private async recover(): Promise<void> {
    for (const d of Object.values(this.dirs)) await fsp.mkdir(d, { recursive: true });
    // Uploads and atomic writes that were under way when the process died: never visible, so simply dropped.
    const strays = [...await fsp.readdir(this.dirs.tmp), ...(await fsp.readdir(this.dirs.locks)).map((f) => `../locks/${f}`)];
    for (const f of await fsp.readdir(this.dirs.tmp)) await fsp.rm(path.join(this.dirs.tmp, f), { force: true, recursive: true });
    for (const f of await fsp.readdir(this.dirs.locks)) await fsp.rm(path.join(this.dirs.locks, f), { force: true, recursive: true });
    if (strays.length) this.log('removed leftovers of interrupted uploads', { files: strays });

    for (const f of await fsp.readdir(this.dirs.repositories)) {
      if (!f.endsWith('.json')) continue;
      const id = f.slice(0, -5);
      try { this.repositories.set(id, JSON.parse(await fsp.readFile(path.join(this.dirs.repositories, f), 'utf8'))); }
      catch (err) { this.log('skipping unreadable repository file', { file: f, error: String(err) }); }
    }
    if (!this.repositories.has(DEFAULT_REPO_ID)) {
      await this.persistRepository(DEFAULT_REPO_ID, { id: DEFAULT_REPO_ID, name: 'Default', repoAdditionalInfo: {} });
    }

    for (const f of await fsp.readdir(this.dirs.copies)) {
      if (!f.endsWith('.json')) continue;
      try {
        const rec = JSON.parse(await fsp.readFile(path.join(this.dirs.copies, f), 'utf8')) as CopyRecord;
        this.copies.set(f.slice(0, -5), rec);
      } catch (err) {
        // Records are written atomically, so a crash cannot leave one unreadable: this is damage (bit rot, a bad
        // backup restore, a hand edit). Its data must not then pass for an unacknowledged upload and be deleted
        // below: record and data are moved aside for a human to look at.
        const id = f.slice(0, -5);
        const to = await this.quarantine(id);
        this.log('moved an unreadable copy record and its data aside', { copyId: id, to, error: String(err) });
      }
    }
    // Data files whose upload never reached its commit point (the metadata record) were never acknowledged: drop.
    const dataFiles = new Set(await fsp.readdir(this.dirs.data));
    for (const f of dataFiles) {
      if (!this.copies.get(f)?.data) {
        await fsp.rm(path.join(this.dirs.data, f), { force: true, recursive: true });
        this.log('removed data of an unacknowledged upload', { copyId: f });
      }
    }
    for (const [id, rec] of this.copies) {
      if (rec.data && !dataFiles.has(id)) {
        this.log('data file of a landed copy is missing; marking the copy as having no data', { copyId: id });
        const { data: _gone, ...rest } = rec;
        await this.persistCopy(id, rest);
      }
    }
    for (const d of [this.dirs.tmp, this.dirs.locks, this.dirs.data]) await fsyncDir(d);
  }

  /** Moves `copies/<id>.json` and `data/<id>` (when present) to a new folder under `quarantine/`; returns it. */
  private async quarantine(id: string): Promise<string> {
    const to = path.join(this.root, 'quarantine', `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}`);
    await fsp.mkdir(to, { recursive: true });
    await fsp.rename(path.join(this.dirs.copies, `${id}.json`), path.join(to, 'record.json'));
    await fsp.rename(path.join(this.dirs.data, id), path.join(to, 'data')).catch((err: unknown) => { if (!isErrno(err, 'ENOENT')) throw err; });
    await fsyncDir(this.dirs.copies);
    await fsyncDir(this.dirs.data);
    return to;
  }

  // ---------------------------------------------------------------- repositories

  /** Repository ids: the default first, then the others by id. */
  listRepositories(): string[] {
    const others = [...this.repositories.keys()].filter((id) => id !== DEFAULT_REPO_ID).sort();
    return [DEFAULT_REPO_ID, ...others];
  }

  getRepository(repoId: string): RepositoryDescription {
    assertSafeId('repoId', repoId);
    const info = this.repositories.get(repoId);
    if (!info) throw new NotFoundError(`repository '${repoId}' not found`);
    return info;
  }

  hasRepository(repoId: string): boolean { return this.repositories.has(repoId); }

  /** POST: creates; 409 when it exists. */
  async createRepository(repoId: string, info: RepositoryDescription): Promise<void> {
    assertSafeId('repoId', repoId);
    if (this.repositories.has(repoId)) throw new ConflictError(`repository '${repoId}' already exists`);
    await this.persistRepository(repoId, { ...info, id: repoId });
  }

  /** PUT: creates or replaces. */
  async putRepository(repoId: string, info: RepositoryDescription): Promise<void> {
    assertSafeId('repoId', repoId);
    await this.persistRepository(repoId, { ...info, id: repoId });
  }

  /** Deletes an empty, non-default repository. */
  async deleteRepository(repoId: string): Promise<void> {
    assertSafeId('repoId', repoId);
    if (!this.repositories.has(repoId)) throw new NotFoundError(`repository '${repoId}' not found`);
    if (repoId === DEFAULT_REPO_ID) throw new ConflictError('the default repository cannot be deleted');
    const held = [...this.copies.values()].filter((r) => this.repoOf(r) === repoId).length;
    const uploading = [...this.inflight.values()].some((u) => u.repoId === repoId);
    if (held || uploading) throw new ConflictError(`repository '${repoId}' still holds ${held} cop${held === 1 ? 'y' : 'ies'}${uploading ? ' and uploads in progress' : ''}`);
    const prev = this.repositories.get(repoId);
    this.repositories.delete(repoId);
    try {
      await this.writes.run(`repo:${repoId}`, () => removeDurably(pathInside(this.dirs.repositories, `${repoId}.json`)));
    } catch (err) {
      if (prev) this.repositories.set(repoId, prev);
      throw err;
    }
  }

  async repositoryStats(repoId: string): Promise<RepositoryStatistics> {
    assertSafeId('repoId', repoId);
    if (!this.repositories.has(repoId)) throw new NotFoundError(`repository '${repoId}' not found`);
    const fs = await fsp.statfs(this.root);
    let used = 0;
    let count = 0;
    for (const r of this.copies.values()) {
      if (r.data?.repoId === repoId) { used += r.data.size; count++; }
    }
    return {
      totalCapacityInBytes: fs.blocks * fs.bsize,
      availableCapacityInBytes: fs.bavail * fs.bsize,
      usedCapacityInBytes: used,
      numberOfCopiesStored: count,
    };
  }

  private async persistRepository(repoId: string, info: RepositoryDescription): Promise<void> {
    const prev = this.repositories.get(repoId);
    this.repositories.set(repoId, info);
    try {
      await this.writes.run(`repo:${repoId}`, () => writeJsonAtomic(pathInside(this.dirs.repositories, `${repoId}.json`), info, this.dirs.tmp));
    } catch (err) {
      if (prev) this.repositories.set(repoId, prev); else this.repositories.delete(repoId);
      throw err;
    }
  }

  // ---------------------------------------------------------------- metadata

  /** Stores new metadata (repoId defaults to the default repository). 404 unknown repository, 409 duplicate. */
  async storeMetadata(copyId: string, metadata: Omit<CopyMetadata, 'copyId'> & { copyId?: string }): Promise<CopyMetadata> {
    assertSafeId('copyId', copyId);
    const repoId = metadata.repoId ?? DEFAULT_REPO_ID;
    assertSafeId('repoId', repoId);
    if (!this.repositories.has(repoId)) throw new NotFoundError(`repository '${repoId}' not found`);
    if (this.copies.has(copyId)) throw new ConflictError(`copy '${copyId}' already exists`);
    const stored: CopyMetadata = { ...metadata, copyId, repoId };
    await this.persistCopy(copyId, { metadata: stored });
    return stored;
  }

  getMetadata(copyId: string): CopyMetadata {
    assertSafeId('copyId', copyId);
    const rec = this.copies.get(copyId);
    if (!rec) throw new NotFoundError(`copy '${copyId}' not found`);
    return rec.metadata;
  }

  /**
   * Copy ids in a stable order (by `copyTimeStamp`, then id), optionally of one repository (404 when unknown), one page
   * at a time (`pageNumber` from 0; the whole list without `pageSize`).
   */
  listCopies(q: { repoId?: string; pageNumber?: number; pageSize?: number }): string[] {
    if (q.repoId !== undefined) {
      assertSafeId('repoId', q.repoId);
      if (!this.repositories.has(q.repoId)) throw new NotFoundError(`repository '${q.repoId}' not found`);
    }
    const rows = [...this.copies.entries()]
      .filter(([, r]) => q.repoId === undefined || this.repoOf(r) === q.repoId)
      .map(([id, r]) => ({ id, t: timeOf(r.metadata.copyTimeStamp) }))
      .sort((a, b) => (a.t - b.t) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => r.id);
    if (q.pageSize === undefined) return rows;
    if (!Number.isInteger(q.pageSize) || q.pageSize < 1) throw new BadRequestError('pageSize must be at least 1');
    const page = q.pageNumber ?? 0;
    if (!Number.isInteger(page) || page < 0) throw new BadRequestError('pageNumber must be 0 or more');
    return rows.slice(page * q.pageSize, (page + 1) * q.pageSize);
  }

  /** Deletes metadata and data; an upload of this copy in progress is aborted first. 404 when neither exists. */
  async deleteCopy(copyId: string): Promise<void> {
    assertSafeId('copyId', copyId);
    const up = this.inflight.get(copyId);
    if (up) {
      up.abort.abort(new ConflictError(`copy '${copyId}' was deleted during the upload`));
      await up.done.catch(() => undefined);
    }
    if (!this.copies.has(copyId)) {
      if (up) return; // the aborted upload was all there was
      throw new NotFoundError(`copy '${copyId}' not found`);
    }
    await this.writes.run(`copy:${copyId}`, async () => {
      // The record first: once it is gone the copy is invisible; a crash before the data unlink is cleaned at start.
      await removeDurably(pathInside(this.dirs.copies, `${copyId}.json`));
      this.copies.delete(copyId);
      await removeDurably(pathInside(this.dirs.data, copyId));
    });
  }

  private repoOf(r: CopyRecord): string {
    return r.data?.repoId ?? r.metadata.repoId ?? DEFAULT_REPO_ID;
  }

  private async persistCopy(copyId: string, rec: CopyRecord): Promise<void> {
    const prev = this.copies.get(copyId);
    this.copies.set(copyId, rec);
    try {
      await this.writes.run(`copy:${copyId}`, () => writeJsonAtomic(pathInside(this.dirs.copies, `${copyId}.json`), rec, this.dirs.tmp));
    } catch (err) {
      if (prev) this.copies.set(copyId, prev); else if (this.copies.get(copyId) === rec) this.copies.delete(copyId);
      throw err;
    }
  }

  // ---------------------------------------------------------------- data

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
    if (!this.repositories.has(repoId)) throw new NotFoundError(`repository '${repoId}' not found`);

    // Reservation: exactly one upload per copy id at a time, across whatever concurrency the server has.
    const lock = pathInside(this.dirs.locks, `${copyId}.lock`);
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
    const part = pathInside(this.dirs.tmp, randomName('.part'));
    let landedFile: string | undefined;
    try {
      if (this.copies.get(copyId)?.data) throw new ConflictError(`data of copy '${copyId}' already stored`);
      const { size, sha256, crc32 } = await this.receive(body, part, abort.signal);
      const atEnd = opts.expectedAtEnd?.() ?? {};
      checkDigestFormat(atEnd);
      for (const expected of [opts.expected ?? {}, atEnd]) checkDigests({ sha256, crc32 }, expected);
      abort.signal.throwIfAborted();
      const target = pathInside(this.dirs.data, copyId);
      await fsp.rename(part, target);
      landedFile = target;
      await fsyncDir(this.dirs.data);
      abort.signal.throwIfAborted();

      // Commit point: the record that says the data landed.
      const current = this.copies.get(copyId)?.metadata ?? this.metadataFromHints(copyId, repoId, opts.hints);
      const metadata: CopyMetadata = {
        ...current,
        copyId,
        repoId,
        protocol: COPY_PROTOCOL,
        protocolVersion: COPY_PROTOCOL_VERSION,
        copyDataURL: `${opts.crbUrl}${COPY_DATA_PATHS.download(copyId)}`,
        copyAdditionalInfo: { ...(current.copyAdditionalInfo ?? {}), size: String(size), sha256, crc32 },
      };
      await this.persistCopy(copyId, { metadata, data: { repoId, size, sha256, crc32, storedAt: new Date().toISOString() } });
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
    const writer: PartWriter = (this.blockPool && await DirectFileWriter.create(file, this.blockPool, this.onBytes, undefined, this.syncEveryBytes))
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

  private metadataFromHints(copyId: string, repoId: string, hints: UploadHints = {}): CopyMetadata {
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

  /** Size and digest of a landed copy; 404 when unknown or its data has not landed. */
  landed(copyId: string): LandedData {
    assertSafeId('copyId', copyId);
    const rec = this.copies.get(copyId);
    if (!rec) throw new NotFoundError(`copy '${copyId}' not found`);
    if (!rec.data) throw new NotFoundError(`copy '${copyId}' has no data yet`);
    return rec.data;
  }

  /**
   * Opens a landed copy for reading, whole or one range (`Range` header value). 404 unknown / no data; 416 (with
   * `details.size`) when the range starts past the end. The caller must `pipeTo` or `close` it.
   */
  async openData(copyId: string, rangeHeader?: string): Promise<OpenedCopy> {
    const data = this.landed(copyId);
    const range = parseRange(rangeHeader, data.size);
    if (range === 'unsatisfiable') {
      throw new RangeNotSatisfiableError(`range ${rangeHeader} is past the end (${data.size} bytes)`, { details: { size: data.size } });
    }
    let reader: CopyReader;
    try {
      reader = await openCopyReader(pathInside(this.dirs.data, copyId), this.blockPool);
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

  /** The path of a landed copy's bytes (for the transfer, which streams them out). */
  dataPath(copyId: string): string {
    this.landed(copyId);
    return pathInside(this.dirs.data, copyId);
  }

  /** Root facts for health checks. */
  summary(): { root: string; repositories: number; copies: number; uploadsInProgress: number } {
    return { root: this.root, repositories: this.repositories.size, copies: this.copies.size, uploadsInProgress: this.inflight.size };
  }
}

/**
 * Opens `file` for reading: with O_DIRECT into the pool's aligned blocks when it has some to spare and the
 * filesystem allows it, else through the page cache.
 */
export async function openCopyReader(file: string, blockPool?: AlignedBlockPool): Promise<CopyReader> {
  return (blockPool && await DirectFileReader.open(file, blockPool)) || FileHandleReader.open(file);
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

function timeOf(t: unknown): number {
  if (typeof t === 'number') return t;
  if (typeof t === 'string') { const ms = Date.parse(t); return Number.isNaN(ms) ? 0 : ms; }
  return -Infinity;
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
