// Compiles crb-fs for `pnpm start`: one esbuild bundle of src/main.ts with the workspace libraries (@ocopea/*,
// TypeScript sources) inlined and third-party packages left to node's resolution, run with plain node.
// Why not tsx like the other services: crb-fs has a memory target (< 100 MiB while streaming) and the tsx loader
// alone costs it 10-15 MiB (measured: 79 MiB after start-up bundled, 83-94 MiB under --require tsx/cjs).
// The bundle finds its packages through the folders it was built next to (added to its module.paths) and the
// repository's specs/ (OCOPEA_SPECS_DIR unless set), so dist/main.js runs from anywhere on this checkout.
// Usage: node scripts/bundle.cjs [outfile]   (default dist/main.js; takes ~0.2 s)
const path = require('node:path');
const fs = require('node:fs');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '../../..');

/** Folders third-party packages resolve from once the workspace code is inlined. */
function moduleDirs() {
  const libs = fs.readdirSync(path.join(ROOT, 'libs')).map((l) => path.join(ROOT, 'libs', l, 'node_modules'));
  return [path.join(__dirname, '../node_modules'), ...libs].filter((d) => fs.existsSync(d));
}

async function bundle(outfile) {
  const banner = `module.paths.push(...${JSON.stringify(moduleDirs())});\nprocess.env.OCOPEA_SPECS_DIR ??= ${JSON.stringify(path.join(ROOT, 'specs'))};`;
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, '../src/main.ts')],
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning', write: false,
    banner: { js: banner },
    plugins: [{
      name: 'third-party-external',
      setup(b) { b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@ocopea/') ? undefined : { external: true })); },
    }],
  });
  // Written aside and renamed into place: two crb-fs starting at once from one checkout must never load a file
  // the other is still writing.
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.renameSync(tmp, outfile);
  return { outfile };
}

module.exports = { bundle };

if (require.main === module) {
  bundle(path.resolve(process.argv[2] ?? path.join(__dirname, '../dist/main.js'))).catch((err) => { console.error(err); process.exit(1); });
}
