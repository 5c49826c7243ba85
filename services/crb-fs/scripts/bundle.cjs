// Precompiles crb-fs for running without the tsx loader: one esbuild bundle of src/main.ts with the workspace
// libraries (@ocopea/*, TypeScript sources) inlined and third-party packages left to node's resolution.
// Usage: node bench/bundle.cjs [outfile]   (default dist/main.js). Run the result with:
//   NODE_PATH=<the libs' node_modules, printed below> OCOPEA_SPECS_DIR=<repo>/specs node dist/main.js
const path = require('node:path');
const fs = require('node:fs');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '../../..');

/** Folders third-party packages resolve from once the workspace code is inlined. */
function nodePath() {
  const libs = fs.readdirSync(path.join(ROOT, 'libs')).map((l) => path.join(ROOT, 'libs', l, 'node_modules'));
  return [path.join(__dirname, '../node_modules'), ...libs].filter((d) => fs.existsSync(d)).join(path.delimiter);
}

async function bundle(outfile) {
  await esbuild.build({
    entryPoints: [path.join(__dirname, '../src/main.ts')],
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning',
    plugins: [{
      name: 'third-party-external',
      setup(b) { b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@ocopea/') ? undefined : { external: true })); },
    }],
  });
  return { outfile, env: { NODE_PATH: nodePath(), OCOPEA_SPECS_DIR: path.join(ROOT, 'specs') } };
}

module.exports = { bundle };

if (require.main === module) {
  bundle(path.resolve(process.argv[2] ?? path.join(__dirname, '../dist/main.js'))).then((r) => {
    console.log(`built ${r.outfile}\nrun with: NODE_PATH=${r.env.NODE_PATH} OCOPEA_SPECS_DIR=${r.env.OCOPEA_SPECS_DIR} node --max-semi-space-size=2 ${r.outfile}`);
  }, (err) => { console.error(err); process.exit(1); });
}
