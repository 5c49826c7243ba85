// psb-k8s against the FAKE Kubernetes API server (libs/testing/src/fake-kubernetes-api-server.ts): the PSB runs in-process over
// real HTTP, talks to the fake through @kubernetes/client-node with a generated kubeconfig, and the tests assert the
// exact objects it creates and deletes and how it maps their state. No real cluster is involved.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { runService, type RunningService } from '@ocopea/service-kit';
import { attachLogsWebSocket, createPsbK8sApp, type PsbK8sDeps } from '../src/app';
import { composePsb } from '../src/compose';
import { FakeKubernetesApiServer } from '@ocopea/testing';

/** The JSON answers read by the tests. */
interface Answer { message?: string; statusMessage?: string; address?: string; status?: unknown; [k: string]: unknown }

const LABELS = { 'app.kubernetes.io/managed-by': 'ocopea', 'ocopea.io/app-service': 'notes-svc' };

function manifest(over: Record<string, unknown> = {}) {
  return {
    appServiceId: 'notes-svc',
    space: 'default',
    imageName: 'ocopea/notes-app',
    imageVersion: '1.0.0',
    environmentVariables: {
      DATABASE_URL: 'postgres://${notes-db.user}:${notes-db.password}@${notes-db.server}:${notes-db.port}/notes',
      GREETING: 'hello',
    },
    artifactRegistryType: 'dockerRegistry',
    artifactRegistryParameters: { url: 'https://registry.example.com:5000/v2' },
    psbSettings: { cpu: '250m', memory: '256Mi', memoryLimit: '512Mi' },
    route: 'notes',
    exposedPorts: [8080, 9090],
    httpPort: 8080,
    serviceBindings: {
      'postgres-dsb': [{
        serviceName: 'notes-db', serviceId: 'db-1', plan: 'standard',
        bindInfo: { server: 'pg.default.svc', port: '5432', user: 'notes', password: 's3cret' },
        ports: [{ protocol: 'tcp', destination: 'pg.default.svc', port: 5432 }],
      }],
    },
    ...over,
  };
}

