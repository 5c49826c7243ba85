import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDsbFsApp } from '../src/app';
import { unsafeEntryName } from '../src/domain/fs-backend';

describe('dsb-fs app', () => {
  it('implements every operation of specs/dsb.yaml', () => {
    const { svc } = createDsbFsApp({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'dsb-fs-app-')) });
    expect(svc.unhandledOperations()).toEqual([]);
  });

  it('spots tar entry names that leave the volume', () => {
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a/..', 'C:/x']) expect(unsafeEntryName(bad)).toBe(true);
    for (const ok of ['a', 'a/b/c.txt', './a', 'a..b', '..a']) expect(unsafeEntryName(ok)).toBe(false);
  });
});
