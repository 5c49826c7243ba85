import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** An OpenAPI 3 document as loaded from `specs/`. */
export type OpenApiDocument = { openapi: string; info: { title: string; version: string }; servers?: { url: string }[]; paths: Record<string, unknown> } & Record<string, unknown>;

/** Folder holding the five contracts (the repository's `specs/`). Overridable for packaged deployments. */
export function specsDir(): string {
  return process.env.OCOPEA_SPECS_DIR ?? path.resolve(__dirname, '../../../specs');
}

/** Loads `specs/<name>.yaml` (or an explicit file path). */
export function loadSpec(nameOrPath: string): OpenApiDocument {
  const file = nameOrPath.includes('/') || nameOrPath.includes('.') ? nameOrPath : path.join(specsDir(), `${nameOrPath}.yaml`);
  const doc = parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  if (!String(doc.openapi ?? '').startsWith('3.')) throw new Error(`${file}: not an OpenAPI 3.x document`);
  return doc;
}
