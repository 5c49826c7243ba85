// Unit tests of the pure parts: image names, ports, settings, status mapping; and the pod-log follower's re-follow.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import { BadRequestError } from '@ocopea/errors';
import { buildDeployment, httpPortOf, imageOf, parseSettings, type AppServiceManifest } from '../src/domain/manifests';
import { appServiceState } from '../src/domain/status';
import { PodLogFollower, type LogLine } from '../src/domain/pod-logs';
import { composePsb } from '../src/compose';
import { FakeKubernetesApiServer } from '@ocopea/testing';

const m = (over: Partial<AppServiceManifest> = {}): AppServiceManifest => ({ appServiceId: 'a', space: 'default', imageName: 'app', ...over });

describe('image names', () => {
  it.each([
    [m({ imageName: 'nginx' }), 'nginx'],
    [m({ imageName: 'nginx', imageVersion: '1.25' }), 'nginx:1.25'],
    [m({ imageName: 'nginx:1.24', imageVersion: '1.25' }), 'nginx:1.24'],
    [m({ imageName: 'nginx@sha256:abc', imageVersion: '1.25' }), 'nginx@sha256:abc'],
    [m({ imageName: 'lib/app', imageVersion: '2', artifactRegistryType: 'dockerRegistry', artifactRegistryParameters: { url: 'registry.local:5000' } }), 'registry.local:5000/lib/app:2'],
    [m({ imageName: 'quay.io/lib/app', artifactRegistryType: 'dockerRegistry', artifactRegistryParameters: { url: 'https://registry.local' } }), 'quay.io/lib/app'],
    [m({ imageName: 'app', artifactRegistryType: 'mavenRepository', artifactRegistryParameters: { url: 'https://maven.local' } }), 'app'],
  ])('%#: %j → %s', (manifest, image) => { expect(imageOf(manifest)).toBe(image); });

  it('refuses names with spaces', () => { expect(() => imageOf(m({ imageName: 'a b' }))).toThrow(BadRequestError); });
});

describe('ports and settings', () => {
  it('takes httpPort, else the first exposed port, else 8080', () => {
    expect(httpPortOf(m({ httpPort: 3000, exposedPorts: [9000] }))).toBe(3000);
    expect(httpPortOf(m({ exposedPorts: [9000] }))).toBe(9000);
    expect(httpPortOf(m())).toBe(8080);
    expect(() => httpPortOf(m({ httpPort: 70000 }))).toThrow(BadRequestError);
  });

  it('reads replicas, limits, pull secret and an HTTP readiness path', () => {
    const s = parseSettings({ replicas: '3', cpuLimit: '1', readinessPath: '/healthz', imagePullSecret: 'regcred' }, 'ClusterIP');
    const d = buildDeployment(m({ httpPort: 8000 }), s);
    expect(d.spec?.replicas).toBe(3);
    expect(d.spec?.template.spec?.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(d.spec?.template.spec?.containers[0].resources).toEqual({ limits: { cpu: '1' } });
    expect(d.spec?.template.spec?.containers[0].readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 8000 }, periodSeconds: 5 });
    expect(() => parseSettings({ replicas: '0' }, 'ClusterIP')).toThrow(/replicas/);
  });
});

