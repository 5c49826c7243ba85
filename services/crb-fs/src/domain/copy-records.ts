import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { BadRequestError, ConflictError, NotFoundError } from '@ocopea/errors';
import { CopyIndex } from './copy-index';
import { assertSafeId } from './ids';
import { KeyedQueue, pathInside, removeDurably, writeJsonAtomic } from './fs-util';

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

/** `copies/<copyId>.json`: the metadata and, once the bytes landed, their size and digests. */
export interface CopyRecord { metadata: CopyMetadata; data?: LandedData }

export interface RepositoryStatistics {
  totalCapacityInBytes: number;
  usedCapacityInBytes: number;
  availableCapacityInBytes: number;
  numberOfCopiesStored: number;
}

/**
 * The folders under a repository's root:
 * - `repositories/<repoId>.json`  repository descriptions
 * - `copies/<copyId>.json`        copy records (`CopyRecord`)
 * - `data/<copyId>`               the bytes of landed copies
 * - `tmp/`                        uploads in progress (`*.part`) and atomic-write temporaries; emptied on start
 * - `locks/<copyId>.lock`         upload reservations (exclusive create); emptied on start
 */
export interface RepositoryLayout { root: string; repositories: string; copies: string; data: string; tmp: string; locks: string }

export function repositoryLayout(root: string): RepositoryLayout {
  const r = path.resolve(root);
  return {
    root: r,
    repositories: path.join(r, 'repositories'),
    copies: path.join(r, 'copies'),
    data: path.join(r, 'data'),
    tmp: path.join(r, 'tmp'),
    locks: path.join(r, 'locks'),
  };
}

/**
 * The records of a repository root: repository descriptions and copy records, cached in memory (the cache is the
 * read path: one process owns a root) and written through atomically, one write at a time per file. A failed write
 * leaves the cache as it was.
 */
export class CopyRecords {
  private readonly repositories = new Map<string, RepositoryDescription>();
  private readonly index = new CopyIndex();
  private readonly copies = new IndexedCopies(this.index);
  private readonly writes = new KeyedQueue();

  constructor(readonly layout: RepositoryLayout) {}

  /** Takes a record read from disk at start-up into the cache (nothing is written). */
  remember(kind: 'repository', id: string, value: RepositoryDescription): void;
  remember(kind: 'copy', id: string, value: CopyRecord): void;
  remember(kind: 'repository' | 'copy', id: string, value: RepositoryDescription | CopyRecord): void {
    if (kind === 'repository') this.repositories.set(id, value as RepositoryDescription);
    else this.copies.set(id, value as CopyRecord);
  }

  get repositoryCount(): number { return this.repositories.size; }
  get copyCount(): number { return this.copies.size; }

  /** Every copy record, by id. */
  copyRecords(): IterableIterator<[string, CopyRecord]> { return this.copies.entries(); }

  copy(copyId: string): CopyRecord | undefined { return this.copies.get(copyId); }

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

  /** 404 unless the repository exists. */
  requireRepository(repoId: string): void {
    if (!this.repositories.has(repoId)) throw new NotFoundError(`repository '${repoId}' not found`);
  }

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

  /** Deletes an empty, non-default repository; `uploading` says whether uploads into it are under way (409). */
  async deleteRepository(repoId: string, uploading: boolean): Promise<void> {
    assertSafeId('repoId', repoId);
    this.requireRepository(repoId);
    if (repoId === DEFAULT_REPO_ID) throw new ConflictError('the default repository cannot be deleted');
    const held = [...this.copies.values()].filter((r) => repoOf(r) === repoId).length;
    if (held || uploading) throw new ConflictError(`repository '${repoId}' still holds ${held} cop${held === 1 ? 'y' : 'ies'}${uploading ? ' and uploads in progress' : ''}`);
    const prev = this.repositories.get(repoId);
    this.repositories.delete(repoId);
    try {
      await this.writes.run(`repo:${repoId}`, () => removeDurably(pathInside(this.layout.repositories, `${repoId}.json`)));
    } catch (err) {
      if (prev) this.repositories.set(repoId, prev);
      throw err;
    }
  }

