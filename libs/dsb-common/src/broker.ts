import type { Readable } from 'node:stream';
import { COPY_PROTOCOL, COPY_PROTOCOL_VERSION, downloadCopy, uploadCopy, type CopyDigestAlgorithm } from '@ocopea/api';
import { BadRequestError, ConflictError, NotFoundError, OcopeaError, redactCapabilities } from '@ocopea/errors';
import { checkCopyProtocol, crbLocation, checkCrbId } from './copy-protocol';
import type { GoldenCopies } from './golden-copies';
import type { InstanceRecord, InstanceRegistry, InstanceState, LoadRecord } from './instance-registry';

/** A plan as a backend offers it (`copyProtocols` are added by the broker: always shpanRest 1.0). */
export interface PlanInfo {
  id: string;
  name: string;
  description?: string;
  price?: string;
  protocols: { protocol: string; version?: string | null; properties?: Record<string, string> }[];
  dsbSettings?: Record<string, string>;
}

export interface BrokerInfo {
  name: string;
  type: string;
  description: string;
  plans: PlanInfo[];
}

/** What a client sees of an instance besides id and state. */
export interface InstanceView {
  binding?: Record<string, string>;
  bindingPorts?: { protocol: string; destination: string; port: number }[];
  storageType: string;
  size?: number;
}

/** A running dump: its bytes and whether its producer succeeded. */
export interface DumpStream {
  stream: Readable;
  /** Resolves when the producer finished successfully (e.g. pg_dump exited 0); rejects otherwise. */
  succeeded: Promise<void>;
  /** Stops the producer (the copy failed elsewhere). */
  kill(): void;
}

/** The part of a DSB that knows its kind of data service; `E` is what it keeps per instance. */
export interface DsbBackend<E> {
  /** Sent to the CRB as the `dsb` hint header. */
  readonly name: string;
  /** Sent to the CRB as the `facility` hint header (e.g. `pg_dump`). */
  readonly facility: string;
  info(): Promise<BrokerInfo>;
  icon?(): { contentType: 'image/svg+xml' | 'image/png'; body: Buffer } | undefined;
  /** Validates the settings for `plan` and derives the backend's own data (names, generated secrets). Throws 400. */
  prepare(instanceId: string, plan: PlanInfo, settings: Record<string, string>): E;
  /** Throws a 503 (`UnavailableError`) when the backing server cannot be reached. */
  ping(): Promise<void>;
  /**
   * Optional: throws a 409 when what a new instance would use (database, role, directory) already exists on the
   * backing server, e.g. left by another broker sharing it. Called for new instances only, never on recovery.
   */
  ensureFree?(instanceId: string, extra: E): Promise<void>;
  /**
   * Creates the instance; with `openCopy`, loads the copy into it (call `openCopy` once the target exists; the stream
   * errors at its end when the bytes are corrupt). Must be safe to run again after an interrupted attempt.
   */
  create(rec: InstanceRecord<E>, openCopy: (() => Promise<Readable>) | undefined, signal: AbortSignal): Promise<void>;
  /** Throws away the data of a failed or interrupted create so nothing half-loaded looks healthy (idempotent). */
  discard(rec: InstanceRecord<E>): Promise<void>;
  /** Removes the instance and its data (idempotent). */
  remove(rec: InstanceRecord<E>): Promise<void>;
  describe(rec: InstanceRecord<E>): Promise<InstanceView>;
  /** Starts dumping a RUNNING instance. */
  dump(rec: InstanceRecord<E>): DumpStream;
}

export interface CreateRequest {
  instanceId: string;
  namespaces?: string[] | null;
  instanceSettings: Record<string, string>;
  restoreInfo?: {
    copyId?: string;
    copyRepoProtocol?: string;
    copyRepoProtocolVersion?: string | null;
    copyRepoCredentials?: Record<string, string> | null;
    copyType?: string | null;
  } | null;
}

export interface CopyRequest {
  copyId: string;
  copyRepoProtocol?: string | null;
  copyRepoProtocolVersion?: string | null;
  copyRepoCredentials?: Record<string, string> | null;
  copyType?: string | null;
  copyTime?: number | null;
}

