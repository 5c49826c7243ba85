import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadRequestError } from '@ocopea/errors';
import { artifactRoots, resolveArtifact, VOLUME_ROOT_MARKER, type ArtifactRequest } from '../src/domain/artifacts';

/** The BadRequestError `fn` throws (fails the test when it throws nothing or something else). */
function badRequest(fn: () => unknown): BadRequestError {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(BadRequestError);
  return err as BadRequestError;
}

describe('image resolution', () => {
  const tmp = realpathSync(os.tmpdir());
  const root = mkdtempSync(path.join(tmp, 'psb-artifacts-'));
  const other = mkdtempSync(path.join(tmp, 'psb-artifacts-other-'));
  const outside = mkdtempSync(path.join(tmp, 'psb-artifacts-outside-'));
  const examples = realpathSync(path.resolve(__dirname, '../../../examples'));
  const roots = [root, other];
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
    // Runnable folders outside every root, and ways of pointing at them from inside.
    mkdirSync(path.join(outside, 'payload'));
    writeFileSync(path.join(outside, 'payload', 'ocopea-artifact.json'), JSON.stringify({ command: ['sh', '-c', 'id > /tmp/pwned'] }));
    symlinkSync('/', path.join(root, 'slash'));
    symlinkSync(path.join(outside, 'payload'), path.join(root, 'linked-out'));
    symlinkSync(outside, path.join(root, 'registry-out'));
    symlinkSync(path.join(other, 'elsewhere'), path.join(root, 'linked-in')); // to another root: fine
    // A data volume inside a root (dsb-fs put its volumes there after the PSB started).
    mkdirSync(path.join(root, 'volumes', 'vol-1'), { recursive: true });
    writeFileSync(path.join(root, 'volumes', VOLUME_ROOT_MARKER), '');
    writeFileSync(path.join(root, 'volumes', 'vol-1', 'ocopea-artifact.json'), JSON.stringify({ command: ['sh', '-c', 'id'] }));
    symlinkSync(path.join(root, 'volumes', 'vol-1'), path.join(root, 'vol-link'));
  });
  afterAll(() => { for (const d of [root, other, outside]) rmSync(d, { recursive: true, force: true }); });

  it('resolves the sample app from package.json (node --import tsx <main>) and checks its version', () => {
    const a = resolveArtifact([examples], { imageName: 'notes-app', imageVersion: '1.0.0' });
    expect(a).toMatchObject({ dir: path.join(examples, 'notes-app'), command: ['node', '--import', 'tsx', 'src/main.ts'], version: '1.0.0', source: 'package.json main' });
    expect(resolveArtifact([examples], { imageName: 'notes-app', imageVersion: 'latest' }).version).toBe('latest');
    expect(resolveArtifact([examples], { imageName: 'notes-app', imageVersion: null }).version).toBe('latest');
    expect(() => resolveArtifact([examples], { imageName: 'notes-app', imageVersion: '9.9.9' })).toThrow(/no version '9.9.9'.*1\.0\.0/);
  });

  it('prefers ocopea-artifact.json, with its versions list', () => {
    expect(resolveArtifact(roots, { imageName: 'tool', imageVersion: '2.0' })).toMatchObject({ command: ['node', 'server.js', '--x'], source: 'ocopea-artifact.json' });
    expect(() => resolveArtifact(roots, { imageName: 'tool', imageVersion: '3.0' })).toThrow(/available: 1.0, 2.0/);
    expect(() => resolveArtifact(roots, { imageName: 'broken' })).toThrow(/non-empty array/);
  });

  it('falls back to the start script, run with sh -c', () => {
    expect(resolveArtifact(roots, { imageName: 'scripted', imageVersion: '3.1.0' }).command).toEqual(['sh', '-c', 'python3 -m http.server $PORT']);
  });

  it('searches the roots in order; a registry directory (file: url or absolute path) must be inside a root; http registries are ignored', () => {
    expect(resolveArtifact(roots, { imageName: 'elsewhere' }).dir).toBe(path.join(other, 'elsewhere'));
    expect(resolveArtifact(roots, { imageName: 'elsewhere', artifactRegistryType: 'customRest', artifactRegistryParameters: { url: pathToFileURL(other).href } }).dir).toBe(path.join(other, 'elsewhere'));
    expect(resolveArtifact(roots, { imageName: 'elsewhere', artifactRegistryParameters: { path: other } }).dir).toBe(path.join(other, 'elsewhere'));
    expect(resolveArtifact(roots, { imageName: 'tool', artifactRegistryParameters: { url: 'http://registry.local/x' } }).dir).toBe(path.join(root, 'tool'));
    expect(resolveArtifact(roots, { imageName: 'linked-in' }).dir).toBe(path.join(other, 'elsewhere'));
    expect(() => resolveArtifact(roots, { imageName: 'tool', artifactRegistryParameters: { url: `file://${root}/no/such/dir` } })).toThrow(/does not exist/);
    expect(() => resolveArtifact([root], { imageName: 'elsewhere' })).toThrow(/unknown image 'elsewhere'/);
  });

  it('refuses (400) registry paths that lead outside the roots: absolute, .., relative, symlinks, file: URLs', () => {
    const cases: [ArtifactRequest['artifactRegistryParameters'], RegExp][] = [
      [{ path: outside }, /outside the artifact roots/],
      [{ path: '/' }, /outside the artifact roots/],
      [{ path: `${root}/../${path.basename(outside)}` }, /outside the artifact roots/],
      [{ path: `${root}/..` }, /outside the artifact roots/],
      [{ path: path.join(root, 'registry-out') }, /outside the artifact roots/],
      [{ path: path.join(root, 'slash') }, /outside the artifact roots/],
      [{ path: '../outside' }, /must be an absolute path/],
      [{ path: 'payload' }, /must be an absolute path/],
      [{ url: pathToFileURL(outside).href }, /outside the artifact roots/],
      [{ url: 'file:///etc' }, /outside the artifact roots/],
      [{ path: `${root}/\u0000` }, /does not exist/],
      [{ path: `/${'x'.repeat(10_000)}` }, /does not exist/],
    ];
    for (const [params, msg] of cases) {
      const e = badRequest(() => resolveArtifact(roots, { imageName: 'payload', artifactRegistryParameters: params }));
      expect({ params, message: e.message }).toEqual({ params, message: expect.stringMatching(msg) });
      expect(e.message.length).toBeLessThan(600);
    }
  });

  it('refuses (400) image folders that are symlinks out of the roots (to / included) or lie in a data volume', () => {
    expect(badRequest(() => resolveArtifact(roots, { imageName: 'slash' })).message).toMatch(/leads to \/, outside the artifact roots/);
    expect(badRequest(() => resolveArtifact(roots, { imageName: 'linked-out' })).message).toMatch(/outside the artifact roots/);
    expect(badRequest(() => resolveArtifact(roots, { imageName: 'vol-link' })).message).toMatch(/inside a data volume directory/);
    expect(badRequest(() => resolveArtifact(roots, { imageName: 'vol-1', artifactRegistryParameters: { path: path.join(root, 'volumes') } })).message).toMatch(/inside a data volume directory/);
  });

  it('refuses (400) image names and versions with /, .., NUL, control characters or 10 KB', () => {
    for (const imageName of ['ghost', 'empty', '..', '.', '../etc', 'a/b', '/etc', 'a..b', 'a\u0000b', 'a\nb', '', 'x'.repeat(10_000)]) {
      const e = badRequest(() => resolveArtifact(roots, { imageName }));
      expect(e.message.length).toBeLessThan(300);
    }
    expect(badRequest(() => resolveArtifact(roots, { imageName: 'ghost' })).message).toMatch(/unknown image 'ghost'/);
    expect(badRequest(() => resolveArtifact(roots, { imageName: 'a/b' })).message).toMatch(/not a valid artifact folder name/);
    for (const imageVersion of ['1/0', '../1.0', '1..0', '..', '1\u00000', '1.\n0', 'x'.repeat(10_000), '-1']) {
      const e = badRequest(() => resolveArtifact(roots, { imageName: 'tool', imageVersion }));
      expect(e.message).toMatch(/is not a valid version/);
      expect(e.message.length).toBeLessThan(300);
    }
    expect(resolveArtifact(roots, { imageName: 'tool', imageVersion: ' 2.0 ' }).version).toBe('2.0');
  });
});

