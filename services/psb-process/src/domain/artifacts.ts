import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '@ocopea/errors';

/** What to run for an image: a folder and a command (argv; `node` stands for the PSB's own Node binary). */
export interface ResolvedArtifact {
  /** The artifact folder (its real path, inside an artifact root); the command runs with it as working directory. */
  dir: string;
  command: string[];
  /** The version that was asked for and matched (`latest` when none was asked). */
  version: string;
  /** Where the command came from: `ocopea-artifact.json`, `package.json main` or `package.json start script`. */
  source: string;
}

export interface ArtifactRequest {
  imageName: string;
  imageVersion?: string | null;
  artifactRegistryType?: string | null;
  artifactRegistryParameters?: Record<string, string> | null;
}

/** Contents of `<root>/<imageName>/ocopea-artifact.json`. */
interface ArtifactManifest { command?: unknown; versions?: unknown }

/**
 * The file dsb-fs keeps at the root of its volumes directory (see services/dsb-fs/README.md). A directory holding it,
 * or below one that does, is data restored from copies, never something to run: such an artifact root is refused at
 * start-up and such an image folder at deploy time. (The name is repeated in dsb-fs; the end-to-end confinement test
 * runs both brokers and fails if they disagree.)
 */
export const VOLUME_ROOT_MARKER = '.ocopea-volume-root';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
/** Directories looked at below an artifact root at start-up in search of a volume marker. */
const MARKER_SCAN_MAX_DIRS = 20_000;

/** A caller's string in an error message: JSON-quoted and cut to a readable length. */
export function quote(v: unknown, max = 80): string {
  const s = JSON.stringify(typeof v === 'string' ? v : String(v));
  return s.length <= max ? s : `${s.slice(0, max)}…" (${String(v).length} characters)`;
}

/** True when `p` is `root` or lies below it (both real, absolute paths). */
export function isInside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The directory at or above `p` that holds a volume marker, or undefined. */
export function volumeMarkerAtOrAbove(p: string): string | undefined {
  for (let d = p; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, VOLUME_ROOT_MARKER))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The directory below `root` that holds a volume marker (symlinks are not followed), or undefined; `complete` is
 * false when the walk stopped at `maxDirs` directories.
 */
export function volumeMarkerBelow(root: string, maxDirs = MARKER_SCAN_MAX_DIRS): { found?: string; complete: boolean } {
  const queue = [root];
  let seen = 0;
  while (queue.length) {
    const dir = queue.shift()!;
    if (++seen > maxDirs) return { complete: false };
    let entries: import('node:fs').Dirent[];
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      if (e.name === VOLUME_ROOT_MARKER && dir !== root) return { found: dir, complete: true };
      if (e.isDirectory()) queue.push(path.join(dir, e.name));
    }
  }
  return { complete: true };
}

/**
 * The artifact roots the PSB may run images from (`PSB_PROCESS_ARTIFACTS_DIR`), as real paths. Throws (the PSB
 * refuses to start) for a root that does not exist, is not a directory, or is inside a data volume directory or
 * contains one (a volume marker at, above or below it). `warn` hears of a root too large to search completely.
 */
export function artifactRoots(configured: string[], warn: (msg: string) => void = () => undefined): string[] {
  if (configured.length === 0) throw new Error('PSB_PROCESS_ARTIFACTS_DIR names no artifact root');
  const roots: string[] = [];
  for (const c of configured) {
    let real: string;
    try { real = realpathSync(path.resolve(c)); } catch (e) {
      throw new Error(`artifact root ${c} (PSB_PROCESS_ARTIFACTS_DIR) cannot be used: ${(e as Error).message}`);
    }
    if (!statSync(real).isDirectory()) throw new Error(`artifact root ${c} (PSB_PROCESS_ARTIFACTS_DIR) is not a directory`);
    const above = volumeMarkerAtOrAbove(real);
    if (above !== undefined) {
      throw new Error(`artifact root ${c} is inside a data volume directory (${above} holds ${VOLUME_ROOT_MARKER}): data volumes are never artifact roots`);
    }
    const below = volumeMarkerBelow(real);
    if (below.found !== undefined) {
      throw new Error(`artifact root ${c} contains a data volume directory (${below.found} holds ${VOLUME_ROOT_MARKER}): data volumes are never artifact roots`);
    }
    if (!below.complete) warn(`artifact root ${c} has more than ${MARKER_SCAN_MAX_DIRS} directories; not all were searched for data volumes at start-up (each image folder is still checked when deployed)`);
    roots.push(real);
  }
  return roots;
}