export interface InstanceDetails extends InstanceView {
  instanceId: string;
  state: InstanceState;
  stateMessage: string | null;
  /** Extension: the copy the instance was created from, and how its data got there the last time (create or reset). */
  restoredFrom?: { copyId: string; path?: LoadRecord['path']; ms?: number; at?: number };
}

/** Extension of the broker's info: what it can do beyond the orcs contract. */
export interface BrokerCapabilities {
  /** `POST /service_instances/{id}/reset` brings an instance created from a copy back to that copy. */
  reset: boolean;
  /** How instances of a copy already restored here are cut locally (null: every restore is a full one). */
  localClone: { method: string; budgetBytes: number } | null;
}

export interface CopyOutcome {
  status: 0;
  statusMessage: string;
  copyId: string;
  size: number;
  checksum: string;
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const quietLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** How the broker streams copies. */
export interface StreamingOptions {
  /** Told of every byte copied to or restored from a CRB (main wires the process's stream reclaimer). */
  onBytes?: (bytes: number) => void;
  /**
   * The digest the broker computes itself to check copies in transit, both ways (default `crc32`). `sha256` costs
   * the broker 0.4 CPU-s more per GB each way (0.63 against 0.25); it is for CRBs that announce SHA-256 only, which the broker can
   * otherwise not check an upload against (a restore from one is checked with SHA-256 whatever this says).
   */
  digest?: CopyDigestAlgorithm;
  /** How long a CRB may make no progress while awaited before a copy (502) or restore (ERROR) fails; default
   * `CRB_IDLE_TIMEOUT_MS` (120 s), 0 = never. See `CrbDataOptions.idleTimeoutMs` (@ocopea/api). */
  crbIdleTimeoutMs?: number;
}

/** `DSB_COPY_DIGEST` (`crc32` or `sha256`, default crc32): see `StreamingOptions.digest`. */
export function copyDigestFromEnv(env: NodeJS.ProcessEnv = process.env): CopyDigestAlgorithm {
  const v = (env.DSB_COPY_DIGEST ?? '').trim().toLowerCase();
  if (v === '') return 'crc32';
  if (v === 'crc32' || v === 'sha256') return v;
  throw new Error(`DSB_COPY_DIGEST must be crc32 or sha256, got '${env.DSB_COPY_DIGEST}'`);
}

/**
 * The DSB contract on top of a backend: validation, the CREATING → RUNNING | ERROR lifecycle run in the
 * background, removal, synchronous copies streamed to the CRB, and recovery after a restart (instances left
 * CREATING are created again from scratch, instances left REMOVING are removed).
 */
export class DsbBroker<E> {
  private readonly tasks = new Map<string, { abort: AbortController; done: Promise<void> }>();
  /** Copies under way: what aborts each, and which instance it copies (a DELETE aborts that instance's copies). */
  private readonly copies = new Map<AbortController, { instanceId: string; done: Promise<unknown> }>();
  /** Instances a DELETE is taking down: no new copy of them may start. */
  private readonly deleting = new Set<string>();
  private closed = false;

  /** Golden copies thrown away after a crash before any load may use them. */
  private goldensReady: Promise<void> = Promise.resolve();

  constructor(readonly backend: DsbBackend<E>, readonly registry: InstanceRegistry<E>, private readonly log: Logger = quietLog, private readonly streaming: StreamingOptions = {},
    readonly goldens?: GoldenCopies<E>) {}

  /** Resumes what a previous process left half done. Call once before serving. */
  recover(): void {
    if (this.goldens) {
      this.goldensReady = this.goldens.recover().catch((err) => this.log.error({ err }, 'could not drop half-built golden copies'));
    }
    for (const rec of this.registry.list()) {
      if (rec.state === 'CREATING') {
        this.log.warn({ instanceId: rec.instanceId }, 'instance was CREATING when the broker stopped: creating it again');
        this.runCreate(rec, true);
      } else if (rec.state === 'REMOVING') {
        this.log.warn({ instanceId: rec.instanceId }, 'instance was REMOVING when the broker stopped: removing it again');
        this.runRemove(rec);
      }
    }
  }