  async repositoryStats(repoId: string): Promise<RepositoryStatistics> {
    assertSafeId('repoId', repoId);
    this.requireRepository(repoId);
    const fs = await fsp.statfs(this.layout.root);
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

  persistRepository(repoId: string, info: RepositoryDescription): Promise<void> {
    return this.writeThrough(this.repositories, repoId, `repo:${repoId}`, pathInside(this.layout.repositories, `${repoId}.json`), info);
  }

  // ---------------------------------------------------------------- copies

  /** Stores new metadata (repoId defaults to the default repository). 404 unknown repository, 409 duplicate. */
  async storeMetadata(copyId: string, metadata: Omit<CopyMetadata, 'copyId'> & { copyId?: string }): Promise<CopyMetadata> {
    assertSafeId('copyId', copyId);
    const repoId = metadata.repoId ?? DEFAULT_REPO_ID;
    assertSafeId('repoId', repoId);
    this.requireRepository(repoId);
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
    this.checkListing(q.repoId);
    if (q.pageSize === undefined) return [...this.index.ids(q.repoId)];
    if (!Number.isInteger(q.pageSize) || q.pageSize < 1) throw new BadRequestError('pageSize must be at least 1');
    const page = q.pageNumber ?? 0;
    if (!Number.isInteger(page) || page < 0) throw new BadRequestError('pageNumber must be 0 or more');
    return this.index.slice(q.repoId, page * q.pageSize, q.pageSize);
  }

  /** The whole listing, one id at a time (streamed to the client in constant memory). */
  copyIds(repoId?: string): Iterable<string> {
    this.checkListing(repoId);
    return this.index.ids(repoId);
  }

  /** How many copies a listing holds (all, or one repository's). */
  listedCount(repoId?: string): number { return this.index.count(repoId); }

  private checkListing(repoId: string | undefined): void {
    if (repoId === undefined) return;
    assertSafeId('repoId', repoId);
    this.requireRepository(repoId);
  }

  /**
   * Deletes a copy's record, then its data. 404 when there is no record, unless `missingOk` (an upload of it was
   * just aborted: that was all there was).
   */
  async deleteCopy(copyId: string, missingOk: boolean): Promise<void> {
    if (!this.copies.has(copyId)) {
      if (missingOk) return;
      throw new NotFoundError(`copy '${copyId}' not found`);
    }
    await this.writes.run(`copy:${copyId}`, async () => {
      // The record first: once it is gone the copy is invisible; a crash before the data unlink is cleaned at start.
      await removeDurably(pathInside(this.layout.copies, `${copyId}.json`));
      this.copies.delete(copyId);
      await removeDurably(pathInside(this.layout.data, copyId));
    });
  }

  /** Size and digest of a landed copy; 404 when unknown or its data has not landed. */
  landed(copyId: string): LandedData {
    assertSafeId('copyId', copyId);
    const rec = this.copies.get(copyId);
    if (!rec) throw new NotFoundError(`copy '${copyId}' not found`);
    if (!rec.data) throw new NotFoundError(`copy '${copyId}' has no data yet`);
    return rec.data;
  }

  persistCopy(copyId: string, rec: CopyRecord): Promise<void> {
    return this.writeThrough(this.copies, copyId, `copy:${copyId}`, pathInside(this.layout.copies, `${copyId}.json`), rec);
  }

  /**
   * Puts `value` in the cache at once (reads see it while it is written), then writes it to `file` atomically, after
   * any earlier write of the same file (`queue`). A failed write puts back what the cache held before, unless a later
   * change replaced the value meanwhile.
   */
  private async writeThrough<V>(cache: Map<string, V>, id: string, queue: string, file: string, value: V): Promise<void> {
    const prev = cache.get(id);
    cache.set(id, value);
    try {
      await this.writes.run(queue, () => writeJsonAtomic(file, value, this.layout.tmp));
    } catch (err) {
      if (prev) cache.set(id, prev); else if (cache.get(id) === value) cache.delete(id);
      throw err;
    }
  }
}

/** The copy cache, keeping the listing index in step with every set and delete (including a failed write's undo). */
class IndexedCopies extends Map<string, CopyRecord> {
  constructor(private readonly index: CopyIndex) { super(); }
  override set(id: string, r: CopyRecord): this {
    super.set(id, r);
    this.index.upsert(id, timeOf(r.metadata.copyTimeStamp), repoOf(r));
    return this;
  }
  override delete(id: string): boolean {
    this.index.remove(id);
    return super.delete(id);
  }
}

function repoOf(r: CopyRecord): string {
  return r.data?.repoId ?? r.metadata.repoId ?? DEFAULT_REPO_ID;
}

function timeOf(t: unknown): number {
  if (typeof t === 'number') return t;
  if (typeof t === 'string') { const ms = Date.parse(t); return Number.isNaN(ms) ? 0 : ms; }
  return -Infinity;
}
