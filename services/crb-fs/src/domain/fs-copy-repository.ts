import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ConflictError } from '@ocopea/errors';
import type { AlignedBlockPool } from './aligned-block-pool';
import {
  CopyRecords, repositoryLayout, type CopyMetadata, type LandedData, type RepositoryDescription, type RepositoryStatistics,
} from './copy-records';
import { openCopyData, type OpenedCopy } from './download';
import { pathInside } from './fs-util';
import { assertSafeId } from './ids';
import { recoverRepository } from './recovery';
import { CopyUploads, type StoreDataOptions, type StoredData } from './upload';

export { DEFAULT_REPO_ID, type CopyMetadata, type LandedData, type RepositoryDescription, type RepositoryStatistics } from './copy-records';
export type { OpenedCopy } from './download';
export type { StoreDataOptions, StoredData, UploadHints } from './upload';

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

/**
 * The copy repository on a local filesystem: one object over its four parts, each in its own module —
 * `copy-records` (repository descriptions and copy records, the layout of the root), `recovery` (start-up after a
 * crash), `upload` (streaming bytes in, the commit protocol) and `download` (streaming them out, whole or a range).
 *
 * One process owns a root (the records are cached in memory and the cache is the read path).
 */
export class FsCopyRepository {
  readonly root: string;
  private readonly records: CopyRecords;
  private readonly uploads: CopyUploads;
  private readonly blockPool?: AlignedBlockPool;

  private constructor(opts: FsCopyRepositoryOptions) {
    this.records = new CopyRecords(repositoryLayout(opts.root));
    this.root = this.records.layout.root;
    this.blockPool = opts.blockPool;
    this.uploads = new CopyUploads(this.records, opts);
  }

  /** Opens (creating when needed) the repository at `root` and recovers from any crash. */
  static async open(opts: FsCopyRepositoryOptions): Promise<FsCopyRepository> {
    const repo = new FsCopyRepository(opts);
    await recoverRepository(repo.records, opts.log ?? (() => undefined));
    return repo;
  }

  // ---------------------------------------------------------------- repositories

  /** Repository ids: the default first, then the others by id. */
  listRepositories(): string[] { return this.records.listRepositories(); }

  getRepository(repoId: string): RepositoryDescription { return this.records.getRepository(repoId); }

  hasRepository(repoId: string): boolean { return this.records.hasRepository(repoId); }

  /** POST: creates; 409 when it exists. */
  createRepository(repoId: string, info: RepositoryDescription): Promise<void> { return this.records.createRepository(repoId, info); }

  /** PUT: creates or replaces. */
  putRepository(repoId: string, info: RepositoryDescription): Promise<void> { return this.records.putRepository(repoId, info); }

  /** Deletes an empty, non-default repository (409 while it holds copies or uploads into it are under way). */
  deleteRepository(repoId: string): Promise<void> { return this.records.deleteRepository(repoId, this.uploads.into(repoId)); }

  repositoryStats(repoId: string): Promise<RepositoryStatistics> { return this.records.repositoryStats(repoId); }

  // ---------------------------------------------------------------- copies

  /** Stores new metadata (repoId defaults to the default repository). 404 unknown repository, 409 duplicate. */
  storeMetadata(copyId: string, metadata: Omit<CopyMetadata, 'copyId'> & { copyId?: string }): Promise<CopyMetadata> {
    return this.records.storeMetadata(copyId, metadata);
  }

  getMetadata(copyId: string): CopyMetadata { return this.records.getMetadata(copyId); }

  /** Copy ids by `copyTimeStamp` then id, optionally of one repository, one page at a time. */
  listCopies(q: { repoId?: string; pageNumber?: number; pageSize?: number }): string[] { return this.records.listCopies(q); }
  /** The whole listing one id at a time (404 unknown repository), and its length. */
  copyIds(repoId?: string): Iterable<string> { return this.records.copyIds(repoId); }
  listedCount(repoId?: string): number { return this.records.listedCount(repoId); }

  /** Deletes metadata and data; an upload of this copy in progress is aborted first. 404 when neither exists. */
  async deleteCopy(copyId: string): Promise<void> {
    assertSafeId('copyId', copyId);
    const aborted = await this.uploads.abort(copyId, new ConflictError(`copy '${copyId}' was deleted during the upload`));
    await this.records.deleteCopy(copyId, aborted);
  }

  // ---------------------------------------------------------------- data

  /** See `CopyUploads.storeData`: streams `body` in as the data of `copyId`, visible once complete and durable. */
  storeData(repoId: string, copyId: string, body: Readable, opts: StoreDataOptions): Promise<StoredData> {
    return this.uploads.storeData(repoId, copyId, body, opts);
  }

  /** Size and digest of a landed copy; 404 when unknown or its data has not landed. */
  landed(copyId: string): LandedData { return this.records.landed(copyId); }

  /** See `openCopyData`: a landed copy opened for reading, whole or one range. */
  openData(copyId: string, rangeHeader?: string): Promise<OpenedCopy> {
    return openCopyData(this.records, this.blockPool, copyId, rangeHeader);
  }

  /** The path of a landed copy's bytes (for the transfer, which streams them out). */
  dataPath(copyId: string): string {
    this.landed(copyId);
    return pathInside(this.records.layout.data, copyId);
  }

  /** Root facts for health checks. */
  summary(): { root: string; repositories: number; copies: number; uploadsInProgress: number } {
    return { root: this.root, repositories: this.records.repositoryCount, copies: this.records.copyCount, uploadsInProgress: this.uploads.count };
  }
}
