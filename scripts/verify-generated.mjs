// Fails (exit 1) when libs/api/src/generated/ is not exactly what `pnpm generate` would write from specs/.
// Runs first in `pnpm test`, so a spec change without regeneration cannot pass CI.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { generateAll, outDir } from './generate-lib.mjs';

const want = await generateAll();
const have = (await readdir(outDir).catch(() => [])).filter((f) => f.endsWith('.ts'));
const problems = [];
for (const [name, text] of want) {
  const current = await readFile(path.join(outDir, name), 'utf8').catch(() => null);
  if (current === null) problems.push(`${name}: missing`);
  else if (current !== text) problems.push(`${name}: differs from its spec`);
}
for (const name of have) if (!want.has(name)) problems.push(`${name}: no spec produces it any more`);
if (problems.length) {
  console.error(`generated types drifted from specs/ (run \`pnpm generate\` and commit):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`generated types match specs/ (${want.size} files)`);
