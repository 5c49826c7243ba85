import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export type AppServiceStatus = 'stopped' | 'starting' | 'running' | 'error';

/** One app service as the PSB remembers it across restarts. */
export interface AppServiceRecord {
  space: string;
  appServiceId: string;
  imageName: string;
  imageVersion: string;
  /** argv as spawned (first element resolved to an executable) and its working directory. */
  command: string[];
  cwd: string;
  port: number;
  /** Process id; also the process group id (children are spawned detached). 0 when it never started. */
  pid: number;
  /** `/proc/<pid>/stat` start time: tells the recorded process from a later one that got the same pid. */
  procStartTime?: string;
  cmdline?: string;
  /** Epoch ms of the spawn. */
  startedAt: number;
  status: AppServiceStatus;
  statusMessage: string | null;
  entryPointURL: string | null;
  /** Folder holding stdout.log and stderr.log. */
  logDir: string;
}

interface RegistryFile { version: 1; appServices: AppServiceRecord[] }

/** The app services, as one JSON file replaced atomically (temp file, fsync, rename) on every change. */
export class JsonRegistry {
  constructor(readonly file: string) {}

  load(): AppServiceRecord[] {
    let raw: string;
    try { raw = readFileSync(this.file, 'utf8'); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const parsed = JSON.parse(raw) as RegistryFile;
    return Array.isArray(parsed.appServices) ? parsed.appServices : [];
  }

  save(records: AppServiceRecord[]): void {
    const body: RegistryFile = { version: 1, appServices: records };
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(body, null, 2));
      fsyncSync(fd);
    } finally { closeSync(fd); }
    renameSync(tmp, this.file);
  }
}
