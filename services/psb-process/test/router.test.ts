import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createPsbProcessApp } from '../src/app';
import { ProcessSupervisor } from '../src/domain/supervisor';

describe('psb-process router (in process, responses validated against specs/psb.yaml)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'psb-process-router-'));
  const quiet = { info: () => undefined, warn: () => undefined };
  const supervisor = new ProcessSupervisor({
    dataDir, artifactRoots: [path.resolve(__dirname, '../../../examples')], spaces: ['default', 'staging'], idMaxLength: 20,
    publicHost: '127.0.0.1', startTimeoutMs: 10_000, stopTimeoutMs: 2_000, monitorIntervalMs: 200,
    inheritEnv: [], hostEnv: process.env, openFilesLimit: 1024, log: quiet,
  });
  supervisor.start();
  const svc = createPsbProcessApp({ supervisor, version: '0.1.0' });
  const app = svc.app;
  afterAll(async () => { await supervisor.close({ stopChildren: true }); rmSync(dataDir, { recursive: true, force: true }); });

  const manifest = (over: Record<string, unknown> = {}) => ({ appServiceId: 'a1', space: 'default', imageName: 'notes-app', ...over });

  it('refuses a second PSB on the same data dir', () => {
    const twin = new ProcessSupervisor({
      dataDir, artifactRoots: ['/nonexistent'], spaces: ['default'], idMaxLength: 20, publicHost: '127.0.0.1', startTimeoutMs: 1000,
      stopTimeoutMs: 1000, monitorIntervalMs: 200, inheritEnv: [], hostEnv: {}, openFilesLimit: 1024, log: quiet,
    });
    expect(() => twin.start()).toThrow(/in use by another psb-process \(pid \d+\)/);
  });

  it('implements every operation of the spec', () => {
    expect(svc.unhandledOperations()).toEqual([]);
  });

  it('describes itself and its spaces', async () => {
    const info = await request(app).get('/psb/info');
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ name: 'process-psb', version: '0.1.0', type: 'process', description: expect.any(String), appServiceIdMaxLength: 20 });
    const spaces = await request(app).get('/psb/spaces');
    expect(spaces.body).toEqual([{ name: 'default', properties: {} }, { name: 'staging', properties: {} }]);
    expect((await request(app).get('/psb/app-services')).body).toEqual([]);
  });

  it('answers 400 for bad manifests, before starting anything', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ imageName: undefined }, /imageName/],
      [{ space: undefined }, /space/],
      [{ appServiceId: 'x'.repeat(21) }, /at most 20/],
      [{ imageName: 'no-such-image' }, /unknown image 'no-such-image'/],
      [{ imageVersion: '7.7.7' }, /no version '7.7.7'/],
      [{ space: 'prod' }, /unknown space 'prod'/],
      [{ environmentVariables: { NOTES_DIR: '${files.path}' } }, /\$\{files\.path\}/],
      [{ environmentVariables: { NOTES_DIR: '${files.nope}' }, serviceBindings: { fs: [{ serviceName: 'files', bindInfo: { path: '/tmp' } }] } }, /\$\{files\.nope\}/],
    ];
    for (const [over, msg] of cases) {
      const res = await request(app).post('/psb/app-services').send(manifest(over));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 400, reason: 'bad_request' });
      expect(res.body.message).toMatch(msg);
    }
    expect((await request(app).get('/psb/app-services')).body).toEqual([]);
  });

  it('answers 400 for app service ids and environments a process or the log folder cannot take, creating nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ appServiceId: '..' }, /not allowed/],
      [{ appServiceId: '.' }, /not allowed/],
      [{ appServiceId: 'a\u0000b' }, /not allowed/], // refused by the service kit (any NUL), else by the supervisor
      [{ appServiceId: 'a\u0001b' }, /not allowed/],
      [{ environmentVariables: { X: 'a\u0000b' } }, /cannot be passed|NUL/],
      [{ environmentVariables: { 'A=B': 'x' } }, /cannot be passed/],
    ];
    for (const [over, msg] of cases) {
      const res = await request(app).post('/psb/app-services').send(manifest(over));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 400, reason: 'bad_request' });
      expect(res.body.message).toMatch(msg);
    }
    expect((await request(app).get('/psb/app-services')).body).toEqual([]);
    expect(existsSync(path.join(dataDir, 'apps'))).toBe(false);
  });

  it('answers 404 for unknown app services on status, delete and logs', async () => {
    for (const [method, url] of [['get', '/psb/app-services/default/ghost'], ['delete', '/psb/app-services/default/ghost'], ['get', '/psb/app-services/default/ghost/logs']] as const) {
      const res = await request(app)[method](url);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 404, reason: 'not_found' });
    }
  });
});
