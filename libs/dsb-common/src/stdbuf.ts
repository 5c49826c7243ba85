import { accessSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';

/**
 * coreutils' `stdbuf` on PATH, or undefined. Dump and restore tools written with C stdio (pg_dump, pg_restore,
 * mariadb-dump) move 4 KiB per system call on a pipe, and the broker then wakes once per 4 KiB; run under
 * `stdbuf --output=1M` they write 1 MiB at a time (dynamically linked tools only).
 */
export function findStdbuf(pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, 'stdbuf');
    try { accessSync(file, fsConstants.X_OK); return file; } catch { /* next */ }
  }
  return undefined;
}
