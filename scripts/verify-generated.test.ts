import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Proves the drift check that `pnpm test` starts with: a spec changed without `pnpm generate` must fail it.
describe('generated types drift check', () => {
  const root = path.resolve(__dirname, '..');
  let scratch: string;
  const env = () => ({ ...process.env, OCOPEA_SPECS_DIR: path.join(scratch, 'specs'), OCOPEA_GENERATED_DIR: path.join(scratch, 'generated') });
  const run = (script: string) => spawnSync(process.execPath, [path.join(root, 'scripts', script)], { env: env(), encoding: 'utf8' });

  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'ocopea-drift-'));
    cpSync(path.join(root, 'specs'), path.join(scratch, 'specs'), { recursive: true });
    cpSync(path.join(root, 'libs/api/src/generated'), path.join(scratch, 'generated'), { recursive: true });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes on the committed tree', () => {
    const r = run('verify-generated.mjs');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);

  it('fails when a spec changes without regeneration, and passes again after pnpm generate', () => {
    const spec = path.join(scratch, 'specs/dsb.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace(/\n {2}schemas:\n/, '\n  schemas:\n    DriftProbe:\n      type: object\n      description: added by the drift test\n      properties: {x: {type: string}}\n'));
    const drifted = run('verify-generated.mjs');
    expect(drifted.status).toBe(1);
    expect(drifted.stderr).toMatch(/dsb\.ts: differs from its spec/);
    expect(run('generate.mjs').status).toBe(0);
    expect(readFileSync(path.join(scratch, 'generated/dsb.ts'), 'utf8')).toContain('DriftProbe');
    expect(run('verify-generated.mjs').status).toBe(0);
  }, 60_000);

  it('fails when a generated file is edited by hand', () => {
    const file = path.join(scratch, 'generated/crb.ts');
    writeFileSync(file, readFileSync(file, 'utf8') + '\nexport type Sneaky = 1;\n');
    const r = run('verify-generated.mjs');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/crb\.ts: differs/);
  }, 60_000);
});
