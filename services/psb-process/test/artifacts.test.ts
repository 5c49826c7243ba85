import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadRequestError } from '@ocopea/errors';
import { resolveArtifact } from '../src/domain/artifacts';

describe('image resolution', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'psb-artifacts-'));
  const other = mkdtempSync(path.join(os.tmpdir(), 'psb-artifacts-other-'));
  const examples = path.resolve(__dirname, '../../../examples');
  beforeAll(() => {
    mkdirSync(path.join(root, 'tool'));
    writeFileSync(path.join(root, 'tool', 'ocopea-artifact.json'), JSON.stringify({ command: ['node', 'server.js', '--x'], versions: ['1.0', '2.0'] }));
    mkdirSync(path.join(root, 'scripted'));
    writeFileSync(path.join(root, 'scripted', 'package.json'), JSON.stringify({ version: '3.1.0', scripts: { start: 'python3 -m http.server $PORT' } }));
    mkdirSync(path.join(root, 'broken'));
    writeFileSync(path.join(root, 'broken', 'ocopea-artifact.json'), JSON.stringify({ command: [] }));
    mkdirSync(path.join(root, 'empty'));
    mkdirSync(path.join(other, 'elsewhere'));
    writeFileSync(path.join(other, 'elsewhere', 'ocopea-artifact.json'), JSON.stringify({ command: ['node', 'x.js'] }));
  });
  afterAll(() => { rmSync(root, { recursive: true, force: true }); rmSync(other, { recursive: true, force: true }); });

  it('resolves the sample app from package.json (node --import tsx <main>) and checks its version', () => {
    const a = resolveArtifact(examples, { imageName: 'notes-app', imageVersion: '1.0.0' });
    expect(a).toMatchObject({ dir: path.join(examples, 'notes-app'), command: ['node', '--import', 'tsx', 'src/main.ts'], version: '1.0.0', source: 'package.json main' });
    expect(resolveArtifact(examples, { imageName: 'notes-app', imageVersion: 'latest' }).version).toBe('latest');
    expect(resolveArtifact(examples, { imageName: 'notes-app', imageVersion: null }).version).toBe('latest');
    expect(() => resolveArtifact(examples, { imageName: 'notes-app', imageVersion: '9.9.9' })).toThrow(/no version '9.9.9'.*1\.0\.0/);
  });

  it('prefers ocopea-artifact.json, with its versions list', () => {
    expect(resolveArtifact(root, { imageName: 'tool', imageVersion: '2.0' })).toMatchObject({ command: ['node', 'server.js', '--x'], source: 'ocopea-artifact.json' });
    expect(() => resolveArtifact(root, { imageName: 'tool', imageVersion: '3.0' })).toThrow(/available: 1.0, 2.0/);
    expect(() => resolveArtifact(root, { imageName: 'broken' })).toThrow(/non-empty array/);
  });

  it('falls back to the start script, run with sh -c', () => {
    expect(resolveArtifact(root, { imageName: 'scripted', imageVersion: '3.1.0' }).command).toEqual(['sh', '-c', 'python3 -m http.server $PORT']);
  });

  it('takes another artifacts directory from a file: registry url or an absolute path; ignores http registries', () => {
    expect(resolveArtifact(root, { imageName: 'elsewhere', artifactRegistryType: 'customRest', artifactRegistryParameters: { url: pathToFileURL(other).href } }).dir).toBe(path.join(other, 'elsewhere'));
    expect(resolveArtifact(root, { imageName: 'elsewhere', artifactRegistryParameters: { path: other } }).dir).toBe(path.join(other, 'elsewhere'));
    expect(resolveArtifact(root, { imageName: 'tool', artifactRegistryParameters: { url: 'http://registry.local/x' } }).dir).toBe(path.join(root, 'tool'));
    expect(() => resolveArtifact(root, { imageName: 'tool', artifactRegistryParameters: { url: 'file:///no/such/dir' } })).toThrow(/does not exist/);
  });

  it('rejects unknown images, folders with nothing runnable and names that would leave the directory, as 400s', () => {
    for (const imageName of ['ghost', 'empty', '..', '../etc', 'a/b', '']) {
      let err: unknown;
      try { resolveArtifact(root, { imageName }); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(BadRequestError);
    }
    expect(() => resolveArtifact(root, { imageName: 'ghost' })).toThrow(/unknown image 'ghost'/);
  });
});