describe('status mapping', () => {
  const o = { clusterDomain: 'cluster.local' };
  const available: V1Deployment = { metadata: { name: 'a' }, spec: { replicas: 1, selector: {}, template: {} }, status: { availableReplicas: 1 } };
  const svc = (spec: V1Service['spec'], status: V1Service['status'] = {}): V1Service => ({ metadata: { name: 'a', namespace: 'ns' }, spec, status });
  const runningPod: V1Pod = { status: { phase: 'Running', hostIP: '10.0.0.5' } };

  it('NodePort: PSB_K8S_NODE_HOST wins over the pod node; no host yet → starting', () => {
    const s = svc({ type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 31000 }] });
    expect(appServiceState('a', 'ns', available, s, [runningPod], { ...o, nodeHost: 'k8s.example.com' })?.entryPointURL).toBe('http://k8s.example.com:31000');
    expect(appServiceState('a', 'ns', available, s, [runningPod], o)?.entryPointURL).toBe('http://10.0.0.5:31000');
    expect(appServiceState('a', 'ns', available, s, [], o)).toMatchObject({ status: 'starting', statusMessage: expect.stringMatching(/PSB_K8S_NODE_HOST/) });
  });

  it('LoadBalancer with an IPv6 address; ClusterIP without an IP yet; half-present and deleting objects', () => {
    expect(appServiceState('a', 'ns', available, svc({ type: 'LoadBalancer', ports: [{ port: 80 }] }, { loadBalancer: { ingress: [{ ip: '2001:db8::1' }] } }), [], o)?.entryPointURL).toBe('http://[2001:db8::1]');
    expect(appServiceState('a', 'ns', available, svc({ type: 'ClusterIP', clusterIP: 'None' }), [], o)?.status).toBe('starting');
    expect(appServiceState('a', 'ns', undefined, svc({ type: 'ClusterIP' }), [], o)).toMatchObject({ status: 'error', statusMessage: expect.stringMatching(/Deployment 'a' is missing/) });
    expect(appServiceState('a', 'ns', available, undefined, [], o)).toMatchObject({ status: 'error', statusMessage: expect.stringMatching(/Service 'a' is missing/) });
    expect(appServiceState('a', 'ns', { ...available, metadata: { deletionTimestamp: new Date() } }, svc({}), [], o)?.status).toBe('stopped');
    expect(appServiceState('a', 'ns', undefined, undefined, [], o)).toBeUndefined();
  });

  it('a crash-looping pod does not turn an available app service into error', () => {
    const crash: V1Pod = { metadata: { name: 'p' }, status: { containerStatuses: [{ name: 'a', ready: false, restartCount: 4, image: '', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } };
    expect(appServiceState('a', 'ns', available, svc({ clusterIP: '10.96.0.1' }), [crash], o)?.status).toBe('running');
    expect(appServiceState('a', 'ns', { ...available, status: {} }, svc({ clusterIP: '10.96.0.1' }), [crash], o)?.status).toBe('error');
  });
});

describe('pod log follower', () => {
  let fake: FakeKubernetesApiServer;
  let dir: string;
  beforeAll(async () => { fake = await new FakeKubernetesApiServer().start(); dir = mkdtempSync(path.join(os.tmpdir(), 'psb-k8s-logs-')); });
  afterAll(async () => { await fake.close(); rmSync(dir, { recursive: true, force: true }); });

  it('gives up on a hung API server after the call deadline: 503, no crash', async () => {
    const psb = composePsb({ inCluster: false, kubeconfig: fake.writeKubeconfig(dir), apiTimeoutMs: 150 });
    fake.delayMs = 3000;
    try {
      const started = Date.now();
      await expect(psb.state('default', 'whatever')).rejects.toMatchObject({ status: 503, reason: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(2500);
    } finally { fake.delayMs = 0; }
  });

  it('follows again when the stream ends, without repeating lines', async () => {
    const psb = composePsb({ inCluster: false, kubeconfig: fake.writeKubeconfig(dir) });
    await psb.deploy({ appServiceId: 'logger', space: 'default', imageName: 'x' });
    const pod = fake.makeAvailable('default', 'logger');
    fake.appendLog('default', pod.metadata.name, 'one', new Date(1000));
    const lines: LogLine[] = [];
    const f = new PodLogFollower(psb, psb.kc, 'default', 'logger', (l) => lines.push(l), () => undefined, { pollMs: 20 });
    const until = async (cond: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!cond()) { if (Date.now() > deadline) throw new Error(`timed out; lines: ${JSON.stringify(lines)}`); await new Promise((r) => setTimeout(r, 10)); }
    };
    try {
      f.start();
      await until(() => lines.length === 1);
      fake.endLogStreams('default', pod.metadata.name); // container restarted: the kubelet ends the stream
      await until(() => fake.find('GET', /\/log$/).length >= 2 && fake.followerCount() === 1);
      fake.appendLog('default', pod.metadata.name, 'two', new Date(2000));
      await until(() => lines.length >= 2);
      await new Promise((r) => setTimeout(r, 100));
      expect(lines.map((l) => [l.message, l.timestamp])).toEqual([['one', 1000], ['two', 2000]]);
      const refollow = fake.find('GET', /\/log$/)[1];
      expect(refollow.query.sinceTime).toBe('1970-01-01T00:00:01Z');
    } finally { f.stop(); }
  });
});
