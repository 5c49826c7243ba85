// Generates TypeScript types from specs/*.yaml with openapi-typescript. Shared by `pnpm generate` (writes) and
// `pnpm verify:generated` (compares), so both produce byte-identical text.
import openapiTS, { astToString } from 'openapi-typescript';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Overridable so the drift check itself can be tested on a scratch copy.
export const specsDir = process.env.OCOPEA_SPECS_DIR ?? path.join(root, 'specs');
export const outDir = process.env.OCOPEA_GENERATED_DIR ?? path.join(root, 'libs/api/src/generated');

const banner = (spec) => `/**
 * GENERATED FILE: DO NOT EDIT.
 * Source: specs/${spec}. Regenerate with \`pnpm generate\`; \`pnpm test\` fails when this file drifts from the spec.
 */

`;

/** @returns {Promise<Map<string, string>>} file name in generated/ -> contents */
export async function generateAll() {
  const files = (await readdir(specsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out = new Map();
  for (const file of files) {
    const ast = await openapiTS(pathToFileURL(path.join(specsDir, file)), { alphabetize: false, exportType: false });
    out.set(file.replace(/\.ya?ml$/, '.ts'), banner(file) + astToString(ast));
  }
  return out;
}
