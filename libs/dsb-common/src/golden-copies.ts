import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { probeCopy, type CopyDigest, type CopyDigestAlgorithm, type CopyDownload, type CopyProbe } from '@ocopea/api';
import { redactCapabilities } from '@ocopea/errors';
import type { GoldenEntry, GoldenRegistry } from './golden-registry';
import type { InstanceRecord, LoadRecord, RestoreSource } from './instance-registry';

/**
 * What a backend does to keep golden copies and cut instances from them (optional part of a `DsbBackend`).
 * A golden is addressed by the name the broker gives it (`g_` + 16 hex digits); where it lives is the backend's.
 */
export interface GoldenBackend<E> {
  /** How clones are cut, as the broker's info and instance views say it (e.g. `template-file-copy`, `reflink`). */
  cloneMethod(): Promise<string>;
  /**
   * Loads a copy into a new golden `name`, from scratch: whatever an interrupted build left under that name is
   * dropped first. Call `openCopy` once the target exists; its stream errors at its end when the bytes are corrupt.
   */
  buildGolden(name: string, openCopy: () => Promise<Readable>, signal: AbortSignal): Promise<void>;
  /**
   * Whether golden `name` is there and nobody can have changed it since it was built (e.g. a database someone made
   * connectable again, or is connected to). A golden that is not intact is dropped and built again, never cloned.
   */
  goldenIntact(name: string): Promise<boolean>;
  /**
   * Creates the instance's data from golden `name`, owned by the instance alone (its own role, files, owner). The
   * instance may still have data (a reset, a create redone after a restart): the clone replaces it, in one step where
   * the backend can (clone aside, then swap), so an application is cut off for the swap, not for the whole clone.
   */
  cloneGolden(name: string, rec: InstanceRecord<E>, signal: AbortSignal): Promise<void>;
  /** Removes golden `name` (idempotent). */
  dropGolden(name: string): Promise<void>;
  /** Bytes golden `name` takes on storage. */
  goldenSize(name: string): Promise<number>;
  /** Optional: removes what a crash left aside mid-clone; called at start-up before any load. Returns what it removed. */
  sweepLeftovers?(): Promise<string[]>;
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Opens the copy's download, checking the digest `prefer` (the algorithm the golden is keyed by), aborted by
 * `signal` (a golden's build is not any one create's: it ends with the broker, not with the create that started it).
 */
export type OpenDownload = (prefer: CopyDigestAlgorithm, signal: AbortSignal) => Promise<CopyDownload>;

export interface GoldenCopiesOptions {
  /** Disk budget for all goldens, bytes; 0 turns golden copies off (every restore is a full restore). */
  budgetBytes: number;
  /** Asks the CRB about a copy (default `probeCopy`; tests pass a fake). */
  probe?: (src: RestoreSource, signal: AbortSignal) => Promise<CopyProbe>;
  now?: () => number;
}

/**
 * The golden copies of one broker: per CRB copy (id and digest) at most one, built by the first restore of that copy
 * and cloned by the next ones. Before every clone the CRB is asked whether the copy still exists with the digest the
 * golden was built from (otherwise the golden is dropped and the restore is a full one that builds a new golden).
 * Bounded by a disk budget, evicted least recently used, never while being built or cloned from (pins); a crash
 * mid-build leaves an entry `building`, which `recover` throws away.
 */
export class GoldenCopies<E> {
  private readonly pins = new Map<string, number>();
  private readonly builds = new Map<string, Promise<GoldenEntry>>();
  /** Stops builds when the broker closes (a build serves several waiting creates: no single caller's signal ends it). */
  private readonly closing = new AbortController();
  private readonly now: () => number;
  private readonly probe: (src: RestoreSource, signal: AbortSignal) => Promise<CopyProbe>;

  constructor(readonly backend: GoldenBackend<E>, readonly registry: GoldenRegistry, private readonly opts: GoldenCopiesOptions, private readonly log: Logger) {
    this.now = opts.now ?? Date.now;
    this.probe = opts.probe ?? ((src, signal) => probeCopy({ url: src.url, copyId: src.copyId, signal }));
  }

  get enabled(): boolean { return this.opts.budgetBytes > 0; }
  get budgetBytes(): number { return this.opts.budgetBytes; }

  list(): GoldenEntry[] { return this.registry.list(); }

  /** Throws away goldens a crash left half built. Call once before serving. */
  async recover(): Promise<void> {
    const swept = await this.backend.sweepLeftovers?.() ?? [];
    if (swept.length) this.log.warn({ left: swept }, 'removed what clones left aside when the broker stopped');
    for (const g of this.registry.list()) {
      if (g.state !== 'building') continue;
      this.log.warn({ golden: g.name, copyId: g.copyId }, 'golden copy was being built when the broker stopped: dropping it');
      await this.backend.dropGolden(g.name);
      await this.registry.delete(g.name);
    }
  }