  async info() {
    const i = await this.backend.info();
    const g = this.goldens?.enabled ? this.goldens : undefined;
    const capabilities: BrokerCapabilities = { reset: true, localClone: g ? { method: await g.backend.cloneMethod(), budgetBytes: g.budgetBytes } : null };
    return {
      ...i,
      capabilities,
      plans: i.plans.map((p) => ({ ...p, dsbSettings: p.dsbSettings ?? {}, copyProtocols: [{ copyProtocol: COPY_PROTOCOL, copyProtocolVersion: COPY_PROTOCOL_VERSION }] })),
    };
  }

  async create(req: CreateRequest): Promise<{ instanceId: string }> {
    if (this.closed) throw new OcopeaError(503, 'unavailable', 'the broker is shutting down');
    const { plans } = await this.backend.info();
    const settings = { ...(req.instanceSettings ?? {}) };
    const planId = settings.plan;
    const plan = planId === undefined || planId === '' ? plans[0] : plans.find((p) => p.id === planId);
    if (!plan) throw new BadRequestError(`unknown plan '${planId}'; plans: ${plans.map((p) => p.id).join(', ')}`);
    let restore: InstanceRecord<E>['restore'] = null;
    if (req.restoreInfo) {
      const r = req.restoreInfo;
      if (!r.copyId) throw new BadRequestError('restoreInfo.copyId is required');
      checkCrbId(r.copyId, 'restoreInfo.copyId');
      checkCopyProtocol(r.copyRepoProtocol, r.copyRepoProtocolVersion);
      const crb = crbLocation(r.copyRepoCredentials);
      restore = { copyId: r.copyId, url: crb.url, repoId: crb.repoId, copyType: r.copyType ?? null };
    }
    const extra = this.backend.prepare(req.instanceId, plan, settings);
    if (this.registry.get(req.instanceId)) throw new ConflictError(`service instance '${req.instanceId}' already exists`);
    await this.backend.ping();
    await this.backend.ensureFree?.(req.instanceId, extra);
    if (this.registry.get(req.instanceId)) throw new ConflictError(`service instance '${req.instanceId}' already exists`);
    const rec: InstanceRecord<E> = {
      instanceId: req.instanceId, plan: plan.id, settings, namespaces: req.namespaces ?? null,
      state: 'CREATING', stateMessage: null, createdAt: Date.now(), restore, extra,
    };
    await this.registry.put(rec);
    this.runCreate(rec, false);
    return { instanceId: rec.instanceId };
  }

  list(): { instanceId: string }[] {
    return this.registry.list().map((r) => ({ instanceId: r.instanceId }));
  }

  async get(id: string): Promise<InstanceDetails> {
    const rec = this.require(id);
    let view: InstanceView = { storageType: '' };
    try {
      view = await this.backend.describe(rec);
    } catch (err) {
      this.log.warn({ err, instanceId: id }, 'could not describe instance');
    }
    const running = rec.state === 'RUNNING';
    return {
      instanceId: rec.instanceId,
      ...(running && view.binding ? { binding: view.binding } : {}),
      ...(view.bindingPorts ? { bindingPorts: view.bindingPorts } : {}),
      storageType: view.storageType,
      ...(view.size !== undefined ? { size: view.size } : {}),
      state: rec.state,
      stateMessage: rec.stateMessage,
      ...(rec.restore ? { restoredFrom: { copyId: rec.restore.copyId, ...(rec.loaded ?? {}) } } : {}),
    };
  }

  /**
   * Extension: brings an instance created from a copy back to that copy, keeping its endpoint and credentials (its
   * data is dropped and loaded again — from the golden copy when the broker keeps one). The instance is `CREATING`
   * until done, then `RUNNING` or `ERROR`, as after a create; a restart mid-reset redoes it. 409 for an instance not
   * created from a copy, not `RUNNING` or `ERROR`, being deleted or being copied (its copy would read half-reset data).
   */
  async reset(id: string): Promise<{ instanceId: string }> {
    if (this.closed) throw new OcopeaError(503, 'unavailable', 'the broker is shutting down');
    const check = () => {
      const rec = this.require(id);
      if (!rec.restore) throw new ConflictError(`service instance '${id}' was not created from a copy: there is nothing to reset it to`);
      if (this.deleting.has(id) || rec.state === 'REMOVING') throw new ConflictError(`service instance '${id}' is being deleted`);
      if (rec.state !== 'RUNNING' && rec.state !== 'ERROR') throw new ConflictError(`service instance '${id}' is ${rec.state}; only a RUNNING or ERROR instance can be reset`);
      if ([...this.copies.values()].some((c) => c.instanceId === id)) throw new ConflictError(`service instance '${id}' is being copied; reset it once the copy is done`);
      return rec;
    };
    check();
    await this.backend.ping();
    check(); // again: a copy or a delete may have started while the server was asked
    const next = await this.registry.update(id, { state: 'CREATING', stateMessage: null, loaded: null });
    this.log.info({ instanceId: id, copyId: next!.restore!.copyId }, 'resetting instance to its copy');
    this.runCreate(next!, true);
    return { instanceId: id };
  }

