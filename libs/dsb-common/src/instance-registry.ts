import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WriteQueue, writeFileAtomic } from './atomic-file';

/** Lifecycle state of an instance, as it travels on the wire (upper case). */
export type InstanceState = 'CREATING' | 'RUNNING' | 'ERROR' | 'REMOVING';

/** Where a restore pulls its copy from. */
export interface RestoreSource {
  copyId: string;
  url: string;
  repoId: string;
  copyType?: string | null;
}

/** One instance as the registry keeps it; `extra` is the broker's own data (names, generated password, path). */
export interface InstanceRecord<E> {
  instanceId: string;
  plan: string;
  settings: Record<string, string>;
  namespaces?: string[] | null;
  state: InstanceState;
  stateMessage: string | null;
  createdAt: number;
  restore: RestoreSource | null;
  /** How the instance's data was last loaded from its copy (absent for an empty instance or before it ran). */
  loaded?: LoadRecord | null;
  extra: E;
}

/**
 * How a copy came into an instance: `full-restore` (downloaded from the CRB and replayed by the backend's tool) or
 * `local-clone` (cut from a golden copy the broker keeps), how long it took and when it finished.
 */
export interface LoadRecord {
  path: 'full-restore' | 'local-clone';
  ms: number;
  at: number;
}

interface RegistryFile<E> { version: 1; instances: InstanceRecord<E>[] }

/**
 * The instances a DSB knows, in memory, persisted after each change as one JSON file written atomically (temp
 * file, fsync, rename, fsync of the directory), so a crash leaves either the old or the new file — never half of
 * one. Writes are serialised. The file may hold secrets (generated passwords): it is created with mode 0600.
 */
export class InstanceRegistry<E> {
  private readonly items = new Map<string, InstanceRecord<E>>();
  private readonly writes = new WriteQueue();

  private constructor(readonly file: string) {}

  /** Loads `file` (missing = empty registry). A corrupt file is an error: we never silently forget instances. */
  static open<E>(file: string): InstanceRegistry<E> {
    const reg = new InstanceRegistry<E>(file);
    mkdirSync(path.dirname(file), { recursive: true });
    let text: string | undefined;
    try { text = readFileSync(file, 'utf8'); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; }
    if (text !== undefined) {
      const parsed = JSON.parse(text) as RegistryFile<E>;
      if (parsed.version !== 1 || !Array.isArray(parsed.instances)) throw new Error(`${file}: not an instance registry (version 1)`);
      for (const r of parsed.instances) reg.items.set(r.instanceId, r);
    }
    return reg;
  }

  get(id: string): InstanceRecord<E> | undefined {
    const r = this.items.get(id);
    return r && structuredClone(r);
  }

  list(): InstanceRecord<E>[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt || a.instanceId.localeCompare(b.instanceId)).map((r) => structuredClone(r));
  }

  /** Inserts or replaces a record and waits until it is on disk. */
  async put(rec: InstanceRecord<E>): Promise<void> {
    this.items.set(rec.instanceId, structuredClone(rec));
    await this.persist();
  }

  /** Changes some fields of an existing record (no-op when it is gone) and waits until it is on disk. */
  async update(id: string, change: Partial<Omit<InstanceRecord<E>, 'instanceId'>>): Promise<InstanceRecord<E> | undefined> {
    const cur = this.items.get(id);
    if (!cur) return undefined;
    const next = { ...cur, ...structuredClone(change) };
    this.items.set(id, next);
    await this.persist();
    return structuredClone(next);
  }

  async delete(id: string): Promise<void> {
    if (this.items.delete(id)) await this.persist();
  }

  /** Waits for pending writes. */
  flush(): Promise<void> { return this.writes.flush(); }

  private persist(): Promise<void> {
    return this.writes.run(() => writeFileAtomic(this.file, JSON.stringify({ version: 1, instances: [...this.items.values()] } satisfies RegistryFile<E>, null, 1)));
  }
}
