/** Where the notes live, decided from the environment only (no I/O). */
export type StorageConfig =
  | { kind: 'postgres'; uri: string; source: string }
  | { kind: 'mysql'; uri: string; source: string }
  | { kind: 'files'; dir: string; source: string };

interface Binding { serviceName?: string | null; bindInfo?: Record<string, string> | null }

const PG_URI = /^postgres(ql)?:\/\//;
const MYSQL_URI = /^(mysql|mariadb):\/\//;
const BINDINGS_VARS = ['OCOPEA_SERVICE_BINDINGS', 'NAZ_MS_API_K8S_BINDINGS'];

/**
 * Picks the storage:
 * 1. `NOTES_DATABASE_URL` (e.g. a template variable `${notes-db.uri}` the PSB filled in) → PostgreSQL, or
 *    MariaDB/MySQL for a `mysql://` or `mariadb://` URL;
 * 2. `NOTES_DIR` (e.g. `${notes-files.path}`) → one JSON file per note in that directory;
 * 3. otherwise the bindings JSON a PSB passes (`OCOPEA_SERVICE_BINDINGS`, or the orcs name `NAZ_MS_API_K8S_BINDINGS`):
 *    the first bindInfo with a postgres or mysql `uri`, else the first with a `path`.
 * Throws (the app refuses to start) when none applies.
 */
export function storageFromEnv(env: NodeJS.ProcessEnv): StorageConfig {
  const url = env.NOTES_DATABASE_URL?.trim();
  if (url) return { kind: MYSQL_URI.test(url) ? 'mysql' : 'postgres', uri: url, source: 'NOTES_DATABASE_URL' };
  const dir = env.NOTES_DIR?.trim();
  if (dir) return { kind: 'files', dir, source: 'NOTES_DIR' };
  for (const name of BINDINGS_VARS) {
    const raw = env[name];
    if (!raw) continue;
    let parsed: unknown;
    try { parsed = JSON.parse(raw); } catch { throw new Error(`${name} is not valid JSON`); }
    const bindings: Binding[] = [];
    for (const list of Object.values((parsed ?? {}) as Record<string, Binding[] | null>)) {
      if (Array.isArray(list)) bindings.push(...list.filter((b) => b && typeof b === 'object'));
    }
    const db = bindings.find((b) => PG_URI.test(b.bindInfo?.uri ?? '') || MYSQL_URI.test(b.bindInfo?.uri ?? ''));
    if (db) return { kind: MYSQL_URI.test(db.bindInfo!.uri) ? 'mysql' : 'postgres', uri: db.bindInfo!.uri, source: `${name} binding '${db.serviceName ?? '?'}'` };
    const fs = bindings.find((b) => typeof b.bindInfo?.path === 'string' && b.bindInfo.path !== '');
    if (fs) return { kind: 'files', dir: fs.bindInfo!.path, source: `${name} binding '${fs.serviceName ?? '?'}'` };
  }
  throw new Error('notes-app needs a storage: set NOTES_DATABASE_URL (a postgres or mysql URI) or NOTES_DIR (a directory), ' +
    'or pass a postgres or mysql binding (bindInfo.uri) or a volume binding (bindInfo.path) in OCOPEA_SERVICE_BINDINGS');
}