/** 400 unless `name` is a plain image folder name. */
export function checkImageName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name) || name.includes('..')) {
    throw new BadRequestError(`imageName ${quote(name)} is not a valid artifact folder name (1 to 128 letters, digits, '.', '_', '-'; no '..')`);
  }
  return name;
}

/** 400 unless `version` is empty or a plain version string. Returns it trimmed ('' for none). */
export function checkImageVersion(version: unknown): string {
  if (version === null || version === undefined) return '';
  const v = typeof version === 'string' ? version.trim() : version;
  if (v === '') return '';
  if (typeof v !== 'string' || !VERSION.test(v) || v.includes('..')) {
    throw new BadRequestError(`imageVersion ${quote(version)} is not a valid version (1 to 128 letters, digits, '.', '_', '+', '-'; no '..')`);
  }
  return v;
}

/**
 * Resolves `imageName`/`imageVersion` to something runnable (documented in README.md), only inside `roots` (real
 * paths, from `artifactRoots`):
 * - `artifactRegistryParameters.path` (an absolute path) or `.url` (a `file:` URL or an absolute path) may name a
 *   directory; its real path must be inside a root. Other registry kinds (e.g. http URLs) are not fetched from and
 *   are ignored. Without one, the roots are searched in order for a folder `imageName`;
 * - the image folder's real path must be inside a root too (a symlink leading out is refused), and neither it nor a
 *   directory above it may hold the volume marker;
 * - `ocopea-artifact.json` `{command: [...], versions?: [...]}` says how to run it, else `package.json`:
 *   `node --import tsx <main>` for a `.ts` main, `node <main>` for a `.js` main, else `sh -c <start script>`;
 * - `imageVersion` empty, null or `latest` matches anything; otherwise it must be listed in `versions` (manifest) or
 *   equal `version` (package.json).
 * Everything that does not resolve is a 400 naming what is wrong.
 */
export function resolveArtifact(roots: string[], req: ArtifactRequest): ResolvedArtifact {
  const name = checkImageName(req.imageName);
  const wanted = checkImageVersion(req.imageVersion);
  const anyVersion = wanted === '' || wanted === 'latest';
  const dir = imageDir(roots, name, registryDir(roots, req.artifactRegistryParameters));

  const manifestFile = path.join(dir, 'ocopea-artifact.json');
  if (existsSync(manifestFile)) {
    const m = readJson(manifestFile) as ArtifactManifest;
    if (!Array.isArray(m.command) || m.command.length === 0 || !m.command.every((a) => typeof a === 'string' && a !== '')) {
      throw new BadRequestError(`image '${name}': ocopea-artifact.json needs "command": a non-empty array of strings`);
    }
    const versions = Array.isArray(m.versions) ? m.versions.map(String) : undefined;
    if (!anyVersion && versions && !versions.includes(wanted)) {
      throw new BadRequestError(`image '${name}' has no version '${wanted}' (available: ${versions.join(', ') || 'none'})`);
    }
    return { dir, command: m.command as string[], version: anyVersion ? 'latest' : wanted, source: 'ocopea-artifact.json' };
  }

  const pkgFile = path.join(dir, 'package.json');
  if (!existsSync(pkgFile)) throw new BadRequestError(`image '${name}': folder ${dir} has neither ocopea-artifact.json nor package.json`);
  const pkg = readJson(pkgFile) as { version?: unknown; main?: unknown; scripts?: Record<string, unknown> };
  if (!anyVersion && String(pkg.version ?? '') !== wanted) {
    throw new BadRequestError(`image '${name}' has no version '${wanted}' (package.json version is '${String(pkg.version ?? '')}')`);
  }
  const version = anyVersion ? 'latest' : wanted;
  const main = typeof pkg.main === 'string' ? pkg.main : undefined;
  if (main && /\.(ts|mts|cts)$/.test(main) && existsSync(path.join(dir, main))) {
    return { dir, command: ['node', '--import', 'tsx', main], version, source: 'package.json main' };
  }
  if (main && /\.(js|mjs|cjs)$/.test(main) && existsSync(path.join(dir, main))) {
    return { dir, command: ['node', main], version, source: 'package.json main' };
  }
  const start = pkg.scripts?.start;
  if (typeof start === 'string' && start.trim() !== '') return { dir, command: ['sh', '-c', start], version, source: 'package.json start script' };
  throw new BadRequestError(`image '${name}': package.json has no runnable main (.ts/.js) and no start script`);
}

