import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, watchFile, unwatchFile } from 'node:fs';
import { parse } from 'yaml';
import { isRole, type Principal, type Role } from './roles';

/** One static credential: the token itself is never kept, only its SHA-256. */
export interface TokenEntry { name: string; role: Role; sha256: Buffer }

export const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * The static tokens a service accepts: the admin token (env, file or generated) and the principals of
 * `OCOPEA_TOKENS_FILE`. A lookup hashes the presented token and compares it with every entry in constant time
 * (no early exit), so neither the answer's timing nor its position in the list tells anything about a token.
 */
export class TokenBook {
  private entries: TokenEntry[] = [];
  private fileEntries: TokenEntry[] = [];

  constructor(fixed: TokenEntry[] = []) { this.entries = fixed; }

  lookup(token: string): Principal | undefined {
    const h = sha256(token);
    let found: TokenEntry | undefined;
    for (const e of [...this.entries, ...this.fileEntries]) if (timingSafeEqual(h, e.sha256) && !found) found = e;
    return found && { name: found.name, role: found.role, via: 'token' };
  }

  get size(): number { return this.entries.length + this.fileEntries.length; }

  /** Replaces the tokens-file principals (on start, on change, on SIGHUP). */
  setFileEntries(entries: TokenEntry[]): void { this.fileEntries = entries; }
}

/**
 * Reads a tokens file: YAML or JSON, `{principals: [{name, role, sha256}]}` (or the list alone). `sha256` is the
 * hex SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`), so the file holds no secret. Throws on anything
 * else, naming the file and the entry.
 */
export function readTokensFile(file: string): TokenEntry[] {
  let doc: unknown;
  try { doc = parse(readFileSync(file, 'utf8')); } catch (err) { throw new Error(`OCOPEA_TOKENS_FILE ${file}: ${(err as Error).message}`); }
  const list = Array.isArray(doc) ? doc : (doc as { principals?: unknown } | null)?.principals;
  if (!Array.isArray(list)) throw new Error(`OCOPEA_TOKENS_FILE ${file}: expected {principals: [{name, role, sha256}]}`);
  const names = new Set<string>();
  return list.map((x, i) => {
    const e = x as { name?: unknown; role?: unknown; sha256?: unknown };
    const where = `OCOPEA_TOKENS_FILE ${file}: principals[${i}]`;
    if (typeof e?.name !== 'string' || !/^[\w.@:-]{1,128}$/.test(e.name)) throw new Error(`${where}: name must be 1-128 letters, digits or _.@:-`);
    if (names.has(e.name)) throw new Error(`${where}: name '${e.name}' appears twice`);
    names.add(e.name);
    if (!isRole(e.role)) throw new Error(`${where} (${e.name}): role must be viewer, operator or admin`);
    if (typeof e.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(e.sha256)) throw new Error(`${where} (${e.name}): sha256 must be 64 hex digits (the token's SHA-256, not the token)`);
    return { name: e.name, role: e.role, sha256: Buffer.from(e.sha256, 'hex') };
  });
}

/**
 * Loads the tokens file into `book` now (throwing if it is bad: the service must not start on it) and again when it
 * changes or on SIGHUP. A bad file on reload keeps the principals that were loaded, and says so through `onError`.
 * Returns a stop function.
 */
export function watchTokensFile(file: string, book: TokenBook, onReload: (count: number) => void, onError: (err: Error) => void): () => void {
  book.setFileEntries(readTokensFile(file));
  const reload = () => {
    try { const e = readTokensFile(file); book.setFileEntries(e); onReload(e.length); } catch (err) { onError(err as Error); }
  };
  watchFile(file, { interval: 1000, persistent: false }, reload);
  process.on('SIGHUP', reload);
  return () => { unwatchFile(file, reload); process.off('SIGHUP', reload); };
}