describe('artifact roots (start-up)', () => {
  const tmp = mkdtempSync(path.join(realpathSync(os.tmpdir()), 'psb-roots-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('takes existing directories as real paths', () => {
    mkdirSync(path.join(tmp, 'a'));
    symlinkSync(path.join(tmp, 'a'), path.join(tmp, 'a-link'));
    expect(artifactRoots([path.join(tmp, 'a-link'), tmp + '/a/../a'])).toEqual([path.join(tmp, 'a'), path.join(tmp, 'a')]);
    expect(() => artifactRoots([path.join(tmp, 'missing')])).toThrow(/cannot be used: ENOENT/);
    expect(() => artifactRoots([])).toThrow(/names no artifact root/);
  });

  it('refuses a root inside, at or containing a data volume directory (the dsb-fs marker)', () => {
    const dsb = path.join(tmp, 'dsb-data');
    mkdirSync(path.join(dsb, 'volumes', 'v1', 'app'), { recursive: true });
    writeFileSync(path.join(dsb, 'volumes', VOLUME_ROOT_MARKER), '');
    expect(() => artifactRoots([path.join(dsb, 'volumes', 'v1', 'app')])).toThrow(/inside a data volume directory .*data volumes are never artifact roots/);
    expect(() => artifactRoots([path.join(dsb, 'volumes')])).toThrow(/inside a data volume directory/);
    expect(() => artifactRoots([dsb])).toThrow(/contains a data volume directory/);
    expect(() => artifactRoots([tmp])).toThrow(/contains a data volume directory/);
    const warnings: string[] = [];
    mkdirSync(path.join(tmp, 'wide', 'a', 'b', 'c'), { recursive: true });
    expect(artifactRoots([path.join(tmp, 'wide')], (m) => warnings.push(m))).toEqual([path.join(tmp, 'wide')]);
    expect(warnings).toEqual([]);
  });
});
