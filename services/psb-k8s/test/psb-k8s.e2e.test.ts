// psb-k8s as a real child process (src/main.ts), configured only through its environment (KUBECONFIG,
// PSB_K8S_SERVICE_TYPE, PSB_K8S_NODE_HOST), driving the FAKE Kubernetes API server over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { psbClient } from '@ocopea/api';
import { FakeKubernetesApiServer, startService, type StartedService } from '@ocopea/testing';

describe('psb-k8s child process against the fake Kubernetes API server', () => {
  let fake: FakeKubernetesApiServer;
  let svc: StartedService;
  let dir: string;

  beforeAll(async () => {
    fake = await new FakeKubernetesApiServer(['default', 'apps']).start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'psb-k8s-e2e-'));
    svc = await startService({
      service: 'psb-k8s',
      env: { KUBECONFIG: fake.writeKubeconfig(dir), PSB_K8S_SERVICE_TYPE: 'NodePort', PSB_K8S_NODE_HOST: 'node1.example.com', KUBERNETES_SERVICE_HOST: '' },
    });
  }, 60_000);

  afterAll(async () => {
    const code = await svc?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  it('deploys, reports running at the configured node host, streams logs and deletes', async () => {
    const psb = psbClient(svc.url, { headers: svc.headers });
    expect((await psb.get('/psb/info')).data).toMatchObject({ type: 'k8s', appServiceIdMaxLength: 63 });
    expect((await psb.get('/psb/spaces')).data.map((s) => s.name)).toEqual(['default', 'apps']);

    const dep = await psb.post('/psb/app-services', {
      body: { appServiceId: 'notes', space: 'apps', imageName: 'notes-app', imageVersion: '2', httpPort: 8080, environmentVariables: { A: 'b' } },
    });
    expect(dep.data).toMatchObject({ status: 0 });
    const created = fake.deployment('apps', 'notes')!;
    expect(created.spec.template.spec.containers[0].image).toBe('notes-app:2');
    const service = fake.service('apps', 'notes')!;
    expect(service.spec.type).toBe('NodePort'); // from PSB_K8S_SERVICE_TYPE

    expect((await psb.get('/psb/app-services/{space}/{appServiceId}', { path: { space: 'apps', appServiceId: 'notes' } })).data.status).toBe('starting');
    const pod = fake.makeAvailable('apps', 'notes');
    const st = (await psb.get('/psb/app-services/{space}/{appServiceId}', { path: { space: 'apps', appServiceId: 'notes' } })).data;
    expect(st).toMatchObject({ status: 'running', entryPointURL: `http://node1.example.com:${service.spec.ports[0].nodePort}` });

    fake.appendLog('apps', pod.metadata.name, 'hello from the pod', new Date(1717000000000));
    const logs = (await psb.get('/psb/app-services/{space}/{appServiceId}/logs', { path: { space: 'apps', appServiceId: 'notes' } })).data;
    const frame = await new Promise<unknown>((resolve, reject) => {
      const ws = new WebSocket(logs.address, { headers: svc.headers });
      ws.once('message', (d) => { resolve(JSON.parse(String(d))); ws.close(); });
      ws.once('error', reject);
    });
    expect(frame).toEqual({ message: 'hello from the pod', timestamp: 1717000000000, messageType: 'out', serviceId: 'notes' });

    expect((await psb.delete('/psb/app-services/{space}/{appServiceId}', { path: { space: 'apps', appServiceId: 'notes' } })).data).toMatchObject({ status: 0 });
    expect(fake.find('DELETE', /\/deployments\/notes$/)[0].query.propagationPolicy).toBe('Background');
    expect(fake.deployment('apps', 'notes')).toBeUndefined();
    expect(fake.service('apps', 'notes')).toBeUndefined();
  });
});
