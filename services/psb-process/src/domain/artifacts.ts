import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '@ocopea/errors';

/** What to run for an image: a folder and a command (argv; `node` stands for the PSB's own Node binary). */
export interface ResolvedArtifact {
  /** The artifact folder; the command runs with it as working directory. */
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

/** Contents of `<artifactsDir>/<imageName>/ocopea-artifact.json`. */
interface ArtifactManifest { command?: unknown; versions?: unknown }

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Resolves `imageName`/`imageVersion` to something runnable (documented in README.md):
 * - the artifacts directory is `artifactRegistryParameters.url` or `.path` when it is a `file:` URL or an absolute
 *   path, else `defaultDir` (other registry kinds, e.g. http URLs, are not fetched from and are ignored);
 * - `imageName` names a folder of it; `ocopea-artifact.json` `{command: [...], versions?: [...]}` says how to run it,
 *   else `package.json`: `node --import tsx <main>` for a `.ts` main, `node <main>` for a `.js` main, else
 *   `sh -c <start script>`;
 * - `imageVersion` empty, null or `latest` matches anything; otherwise it must be listed in `versions` (manifest) or
 *   equal `version` (package.json).
 * Everything that does not resolve is a 400 naming what is wrong.
 */
export function resolveArtifact(defaultDir: string, req: ArtifactRequest): ResolvedArtifact {
  const root = artifactsDir(defaultDir, req.artifactRegistryParameters);
  const name = req.imageName;
  if (!NAME.test(name) || name === '.' || name === '..') {
    throw new BadRequestError(`imageName '${name}' is not a valid artifact folder name (letters, digits, '.', '_', '-')`);
  }
  const dir = path.join(root, name);
  if (!isDir(dir)) throw new BadRequestError(`unknown image '${name}': no folder '${name}' in the artifacts directory ${root}`);
  const wanted = (req.imageVersion ?? '').trim();
  const anyVersion = wanted === '' || wanted === 'latest';

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

function artifactsDir(defaultDir: string, params: Record<string, string> | null | undefined): string {
  for (const key of ['path', 'url']) {
    const v = params?.[key];
    if (typeof v !== 'string' || v === '') continue;
    let dir: string | undefined;
    if (v.startsWith('file:')) {
      try { dir = fileURLToPath(v); } catch { throw new BadRequestError(`artifactRegistryParameters.${key} '${v}' is not a valid file: URL`); }
    } else if (path.isAbsolute(v)) dir = v;
    if (dir === undefined) continue; // http(s) registries are not fetched from by this PSB
    if (!isDir(dir)) throw new BadRequestError(`artifactRegistryParameters.${key}: artifacts directory ${dir} does not exist`);
    return dir;
  }
  return defaultDir;
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

function readJson(file: string): unknown {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    throw new BadRequestError(`cannot read ${path.basename(file)} of image folder ${path.dirname(file)}: ${(e as Error).message}`);
  }
}