  /**
   * Removes an instance. A create or restore under way is aborted first; so are copies of it under way, which then
   * answer 409 and leave nothing in the CRB. A copy must not go on reading what is being deleted: pg_dump died of
   * the terminated connections (a 500), and a tar of a half-deleted volume finished as a copy 200 MB short.
   */
  async delete(id: string): Promise<{ instanceId: string }> {
    const rec = this.require(id);
    if (rec.state === 'REMOVING') return { instanceId: id };
    this.deleting.add(id);
    try {
      await this.backend.ping();
      const task = this.tasks.get(id);
      if (task) { task.abort.abort(); await task.done; }
      const copies = [...this.copies].filter(([, c]) => c.instanceId === id);
      for (const [abort] of copies) abort.abort(new ConflictError(`service instance '${id}' was deleted while this copy ran; nothing was kept`));
      await Promise.allSettled(copies.map(([, c]) => c.done));
      const cur = this.registry.get(id);
      if (!cur) throw new NotFoundError(`service instance '${id}' not found`);
      if (cur.state !== 'REMOVING') {
        const removing = await this.registry.update(id, { state: 'REMOVING', stateMessage: null });
        this.runRemove(removing!);
      }
    } finally {
      this.deleting.delete(id);
    }
    return { instanceId: id };
  }

  async copy(id: string, req: CopyRequest): Promise<CopyOutcome> {
    if (!req.copyId) throw new BadRequestError('copyId is required');
    checkCrbId(req.copyId, 'copyId');
    checkCopyProtocol(req.copyRepoProtocol, req.copyRepoProtocolVersion);
    const crb = crbLocation(req.copyRepoCredentials);
    const rec = this.require(id);
    if (rec.state !== 'RUNNING') throw new ConflictError(`service instance '${id}' is ${rec.state}, not RUNNING`);
    if (this.deleting.has(id)) throw new ConflictError(`service instance '${id}' is being deleted`);
    const abort = new AbortController();
    let finished!: () => void;
    this.copies.set(abort, { instanceId: id, done: new Promise<void>((r) => { finished = r; }) });
    const dump = this.backend.dump(rec);
    const started = Date.now();
    try {
      const up = await uploadCopy({
        crb, copyId: req.copyId, source: dump.stream, sourceSucceeded: dump.succeeded, signal: abort.signal, onBytes: this.streaming.onBytes, digest: this.streaming.digest, idleTimeoutMs: this.streaming.crbIdleTimeoutMs,
        hints: { dsb: this.backend.name, copyTimestamp: req.copyTime ?? Date.now(), facility: this.backend.facility },
      });
      this.log.info({ instanceId: id, copyId: req.copyId, size: up.size, ms: Date.now() - started, digest: up.digest, confirmed: up.confirmed }, 'copy stored');
      if (!up.confirmed) {
        this.log.warn({ instanceId: id, copyId: req.copyId, crb: redactCapabilities(crb.url), digest: up.digest },
          `the CRB did not confirm the copy's ${up.digest.algorithm}: its bytes were checked in transit by TCP only`);
      }
      // The checksum that describes the copy for its lifetime is the CRB's SHA-256 (checked against ours when we
      // computed one); a CRB that announces none leaves ours.
      const checksum = up.crbSha256 ? `sha256:${up.crbSha256}` : `${up.digest.algorithm}:${up.digest.hex}`;
      return { status: 0, statusMessage: 'copy stored', copyId: req.copyId, size: up.size, checksum };
    } catch (err) {
      dump.kill();
      // Aborted by a DELETE: its reason says so (the upload only knows that it was aborted).
      const reason: unknown = abort.signal.aborted ? abort.signal.reason : undefined;
      const cause = reason instanceof OcopeaError ? reason : err;
      this.log.error({ err, instanceId: id, copyId: req.copyId }, `copy failed: ${(cause as Error).message}`);
      throw cause;
    } finally {
      this.copies.delete(abort);
      finished();
    }
  }