const rootsText = (roots: string[]) => roots.join(path.delimiter);

/** The directory a registry parameter names (real path, inside a root), or undefined when none is named. */
function registryDir(roots: string[], params: Record<string, string> | null | undefined): string | undefined {
  for (const key of ['path', 'url']) {
    const v = params?.[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw new BadRequestError(`artifactRegistryParameters.${key} must be a string`);
    let dir: string | undefined;
    if (v.startsWith('file:')) {
      try { dir = fileURLToPath(v); } catch { throw new BadRequestError(`artifactRegistryParameters.${key} ${quote(v)} is not a valid file: URL`); }
    } else if (path.isAbsolute(v)) dir = v;
    else if (key === 'path') throw new BadRequestError(`artifactRegistryParameters.path ${quote(v)} must be an absolute path inside the artifact roots (${rootsText(roots)})`);
    if (dir === undefined) continue; // http(s) registries are not fetched from by this PSB
    let real: string;
    try { real = realpathSync(dir); } catch {
      throw new BadRequestError(`artifactRegistryParameters.${key}: artifacts directory ${quote(dir)} does not exist`);
    }
    if (!roots.some((r) => isInside(real, r))) {
      throw new BadRequestError(`artifactRegistryParameters.${key}: ${quote(dir)} is outside the artifact roots of this PSB (${rootsText(roots)})`);
    }
    if (!isDir(real)) throw new BadRequestError(`artifactRegistryParameters.${key}: ${quote(dir)} is not a directory`);
    return real;
  }
  return undefined;
}

/** The image folder: `<base>/<name>`, or the first root holding `<name>`; its real path checked against the roots. */
function imageDir(roots: string[], name: string, base: string | undefined): string {
  const candidates = base !== undefined ? [base] : roots;
  const found = candidates.map((b) => path.join(b, name)).find((p) => lstatOrUndefined(p) !== undefined);
  if (found === undefined) {
    throw new BadRequestError(`unknown image '${name}': no folder '${name}' in the artifacts directory ${base ?? rootsText(roots)}`);
  }
  let real: string;
  try { real = realpathSync(found); } catch {
    throw new BadRequestError(`image '${name}': ${found} is a symlink to nothing`);
  }
  if (!roots.some((r) => isInside(real, r))) {
    throw new BadRequestError(`image '${name}': ${found} leads to ${real}, outside the artifact roots of this PSB (${rootsText(roots)})`);
  }
  if (!isDir(real)) throw new BadRequestError(`unknown image '${name}': ${found} is not a folder`);
  const volume = volumeMarkerAtOrAbove(real);
  if (volume !== undefined) {
    throw new BadRequestError(`image '${name}': ${real} is inside a data volume directory (${volume}); data volumes are never run`);
  }
  return real;
}

function lstatOrUndefined(p: string) {
  try { return lstatSync(p); } catch { return undefined; }
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

function readJson(file: string): unknown {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    throw new BadRequestError(`cannot read ${path.basename(file)} of image folder ${path.dirname(file)}: ${(e as Error).message}`);
  }
}
