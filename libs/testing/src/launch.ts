import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * How a service's process runs, declared once in its package.json (`ocopea.runtime`) and read by everything that
 * starts it: `pnpm start` and the container (deploy/run-service.sh), the topology, the tests and the benchmarks
 * (this module), and the service's main.ts (`streamGcEveryMb`).
 */
export interface ServiceRuntime {
  /** node/V8 flags before the entry (why each one: the service's README). */
  nodeFlags: string[];
  /** MiB streamed between two forced young-generation GCs (OCOPEA_STREAM_GC_EVERY_MB overrides it; 0 = never). */
  streamGcEveryMb?: number;
}

interface PackageJson { ocopea?: { bundle?: string[]; runtime?: Partial<ServiceRuntime> } }

function packageJson(packageDir: string): PackageJson {
  return JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as PackageJson;
}

/** The runtime a package declares (no flags when it declares none). */
export function serviceRuntime(packageDir: string): ServiceRuntime {
  const r = packageJson(packageDir).ocopea?.runtime ?? {};
  return { ...r, nodeFlags: r.nodeFlags ?? [] };
}

/**
 * The node arguments that run a package's built entry, as `pnpm start` does, in the package's folder: its
 * declared flags, then `dist/<entry>.js`. `entry` is the base name of one of its `ocopea.bundle` sources.
 */
export function launchArgs(packageDir: string, entry = 'main'): string[] {
  return [...serviceRuntime(packageDir).nodeFlags, path.relative(packageDir, builtEntry(packageDir, entry))];
}

/** `<package>/dist/<entry>.js`. */
export function builtEntry(packageDir: string, entry = 'main'): string {
  return path.join(packageDir, 'dist', `${entry}.js`);
}

/**
 * Why the built `entry` of a package cannot be run as it is (missing, or older than a file it was built from:
 * its `dist/<entry>.inputs.json`, written by scripts/bundle.mjs), or undefined when it is up to date.
 */
export function staleBuild(packageDir: string, entry = 'main'): string | undefined {
  const out = builtEntry(packageDir, entry);
  const rel = path.relative(REPO_ROOT, out);
  let built: number;
  let inputs: string[];
  try {
    built = statSync(out).mtimeMs;
    inputs = JSON.parse(readFileSync(out.replace(/\.js$/, '.inputs.json'), 'utf8')) as string[];
  } catch {
    return `${rel} is not built`;
  }
  for (const f of inputs) {
    let t: number;
    try { t = statSync(path.join(REPO_ROOT, f)).mtimeMs; } catch { return `${rel} was built from ${f}, which is gone`; }
    if (t > built) return `${rel} is older than ${f}`;
  }
  return undefined;
}

/**
 * Makes sure a package's built entry is up to date: `rebuild` runs scripts/bundle.mjs for it when it is not (what
 * the tests do, so that a test never runs yesterday's code); otherwise a stale build throws, saying to build.
 */
export function ensureBuilt(packageDir: string, { rebuild, entry = 'main' }: { rebuild: boolean; entry?: string }): void {
  const why = staleBuild(packageDir, entry);
  if (!why) return;
  if (!rebuild) throw new Error(`${why}: run pnpm build`);
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/bundle.mjs'), packageDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${path.relative(REPO_ROOT, packageDir)} failed: ${r.stderr || r.stdout}`);
}
