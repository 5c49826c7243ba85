// `pnpm generate`: rewrite libs/api/src/generated/ from specs/. Removes files whose spec is gone.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateAll, outDir } from './generate-lib.mjs';

const files = await generateAll();
await mkdir(outDir, { recursive: true });
for (const existing of await readdir(outDir)) {
  if (!files.has(existing) && existing !== 'README.md') await rm(path.join(outDir, existing));
}
for (const [name, text] of files) await writeFile(path.join(outDir, name), text);
console.log(`generated ${[...files.keys()].join(', ')} into ${path.relative(process.cwd(), outDir)}`);
