import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CopyDigest } from '@ocopea/api';
import { WriteQueue, writeFileAtomic } from './atomic-file';

/**
 * A golden copy: the data of one CRB copy, loaded once, kept by the broker near its instances and never used by an
 * application; new instances of the same copy are cut from it. `building` until the load finished and was checked:
 * a golden found `building` after a restart is a crash mid-build and is thrown away, never cloned.
 */
export interface GoldenEntry {
  /** The backend's name for it (a database name part, a directory name): `g_` + 16 hex digits of its key. */
  name: string;
  copyId: string;
  /** The digest the CRB announced for the copy the golden was built from; a clone checks it is still the CRB's. */
  digest: CopyDigest;
  state: 'building' | 'ready';
  /** Bytes it takes on the backend's storage (0 while building). */
  size: number;
  builtAt: number;
  /** How long the full restore into it took. */
  buildMs: number;
  lastUsedAt: number;
  uses: number;
}

interface GoldenFile { version: 1; goldens: GoldenEntry[] }

/** The golden copies a broker keeps, persisted like the instance registry (one JSON file, atomic writes, 0600). */
export class GoldenRegistry {
  private readonly items = new Map<string, GoldenEntry>();
  private readonly writes = new WriteQueue();

  private constructor(readonly file: string) {}

  /** Loads `file` (missing = none). A corrupt file is an error: a forgotten golden would be a leak on the server. */
  static open(file: string): GoldenRegistry {
    const reg = new GoldenRegistry(file);
    mkdirSync(path.dirname(file), { recursive: true });
    let text: string | undefined;
    try { text = readFileSync(file, 'utf8'); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; }
    if (text !== undefined) {
      const parsed = JSON.parse(text) as GoldenFile;
      if (parsed.version !== 1 || !Array.isArray(parsed.goldens)) throw new Error(`${file}: not a golden copy registry (version 1)`);
      for (const g of parsed.goldens) reg.items.set(g.name, g);
    }
    return reg;
  }

  get(name: string): GoldenEntry | undefined {
    const g = this.items.get(name);
    return g && { ...g };
  }

  list(): GoldenEntry[] {
    return [...this.items.values()].map((g) => ({ ...g }));
  }

  async put(entry: GoldenEntry): Promise<void> {
    this.items.set(entry.name, { ...entry });
    await this.persist();
  }

  async update(name: string, change: Partial<Omit<GoldenEntry, 'name'>>): Promise<void> {
    const cur = this.items.get(name);
    if (!cur) return;
    this.items.set(name, { ...cur, ...change });
    await this.persist();
  }

  async delete(name: string): Promise<void> {
    if (this.items.delete(name)) await this.persist();
  }

  flush(): Promise<void> { return this.writes.flush(); }

  private persist(): Promise<void> {
    return this.writes.run(() => writeFileAtomic(this.file, JSON.stringify({ version: 1, goldens: [...this.items.values()] } satisfies GoldenFile, null, 1)));
  }
}
