import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadGatewayError, BadRequestError, NotFoundError } from '@ocopea/errors';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Versions of `artifactId` in a customRest registry that names a local folder (`file:` URL or absolute path), read
 * the way the process PSB resolves images from it: the folder `<registry>/<artifactId>`, whose
 * `ocopea-artifact.json` lists `versions` (none listed: any version runs, `latest`), else whose `package.json` has
 * one `version`. The topology registers such a registry; listing it over HTTP could only fail (503 `fetch failed`).
 */
export function localArtifactVersions(registryName: string, location: string, artifactId: string): string[] {
  if (!NAME.test(artifactId) || artifactId === '.' || artifactId === '..') {
    throw new BadRequestError(`artifact '${artifactId}' is not a folder name of registry '${registryName}' (letters, digits, '.', '_', '-')`);
  }
  const root = location.startsWith('file:') ? fileURLToPath(location) : location;
  const dir = path.join(root, artifactId);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotFoundError(`artifact registry '${registryName}' does not know '${artifactId}'`);
  const read = (file: string): Record<string, unknown> => {
    try {
      return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new BadGatewayError(`artifact registry '${registryName}': ${artifactId}/${file} is not readable JSON: ${(err as Error).message}`);
    }
  };
  if (existsSync(path.join(dir, 'ocopea-artifact.json'))) {
    const versions = read('ocopea-artifact.json').versions;
    return Array.isArray(versions) && versions.length ? versions.map(String) : ['latest'];
  }
  if (existsSync(path.join(dir, 'package.json'))) {
    const version = read('package.json').version;
    return typeof version === 'string' && version !== '' ? [version] : ['latest'];
  }
  throw new NotFoundError(`artifact registry '${registryName}': '${artifactId}' has neither ocopea-artifact.json nor package.json`);
}
