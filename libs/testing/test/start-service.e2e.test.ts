import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { builtEntry, ensureBuilt, freePort, launchArgs, PortInUseError, REPO_ROOT, serviceRuntime, staleBuild, startService, TEST_ADMIN_TOKEN } from '../src';

jest.setTimeout(60_000);

const CRB = path.join(REPO_ROOT, 'services/crb-fs');
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('startService (real processes)', () => {
  it('runs the build with the flags package.json declares, and the service answers the id it was started with', async () => {
    const svc = await startService({ service: 'crb-fs' });
    try {
      const flags = serviceRuntime(CRB).nodeFlags;
      expect(flags.length).toBeGreaterThan(0);
      expect(cmdline(svc.child.pid!)).toEqual([process.execPath, ...flags, 'dist/main.js']);
      expect(svc.command).toBe(`node ${flags.join(' ')} dist/main.js`);
      // Anyone gets the id (a random one per start, nothing else); a caller with a credential gets it too.
      expect(await (await fetch(`${svc.origin}/healthz`)).json()).toEqual({ status: 'ok', instance: svc.instance });
      expect(await (await fetch(`${svc.origin}/healthz`, { headers: svc.headers })).json()).toMatchObject({ status: 'ok', service: 'crb-fs', instance: svc.instance });
      const again = await startService({ service: 'crb-fs' });
      expect(again.instance).not.toBe(svc.instance);
      await again.stop();
    } finally {
      await svc.stop();
    }
  });

  it('never takes another process on its port for the service: it fails naming the port', async () => {
    // A look-alike holding the port: answers /healthz as an Ocopea service does, without our id.
    const impostor = http.createServer((_req, res) => res.end(JSON.stringify({ status: 'ok', instance: 'someone-elses-instance-id' })));
    const port = await freePort();
    await new Promise<void>((r) => impostor.listen(port, '127.0.0.1', r));
    try {
      const err = await startService({ service: 'crb-fs', port }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toBe(`crb-fs: port ${port} is in use by another process`);
    } finally {
      impostor.close();
    }
  });

  it('deploy/run-service.sh (pnpm start, the container) runs the same command from the same declaration', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ocopea-run-service-'));
    const child = spawn('sh', [path.join(REPO_ROOT, 'deploy/run-service.sh'), CRB], {
      env: { ...process.env, NODE_OPTIONS: '', OCOPEA_AUTH: '', PORT: String(port), OCOPEA_DATA_DIR: dataDir, OCOPEA_ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      for (let i = 0; i < 300; i++) {
        if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // exec: the shell's pid is the service's, running node with the declared flags on the build.
      expect(cmdline(child.pid!)).toEqual(['node', ...launchArgs(CRB)]);
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a build older than its sources is rebuilt for tests and refused otherwise', () => {
    // A package of its own (the shared bundles are in use by other test files at the same time).
    const pkg = mkdtempSync(path.join(os.tmpdir(), 'ocopea-stale-'));
    try {
      mkdirSync(path.join(pkg, 'src'));
      writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'stale', ocopea: { bundle: ['src/main.ts'] } }));
      writeFileSync(path.join(pkg, 'src/main.ts'), "console.log('first');\n");
      expect(staleBuild(pkg)).toMatch(/dist\/main\.js is not built$/);
      ensureBuilt(pkg, { rebuild: true });
      expect(staleBuild(pkg)).toBeUndefined();
      expect(readFileSync(builtEntry(pkg), 'utf8')).toContain('first');

      const earlier = new Date(Date.now() - 3600_000);
      utimesSync(builtEntry(pkg), earlier, earlier);
      writeFileSync(path.join(pkg, 'src/main.ts'), "console.log('second');\n");
      expect(staleBuild(pkg)).toMatch(/dist\/main\.js is older than .*src\/main\.ts$/);
      expect(() => ensureBuilt(pkg, { rebuild: false })).toThrow(/is older than .*src\/main\.ts: run pnpm build$/);
      ensureBuilt(pkg, { rebuild: true });
      expect(staleBuild(pkg)).toBeUndefined();
      expect(readFileSync(builtEntry(pkg), 'utf8')).toContain('second');
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});
