// Emits the JavaScript every service, tool and example runs: one esbuild bundle per entry a package.json lists in
// `ocopea.bundle` (src/main.ts → dist/main.js), with the workspace libraries (@ocopea/*, TypeScript sources)
// inlined and third-party packages left to node's resolution. `pnpm build` runs it after the type check; `pnpm test`
// runs it (`--all`) before the tests, which start services from dist/.
//
// Why one bundler and not tsc project references: the workspace libraries export their TypeScript sources (`main:
// src/index.ts`), which is what jest (swc) and tsx read; emitting with tsc would mean a second `main` for node,
// a dist/ per library and a build order, and node would still load a few hundred files at every start. A bundle
// is one file per service (start-up and memory as crb-fs measured them: the tsx loader alone cost it 10-15 MiB),
// builds in well under a second, and the type check stays what it was (`tsc -p .` per package, noEmit).
//
// A bundle sits in <group>/<package>/dist/, as deep as the sources in <group>/<package>/src/, so `__dirname`-relative
// paths of the inlined code (specs/, examples/, ../package.json) resolve as they do from the sources. Third-party
// packages resolve from the package's own node_modules, then from the libraries' (pnpm links a library's
// dependencies only beside that library): the banner adds those folders, relative to the bundle.
// Next to each bundle, `<name>.inputs.json` lists the files it was built from (libs/testing `ensureBuilt` compares
// their times with the bundle's to tell a stale build).
//
// Usage: node scripts/bundle.mjs [--all | package dir ...]   (default: the current directory)
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GROUPS = ['libs', 'services', 'tools', 'examples'];

/** Every workspace package that declares bundles. */
function allPackages() {
  return GROUPS.flatMap((g) => (existsSync(path.join(ROOT, g)) ? readdirSync(path.join(ROOT, g)).map((p) => path.join(ROOT, g, p)) : []))
    .filter((dir) => entriesOf(dir).length > 0);
}

function entriesOf(dir) {
  try { return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).ocopea?.bundle ?? []; } catch { return []; }
}

/** Writes `data` beside `file` and renames it into place: a process starting meanwhile never loads half a file. */
function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Adds the node_modules of every library, relative to the bundle, to where third-party packages resolve from. */
function banner(pkgDir) {
  const dist = path.join(pkgDir, 'dist');
  const dirs = readdirSync(path.join(ROOT, 'libs')).map((l) => path.join(ROOT, 'libs', l, 'node_modules'))
    .filter((d) => existsSync(d)).map((d) => path.relative(dist, d));
  return `module.paths.push(...${JSON.stringify(dirs)}.map((p) => require('node:path').join(__dirname, p)));`;
}

async function bundleEntry(pkgDir, entry) {
  const out = path.join(pkgDir, 'dist', `${path.basename(entry).replace(/\.ts$/, '')}.js`);
  const result = await esbuild.build({
    entryPoints: [path.join(pkgDir, entry)], outfile: out, write: false, metafile: true, absWorkingDir: ROOT,
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
    // Errors name themselves after their class (`new.target.name`): bundling must not rename classes.
    keepNames: true,
    // import() of a third-party package as require(): node's ESM resolver would not look in the banner's folders.
    supported: { 'dynamic-import': false },
    banner: { js: banner(pkgDir) },
    sourcemap: 'linked', sourcesContent: false,
    plugins: [{
      name: 'third-party-external',
      setup(b) { b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@ocopea/') ? undefined : { external: true })); },
    }],
  });
  const inputs = Object.keys(result.metafile.inputs).sort(); // relative to ROOT
  mkdirSync(path.dirname(out), { recursive: true });
  for (const f of result.outputFiles) writeAtomically(f.path, f.contents);
  writeAtomically(out.replace(/\.js$/, '.inputs.json'), JSON.stringify(inputs, null, 1) + '\n');
  return path.relative(ROOT, out);
}

async function main() {
  const args = process.argv.slice(2);
  const dirs = args.includes('--all') ? allPackages() : (args.filter((a) => !a.startsWith('--')).map((d) => path.resolve(d)));
  const targets = dirs.length ? dirs : [process.cwd()];
  const t0 = Date.now();
  const built = await Promise.all(targets.flatMap((d) => {
    const entries = entriesOf(d);
    if (!entries.length) throw new Error(`${path.relative(ROOT, d) || '.'}: no ocopea.bundle entries in package.json`);
    return entries.map((e) => bundleEntry(d, e));
  }));
  console.log(`bundled ${built.length} entr${built.length === 1 ? 'y' : 'ies'} in ${Date.now() - t0} ms`);
}

main().catch((err) => { console.error(err.message ?? err); process.exit(1); });