  /**
   * Loads `rec` from its copy through a golden copy: a clone of a ready, checked golden (`local-clone`), or a full
   * restore into a new golden then a clone of it (`full-restore`). Undefined when no golden can be used — off, the
   * CRB announces no digest, the copy is larger than the budget, or the CRB could not be asked — and the caller
   * restores in full into the instance itself (which reports the CRB's failure if there is one).
   */
  async load(rec: InstanceRecord<E>, src: RestoreSource, download: OpenDownload, signal: AbortSignal): Promise<LoadRecord['path'] | undefined> {
    if (!this.enabled) return undefined;
    let probe: CopyProbe;
    try {
      probe = await this.probe(src, signal);
    } catch (err) {
      this.log.warn({ err, copyId: src.copyId }, `could not ask the CRB about copy ${src.copyId}: restoring in full without a golden copy (${redactCapabilities((err as Error).message)})`);
      return undefined;
    }
    if (!probe.found) {
      await this.dropWhere((g) => g.copyId === src.copyId, 'its copy is gone from the CRB');
      return undefined;
    }
    const digest: CopyDigest | undefined = probe.digests.sha256 ? { algorithm: 'sha256', hex: probe.digests.sha256 }
      : probe.digests.crc32 ? { algorithm: 'crc32', hex: probe.digests.crc32 } : undefined;
    if (!digest) return undefined; // nothing to check a golden against later
    if (probe.size !== undefined && probe.size > this.opts.budgetBytes) return undefined;
    await this.dropWhere((g) => g.copyId === src.copyId && g.state === 'ready' && g.digest.hex !== digest.hex, 'its copy in the CRB now has other bytes');

    const name = goldenName(src.copyId, digest);
    let path: LoadRecord['path'] = 'local-clone';
    // Pinned from here: no eviction or stale-drop by a concurrent load takes it away between check and clone.
    this.pin(name);
    try {
      let golden = this.registry.get(name);
      if (golden?.state === 'ready' && !this.builds.has(name) && !(await this.backend.goldenIntact(name))) {
        // Someone else may be cloning it right now (they checked it before it changed): leave it to them, go in full.
        if (this.pins.get(name) !== 1) return undefined;
        await this.drop(golden, 'it was changed or is in use (someone connected to it)');
        golden = undefined;
      }
      if (golden?.state !== 'ready' || this.builds.has(name)) {
        if (!this.builds.has(name)) path = 'full-restore';
        await this.build(name, src, digest, download);
      }
      if (signal.aborted) throw new Error('aborted');
      await this.backend.cloneGolden(name, rec, signal);
      await this.registry.update(name, { lastUsedAt: this.now(), uses: (this.registry.get(name)?.uses ?? 0) + 1 });
    } finally {
      this.unpin(name);
    }
    await this.enforceBudget();
    return path;
  }

  /** Stops builds under way. */
  close(): Promise<void> {
    this.closing.abort();
    return this.registry.flush();
  }

  /** One build per golden, whoever asks: ten deploys of a new copy at once restore it once. */
  private build(name: string, src: RestoreSource, digest: CopyDigest, download: OpenDownload): Promise<GoldenEntry> {
    let running = this.builds.get(name);
    if (running) return running;
    running = (async () => {
      const started = this.now();
      const entry: GoldenEntry = { name, copyId: src.copyId, digest, state: 'building', size: 0, builtAt: started, buildMs: 0, lastUsedAt: started, uses: 0 };
      await this.registry.put(entry);
      try {
        await this.backend.dropGolden(name);
        await this.backend.buildGolden(name, async () => {
          const dl = await download(digest.algorithm, this.closing.signal);
          // The download checks the bytes against what the CRB announces now; the golden is keyed by what it
          // announced when asked, so both must be the same copy.
          if (dl.expected?.hex !== digest.hex) {
            dl.stream.destroy();
            throw new Error(`copy ${src.copyId} changed in the CRB while its golden copy was being built (${digest.algorithm} ${digest.hex}, now ${dl.expected?.hex ?? 'none'})`);
          }
          return dl.stream;
        }, this.closing.signal);
        if (this.closing.signal.aborted) throw new Error('the broker is shutting down');
        const ready: GoldenEntry = { ...entry, state: 'ready', size: await this.backend.goldenSize(name), buildMs: this.now() - started, lastUsedAt: this.now() };
        await this.registry.put(ready);
        this.log.info({ golden: name, copyId: src.copyId, size: ready.size, ms: ready.buildMs }, 'golden copy built');
        return ready;
      } catch (err) {
        await this.backend.dropGolden(name).catch((e) => this.log.error({ err: e, golden: name }, 'could not drop a failed golden copy'));
        await this.registry.delete(name);
        throw err;
      }
    })().finally(() => this.builds.delete(name));
    this.builds.set(name, running);
    return running;
  }

  /** Evicts ready, unpinned goldens, least recently used first, until all fit the budget. */
  private async enforceBudget(): Promise<void> {
    const ready = this.registry.list().filter((g) => g.state === 'ready').sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    let total = ready.reduce((n, g) => n + g.size, 0);
    for (const g of ready) {
      if (total <= this.opts.budgetBytes) break;
      if (this.pins.has(g.name)) continue;
      await this.drop(g, `the golden copies take ${total} bytes, over the budget of ${this.opts.budgetBytes}`);
      total -= g.size;
    }
  }

  private async dropWhere(match: (g: GoldenEntry) => boolean, why: string): Promise<void> {
    for (const g of this.registry.list()) {
      if (match(g) && g.state === 'ready' && !this.pins.has(g.name)) await this.drop(g, why);
    }
  }

  private async drop(g: GoldenEntry, why: string): Promise<void> {
    this.log.info({ golden: g.name, copyId: g.copyId, size: g.size }, `dropping golden copy: ${why}`);
    await this.backend.dropGolden(g.name);
    await this.registry.delete(g.name);
  }

  private pin(name: string): void { this.pins.set(name, (this.pins.get(name) ?? 0) + 1); }
  private unpin(name: string): void {
    const n = (this.pins.get(name) ?? 1) - 1;
    if (n > 0) this.pins.set(name, n); else this.pins.delete(name);
  }
}

/** `g_` + 16 hex digits of SHA-256(copy id, digest): one golden per copy content, short enough for any backend. */
export function goldenName(copyId: string, digest: CopyDigest): string {
  return `g_${createHash('sha256').update(`${copyId}\n${digest.algorithm}:${digest.hex}`).digest('hex').slice(0, 16)}`;
}