  /** Stops background work (interrupted creates stay CREATING and are redone by the next `recover`). */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.copies.keys()) c.abort();
    const pending = [...this.tasks.values()];
    for (const t of pending) t.abort.abort();
    await this.goldens?.close();
    await Promise.all(pending.map((t) => t.done));
    await this.registry.flush();
    await this.goldens?.registry.flush();
  }

  /** Waits until no background task runs for `id` (tests). */
  async settled(id: string): Promise<void> {
    await this.tasks.get(id)?.done;
  }

  private require(id: string): InstanceRecord<E> {
    const rec = this.registry.get(id);
    if (!rec) throw new NotFoundError(`service instance '${id}' not found`);
    return rec;
  }

  private track(id: string, work: (signal: AbortSignal) => Promise<void>): void {
    const abort = new AbortController();
    const done = work(abort.signal).catch((err) => this.log.error({ err, instanceId: id }, 'background task failed')).finally(() => {
      if (this.tasks.get(id)?.done === done) this.tasks.delete(id);
    });
    this.tasks.set(id, { abort, done });
  }

  private runCreate(rec: InstanceRecord<E>, again: boolean): void {
    const id = rec.instanceId;
    this.track(id, async (signal) => {
      try {
        const src = rec.restore;
        // A reset (or a create redone after a restart) through a golden leaves the old data in place until the
        // clone replaces it (GoldenBackend.cloneGolden); any other load needs it gone first.
        let stale = again;
        const discardStale = async () => { if (stale) { await this.backend.discard(rec); stale = false; } };
        if (!(src && this.goldens?.enabled)) await discardStale();
        const download = (prefer = this.streaming.digest, until = signal) => downloadCopy({
          url: src!.url, copyId: src!.copyId, signal: until, onBytes: this.streaming.onBytes, prefer, idleTimeoutMs: this.streaming.crbIdleTimeoutMs,
        });
        const started = Date.now();
        let path: LoadRecord['path'] | undefined;
        if (src && this.goldens) {
          await this.goldensReady;
          path = await this.goldens.load(rec, src, download, signal);
        }
        if (!path) {
          await discardStale();
          await this.backend.create(rec, src ? async () => (await download()).stream : undefined, signal);
          if (src) path = 'full-restore';
        }
        if (signal.aborted) throw new Error('aborted');
        const loaded: LoadRecord | null = path ? { path, ms: Date.now() - started, at: Date.now() } : null;
        await this.registry.update(id, { state: 'RUNNING', stateMessage: null, loaded });
        this.log.info({ instanceId: id, restoredFrom: src?.copyId, ...(loaded ?? {}) }, 'instance RUNNING');
      } catch (err) {
        if (signal.aborted) {
          // Shutting down or being deleted: leave the state to whoever aborted us (restart redoes CREATING).
          await this.backend.discard(rec).catch(() => undefined);
          return;
        }
        const message = `${rec.restore ? `restore of copy ${rec.restore.copyId} failed` : 'creation failed'}: ${(err as Error).message}`;
        this.log.error({ err, instanceId: id }, message);
        await this.backend.discard(rec).catch((e) => this.log.error({ err: e, instanceId: id }, 'could not discard a failed instance'));
        await this.registry.update(id, { state: 'ERROR', stateMessage: redactCapabilities(message) });
      }
    });
  }

  private runRemove(rec: InstanceRecord<E>): void {
    const id = rec.instanceId;
    this.track(id, async () => {
      try {
        await this.backend.remove(rec);
        await this.registry.delete(id);
        this.log.info({ instanceId: id }, 'instance removed');
      } catch (err) {
        this.log.error({ err, instanceId: id }, 'removal failed');
        await this.registry.update(id, { state: 'ERROR', stateMessage: `removal failed: ${(err as Error).message}` });
      }
    });
  }
}