describe('psb-k8s against the fake Kubernetes API server', () => {
  let fake: FakeKubernetesApiServer;
  let running: RunningService;
  let closeLogs: () => void;
  let dir: string;
  let base: string;

  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(base + p, {
      method, headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Answer };
  };

  beforeAll(async () => {
    fake = await new FakeKubernetesApiServer(['default', 'team-a', 'kube-system']).start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'psb-k8s-test-'));
    const psb = composePsb({ inCluster: false, kubeconfig: fake.writeKubeconfig(dir) });
    const deps: PsbK8sDeps = { psb, version: '0.1.0', logPollMs: 50 };
    const svc = createPsbK8sApp(deps);
    expect(svc.unhandledOperations()).toEqual([]);
    running = await runService(svc, { port: 0, host: '127.0.0.1', handleSignals: false });
    closeLogs = attachLogsWebSocket(running.server, deps, svc.log, (req) => svc.authorizeUpgrade(req));
    base = running.url;
  });

  afterAll(async () => {
    closeLogs?.();
    await running?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => { fake.failWith = undefined; fake.failOn = []; });

  it('describes itself and lists namespaces as spaces', async () => {
    const info = await call('GET', '/psb/info');
    expect(info).toEqual({ status: 200, body: expect.objectContaining({ name: 'k8s-psb', type: 'k8s', appServiceIdMaxLength: 63 }) });
    const spaces = await call('GET', '/psb/spaces');
    expect(spaces.status).toBe(200);
    expect(spaces.body).toEqual([
      { name: 'default', properties: { phase: 'Active' } },
      { name: 'team-a', properties: { phase: 'Active' } },
      { name: 'kube-system', properties: { phase: 'Active' } },
    ]);
    expect(fake.find('GET', /^\/api\/v1\/namespaces$/).at(-1)!.authorization).toBe(`Bearer ${fake.token}`);
  });

  it('deploys exactly one Deployment and one Service with labels, filled environment, image, ports and resources', async () => {
    const res = await call('POST', '/psb/app-services', manifest());
    expect(res).toEqual({ status: 201, body: { status: 0, message: expect.any(String) } });

    const [dPost] = fake.find('POST', /^\/apis\/apps\/v1\/namespaces\/default\/deployments$/);
    const bindingsJson = JSON.stringify(manifest().serviceBindings);
    expect(dPost.body).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'notes-svc', namespace: 'default', labels: LABELS, annotations: { 'ocopea.io/image-name': 'ocopea/notes-app', 'ocopea.io/route': 'notes' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: {
            containers: [{
              name: 'notes-svc',
              image: 'registry.example.com:5000/ocopea/notes-app:1.0.0',
              env: [
                { name: 'DATABASE_URL', value: 'postgres://notes:s3cret@pg.default.svc:5432/notes' },
                { name: 'GREETING', value: 'hello' },
                { name: 'NAZ_MS_API_K8S_BINDINGS', value: bindingsJson },
                { name: 'OCOPEA_SERVICE_BINDINGS', value: bindingsJson },
              ],
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'p-9090', containerPort: 9090, protocol: 'TCP' }],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
            }],
          },
        },
      },
    });
    const [sPost] = fake.find('POST', /^\/api\/v1\/namespaces\/default\/services$/);
    expect(sPost.body).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'notes-svc', namespace: 'default', labels: LABELS },
      spec: {
        type: 'ClusterIP',
        selector: LABELS,
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'p-9090', port: 9090, targetPort: 9090, protocol: 'TCP' }],
      },
    });
    expect(fake.deployment('default', 'notes-svc')).toBeDefined();
    expect(fake.service('default', 'notes-svc')).toBeDefined();

    // Same id again: 409, nothing more created.
    const posts = fake.find('POST', /deployments$/).length;
    expect((await call('POST', '/psb/app-services', manifest())).status).toBe(409);
    expect(fake.find('POST', /deployments$/).length).toBe(posts);
  });

  it('maps status: unavailable → starting, available → running at the ClusterIP DNS name', async () => {
    const starting = await call('GET', '/psb/app-services/default/notes-svc');
    expect(starting.status).toBe(200);
    expect(starting.body).toMatchObject({ name: 'notes-svc', status: 'starting', instances: 0, entryPointURL: null });
    expect(starting.body.statusMessage).toMatch(/waiting for pods/);

    fake.makeAvailable('default', 'notes-svc');
    const runningState = await call('GET', '/psb/app-services/default/notes-svc');
    expect(runningState.body).toMatchObject({
      name: 'notes-svc', status: 'running', statusMessage: null, instances: 1,
      entryPointURL: 'http://notes-svc.default.svc.cluster.local',
      psbMetrics: expect.objectContaining({ availableReplicas: '1', serviceType: 'ClusterIP' }),
    });
    const list = await call('GET', '/psb/app-services?space=default');
    expect(list.body).toEqual([{ space: 'default', appServiceId: 'notes-svc', status: 'running', entryPointURL: 'http://notes-svc.default.svc.cluster.local' }]);
  });

  it('honours the space: NodePort service in another namespace, entry point at the node port', async () => {
    const m = manifest({ appServiceId: 'np-svc', space: 'team-a', psbSettings: { serviceType: 'NodePort', replicas: '2' }, exposedPorts: null, httpPort: 3000 });
    expect((await call('POST', '/psb/app-services', m)).status).toBe(201);
    expect(fake.deployment('team-a', 'np-svc')!.spec.replicas).toBe(2);
    const svc = fake.service('team-a', 'np-svc')!;
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 3000 })]);
    expect((await call('GET', '/psb/app-services/default/np-svc')).status).toBe(404); // not in the other space
    expect((await call('GET', '/psb/app-services/team-a/np-svc')).body.status).toBe('starting');
    fake.makeAvailable('team-a', 'np-svc', '192.168.49.7');
    const st = await call('GET', '/psb/app-services/team-a/np-svc');
    expect(st.body).toMatchObject({ status: 'running', entryPointURL: `http://192.168.49.7:${svc.spec.ports[0].nodePort}`, instances: 2 });
  });

  it('LoadBalancer: starting until the load balancer has an address, then running there', async () => {
    const m = manifest({ appServiceId: 'lb-svc', psbSettings: { serviceType: 'LoadBalancer' } });
    expect((await call('POST', '/psb/app-services', m)).status).toBe(201);
    fake.makeAvailable('default', 'lb-svc');
    const waiting = await call('GET', '/psb/app-services/default/lb-svc');
    expect(waiting.body).toMatchObject({ status: 'starting', statusMessage: 'waiting for the load balancer address', entryPointURL: null });
    fake.setLoadBalancerIngress('default', 'lb-svc', { ip: '203.0.113.9' });
    expect((await call('GET', '/psb/app-services/default/lb-svc')).body).toMatchObject({ status: 'running', entryPointURL: 'http://203.0.113.9' });
    fake.setLoadBalancerIngress('default', 'lb-svc', { hostname: 'lb.example.com' });
    expect((await call('GET', '/psb/app-services/default/lb-svc')).body.entryPointURL).toBe('http://lb.example.com');
  });

  it('maps a failed rollout and crash-looping or unpullable pods to error with a message', async () => {
    expect((await call('POST', '/psb/app-services', manifest({ appServiceId: 'bad-rollout' }))).status).toBe(201);
    fake.failRollout('default', 'bad-rollout');
    const failed = await call('GET', '/psb/app-services/default/bad-rollout');
    expect(failed.body).toMatchObject({ status: 'error', entryPointURL: null });
    expect(failed.body.statusMessage).toMatch(/rollout failed: .*timed out progressing/);

    for (const reason of ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull']) {
      const id = `pod-${reason.toLowerCase()}`;
      expect((await call('POST', '/psb/app-services', manifest({ appServiceId: id }))).status).toBe(201);
      fake.addWaitingPod('default', id, reason, 'back-off pulling image');
      const st = await call('GET', `/psb/app-services/default/${id}`);
      expect(st.body).toMatchObject({ status: 'error' });
      expect(st.body.statusMessage).toContain(reason);
    }
  });

  it('DELETE removes the Deployment and the Service with background propagation (pods go too); then 404', async () => {
    expect((await call('POST', '/psb/app-services', manifest({ appServiceId: 'gone-svc' }))).status).toBe(201);
    fake.makeAvailable('default', 'gone-svc');
    expect([...fake.pods.values()].some((p) => p.metadata.labels['ocopea.io/app-service'] === 'gone-svc')).toBe(true);

    const del = await call('DELETE', '/psb/app-services/default/gone-svc');
    expect(del).toEqual({ status: 200, body: { status: 0, message: expect.any(String) } });
    const dDel = fake.find('DELETE', /^\/apis\/apps\/v1\/namespaces\/default\/deployments\/gone-svc$/);
    const sDel = fake.find('DELETE', /^\/api\/v1\/namespaces\/default\/services\/gone-svc$/);
    expect(dDel).toHaveLength(1);
    expect(sDel).toHaveLength(1);
    expect(dDel[0].query.propagationPolicy).toBe('Background');
    expect(sDel[0].query.propagationPolicy).toBe('Background');
    expect(fake.deployment('default', 'gone-svc')).toBeUndefined();
    expect(fake.service('default', 'gone-svc')).toBeUndefined();
    expect([...fake.pods.values()].some((p) => p.metadata.labels['ocopea.io/app-service'] === 'gone-svc')).toBe(false);

    expect((await call('DELETE', '/psb/app-services/default/gone-svc')).status).toBe(404);
    expect((await call('GET', '/psb/app-services/default/gone-svc')).status).toBe(404);
    expect((await call('GET', '/psb/app-services/default/gone-svc/logs')).status).toBe(404);
    expect((await call('GET', '/psb/app-services/default/Not_A_Name')).status).toBe(404);
  });

  it('rejects bad input with 400 and creates nothing', async () => {
    const before = fake.find('POST', /deployments$/).length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ appServiceId: 'Bad_Name' }, /not a valid Kubernetes name/],
      [{ appServiceId: '9starts-with-digit' }, /not a valid Kubernetes name/],
      [{ appServiceId: 'a'.repeat(64) }, /at most 63/],
      [{ appServiceId: 'unres', environmentVariables: { X: '${other-db.server}:${notes-db.nope}' } }, /\$\{other-db\.server\}.*\$\{notes-db\.nope\}/],
      [{ appServiceId: 'badenv', environmentVariables: { '1 bad name': 'x' } }, /environment variable name/],
      [{ appServiceId: 'badcpu', psbSettings: { cpu: 'lots' } }, /psbSettings\.cpu/],
      [{ appServiceId: 'badtype', psbSettings: { serviceType: 'Ingress' } }, /serviceType/],
      [{ appServiceId: 'badspace', space: 'Not_A_Namespace' }, /namespace name/],
      [{ imageName: undefined }, /imageName/],
    ];
    for (const [over, message] of cases) {
      const res = await call('POST', '/psb/app-services', manifest(over));
      expect({ over, status: res.status }).toEqual({ over, status: 400 });
      expect(res.body.message).toMatch(message);
    }
    // A namespace that does not exist: Kubernetes answers 404 on create; the PSB answers 400.
    const noNs = await call('POST', '/psb/app-services', manifest({ appServiceId: 'nons', space: 'no-such-ns' }));
    expect(noNs.status).toBe(400);
    expect(noNs.body.message).toMatch(/space 'no-such-ns' does not exist/);
    expect(fake.find('POST', /deployments$/).length).toBe(before + 1); // only the no-such-ns attempt reached Kubernetes
  });

  it('leaves no half state: when the Service cannot be created the Deployment is deleted again', async () => {
    fake.failOn = [{ method: 'POST', path: /\/services$/, status: 500 }];
    const res = await call('POST', '/psb/app-services', manifest({ appServiceId: 'half-svc' }));
    expect(res.status).toBe(503);
    expect(fake.find('POST', /\/deployments$/).at(-1)!.body!.metadata.name).toBe('half-svc');
    const del = fake.find('DELETE', /\/deployments\/half-svc$/);
    expect(del).toHaveLength(1);
    expect(del[0].query.propagationPolicy).toBe('Background');
    expect(fake.deployment('default', 'half-svc')).toBeUndefined();
    fake.failOn = [];
    expect((await call('GET', '/psb/app-services/default/half-svc')).status).toBe(404);
  });

  it('answers 503 when the Kubernetes API fails', async () => {
    fake.failWith = 503;
    const dep = await call('POST', '/psb/app-services', manifest({ appServiceId: 'down-svc' }));
    expect(dep.status).toBe(503);
    expect(dep.body).toMatchObject({ code: 503, reason: 'unavailable' });
    expect((await call('GET', '/psb/app-services/default/notes-svc')).status).toBe(503);
    expect((await call('DELETE', '/psb/app-services/default/notes-svc')).status).toBe(503);
  });

  it('logs: answers the websocket address and streams the pod log as JSON frames', async () => {
    const id = 'log-svc';
    expect((await call('POST', '/psb/app-services', manifest({ appServiceId: id }))).status).toBe(201);
    const pod = fake.makeAvailable('default', id);
    fake.appendLog('default', pod.metadata.name, 'listening on 8080', new Date(1717000000123));

    const logs = await call('GET', `/psb/app-services/default/${id}/logs`);
    expect(logs).toEqual({ status: 200, body: { address: `ws://127.0.0.1:${running.port}/psb/app-services/default/${id}/logs/data`, serialization: 'json' } });

    const ws = new WebSocket(logs.body.address!);
    const frames: unknown[] = [];
    const got = (n: number) => new Promise<void>((resolve, reject) => {
      const check = () => { if (frames.length >= n) resolve(); };
      ws.on('message', (data) => { frames.push(JSON.parse(String(data))); check(); });
      ws.on('error', reject);
      check();
    });
    await got(1);
    expect(frames[0]).toEqual({ message: 'listening on 8080', timestamp: 1717000000123, messageType: 'out', serviceId: id });
    const second = got(2);
    fake.appendLog('default', pod.metadata.name, 'GET /notes 200', new Date(1717000001000));
    await second;
    expect(frames[1]).toEqual({ message: 'GET /notes 200', timestamp: 1717000001000, messageType: 'out', serviceId: id });
    expect(fake.find('GET', new RegExp(`/pods/${pod.metadata.name}/log$`))[0].query).toMatchObject({ container: id, follow: 'true', timestamps: 'true' });

    ws.close();
    const deadline = Date.now() + 5000;
    while (fake.followerCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(fake.followerCount()).toBe(0); // closing the socket stops following the pod log
  });

  it('logs websocket of an unknown app service closes with 4404', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${running.port}/psb/app-services/default/nobody/logs/data`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(4404);
  });
});
