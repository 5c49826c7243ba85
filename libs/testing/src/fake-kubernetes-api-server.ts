// A FAKE Kubernetes API server, for tests only. It is NOT Kubernetes: there is no scheduler, no controllers, no
// kubelet. It serves just the REST paths psb-k8s uses (apps/v1 Deployments, v1 Services, Namespaces, Pods and pod
// logs) over plain HTTP with in-memory objects, answers errors as Kubernetes `Status` objects, and records every
// request (method, path, query, body) so tests can assert the exact objects created and deleted. What a real cluster
// would do by itself (a Deployment becoming available, a rollout failing, a pod crash-looping, a load balancer getting
// an address) the test does by calling the control methods below.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

/** A Kubernetes object as JSON (the fake does not type-check what it stores). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KObject = Record<string, any>;

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  body: KObject | undefined;
  authorization: string | undefined;
}

interface LogFollower { res: http.ServerResponse; ns: string; pod: string; timestamps: boolean }

export class FakeKubernetesApiServer {
  readonly token = `fake-token-${randomUUID()}`;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  readonly namespaces = new Map<string, KObject>();
  /** key `ns/name` */
  readonly deployments = new Map<string, KObject>();
  readonly services = new Map<string, KObject>();
  readonly pods = new Map<string, KObject>();
  /** key `ns/pod`: lines `{ts, text}` */
  private readonly logs = new Map<string, { ts: string; text: string }[]>();
  private readonly followers = new Set<LogFollower>();
  /** When set, every request is answered with this status (e.g. 503, 500) instead of being served. */
  failWith: number | undefined;
  /** Holds every answer this long (a hung API server). */
  delayMs = 0;
  /** Answers requests matching method and path with `status` (e.g. a Service create failing after the Deployment). */
  failOn: { method: string; path: RegExp; status: number }[] = [];
  private server: http.Server | undefined;
  private nextIp = 10;
  private nextNodePort = 30080;
  port = 0;

  constructor(namespaces: string[] = ['default', 'kube-system']) {
    for (const ns of namespaces) this.addNamespace(ns);
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const f of this.followers) f.res.destroy();
    this.followers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Writes a kubeconfig pointing at this server (plain HTTP, bearer token) and returns its path. */
  writeKubeconfig(dir: string): string {
    const file = path.join(dir, 'kubeconfig.yaml');
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters:', '- name: fake', '  cluster:', `    server: ${this.url}`, '    insecure-skip-tls-verify: true',
      'users:', '- name: fake', '  user:', `    token: ${this.token}`,
      'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: fake', '',
    ].join('\n'));
    return file;
  }

  // ---- control methods (what the cluster would do by itself) ----

  addNamespace(name: string): void {
    this.namespaces.set(name, { apiVersion: 'v1', kind: 'Namespace', metadata: this.meta({ name }), status: { phase: 'Active' } });
  }

  /** Requests matching a method and a path pattern. */
  find(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  deployment(ns: string, name: string): KObject | undefined { return this.deployments.get(`${ns}/${name}`); }
  service(ns: string, name: string): KObject | undefined { return this.services.get(`${ns}/${name}`); }

  /** The Deployment's pods are running and ready: availableReplicas = replicas, Available True; one Running pod. */
  makeAvailable(ns: string, name: string, hostIP = '192.168.49.2'): KObject {
    const d = this.mustGet(this.deployments, ns, name);
    const replicas = d.spec?.replicas ?? 1;
    d.status = {
      observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}-5d4f8" has successfully progressed.` },
      ],
    };
    return this.addPod(ns, name, { phase: 'Running', hostIP, podIP: `10.244.0.${this.nextIp++}`, containerStatuses: [{ name, ready: true, restartCount: 0, image: '', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] });
  }

  /** The rollout passed its progress deadline (Progressing False, ProgressDeadlineExceeded). */
  failRollout(ns: string, name: string): void {
    const d = this.mustGet(this.deployments, ns, name);
    d.status = {
      observedGeneration: 1, replicas: 1, unavailableReplicas: 1, updatedReplicas: 1,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${name}-5d4f8" has timed out progressing.` },
      ],
    };
  }

  /** Adds a pod of the Deployment `app` (its template labels), with the given status. */
  addPod(ns: string, app: string, status: KObject): KObject {
    const d = this.mustGet(this.deployments, ns, app);
    const name = `${app}-5d4f8-${randomUUID().slice(0, 5)}`;
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: this.meta({ name, namespace: ns, labels: { ...d.spec.template.metadata.labels } }),
      spec: structuredClone(d.spec.template.spec),
      status,
    };
    this.pods.set(`${ns}/${name}`, pod);
    return pod;
  }

  /** A pod of `app` whose container waits with `reason` (CrashLoopBackOff, ErrImagePull, ImagePullBackOff, ...). */
  addWaitingPod(ns: string, app: string, reason: string, message: string): KObject {
    return this.addPod(ns, app, { phase: 'Pending', containerStatuses: [{ name: app, ready: false, restartCount: 3, image: '', imageID: '', state: { waiting: { reason, message } } }] });
  }

  /** The LoadBalancer Service got its external address. */
  setLoadBalancerIngress(ns: string, name: string, ingress: { ip?: string; hostname?: string }): void {
    this.mustGet(this.services, ns, name).status = { loadBalancer: { ingress: [ingress] } };
  }

  /** A line the container writes; sent at once to followers of the pod's log. */
  appendLog(ns: string, pod: string, text: string, date = new Date()): void {
    const ts = date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z'); // RFC 3339 nano, as the kubelet writes it
    const lines = this.logs.get(`${ns}/${pod}`) ?? [];
    lines.push({ ts, text });
    this.logs.set(`${ns}/${pod}`, lines);
    for (const f of this.followers) if (f.ns === ns && f.pod === pod) f.res.write(format({ ts, text }, f.timestamps));
  }

  /** Ends the open log streams of a pod (what the kubelet does when the container restarts). */
  endLogStreams(ns: string, pod: string): void {
    for (const f of [...this.followers]) if (f.ns === ns && f.pod === pod) { f.res.end(); this.followers.delete(f); }
  }

  /** Open log-follow connections (for asserting that the PSB closes them). */
  followerCount(): number { return this.followers.size; }

  // ---- the REST API ----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: KObject | undefined;
    try { body = raw ? JSON.parse(raw) : undefined; } catch { body = { unparsable: raw }; }
    const rec: RecordedRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body,
      authorization: req.headers.authorization,
    };
    this.requests.push(rec);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs).unref());
    if (res.destroyed || res.writableEnded) return;
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    if (this.failWith) return this.status(res, this.failWith, 'InternalError', 'the fake API server was told to fail');
    const rule = this.failOn.find((f) => f.method === rec.method && f.path.test(rec.path));
    if (rule) return this.status(res, rule.status, 'InternalError', `the fake API server was told to fail ${rec.method} ${rec.path}`);
    try {
      this.route(rec, url.searchParams, res);
    } catch (err) {
      this.status(res, 500, 'InternalError', `fake: ${(err as Error).message}`);
    }
  }

  private route(r: RecordedRequest, q: URLSearchParams, res: http.ServerResponse): void {
    const p = r.path;
    let m: RegExpExecArray | null;
    if (r.method === 'GET' && p === '/api/v1/namespaces') return this.list(res, 'NamespaceList', [...this.namespaces.values()], q);
    if (r.method === 'GET' && (m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p))) {
      const ns = this.namespaces.get(m[1]);
      return ns ? this.json(res, 200, ns) : this.status(res, 404, 'NotFound', `namespaces "${m[1]}" not found`);
    }
    if (r.method === 'GET' && p === '/apis/apps/v1/deployments') return this.list(res, 'DeploymentList', [...this.deployments.values()], q);
    if (r.method === 'GET' && p === '/api/v1/services') return this.list(res, 'ServiceList', [...this.services.values()], q);
    if (r.method === 'GET' && p === '/api/v1/pods') return this.list(res, 'PodList', [...this.pods.values()], q);
    if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?$/.exec(p))) {
      return this.collection(r, res, q, this.deployments, m[1], m[2], 'Deployment', 'deployments.apps');
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/services(?:\/([^/]+))?$/.exec(p))) {
      return this.collection(r, res, q, this.services, m[1], m[2], 'Service', 'services');
    }
    if (r.method === 'GET' && (m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p))) {
      return this.list(res, 'PodList', [...this.pods.values()].filter((o) => o.metadata.namespace === m![1]), q);
    }
    if (r.method === 'GET' && (m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(p))) return this.podLog(res, m[1], m[2], q);
    return this.status(res, 404, 'NotFound', `the fake Kubernetes API server does not serve ${r.method} ${p}`);
  }

  private collection(
    r: RecordedRequest, res: http.ServerResponse, q: URLSearchParams, store: Map<string, KObject>, ns: string,
    name: string | undefined, kind: string, resource: string,
  ): void {
    if (!name && r.method === 'GET') return this.list(res, `${kind}List`, [...store.values()].filter((o) => o.metadata.namespace === ns), q);
    if (!name && r.method === 'POST') {
      if (!this.namespaces.has(ns)) return this.status(res, 404, 'NotFound', `namespaces "${ns}" not found`);
      const obj = structuredClone(r.body ?? {});
      const objName = obj.metadata?.name;
      if (!objName) return this.status(res, 422, 'Invalid', `${kind} is invalid: metadata.name: Required value`);
      if (obj.metadata.namespace && obj.metadata.namespace !== ns) return this.status(res, 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      if (store.has(`${ns}/${objName}`)) return this.status(res, 409, 'AlreadyExists', `${resource} "${objName}" already exists`);
      obj.metadata = this.meta({ ...obj.metadata, namespace: ns });
      if (kind === 'Deployment') {
        obj.metadata.generation = 1;
        obj.status = {
          observedGeneration: 1, replicas: obj.spec?.replicas ?? 1, unavailableReplicas: obj.spec?.replicas ?? 1, updatedReplicas: obj.spec?.replicas ?? 1,
          conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${objName}-5d4f8" is progressing.` }],
        };
      } else {
        obj.spec = { ...obj.spec, clusterIP: `10.96.0.${this.nextIp++}` };
        obj.spec.type ??= 'ClusterIP';
        if (obj.spec.type !== 'ClusterIP') for (const port of obj.spec.ports ?? []) port.nodePort ??= this.nextNodePort++;
        obj.status = { loadBalancer: {} };
      }
      store.set(`${ns}/${objName}`, obj);
      return this.json(res, 201, obj);
    }
    if (!name) return this.status(res, 405, 'MethodNotAllowed', `${r.method} not allowed`);
    const obj = store.get(`${ns}/${name}`);
    if (!obj) return this.status(res, 404, 'NotFound', `${resource} "${name}" not found`);
    if (r.method === 'GET') return this.json(res, 200, obj);
    if (r.method === 'DELETE') {
      store.delete(`${ns}/${name}`);
      // Background propagation: the garbage collector removes the pods afterwards; the fake does it at once. With no
      // policy (orphan for the orcs RC) they would survive, which is what the PSB test checks does not happen.
      if (kind === 'Deployment' && (q.get('propagationPolicy') ?? r.body?.propagationPolicy) !== 'Orphan' && (q.get('propagationPolicy') ?? r.body?.propagationPolicy)) {
        for (const [k, pod] of this.pods) if (pod.metadata.namespace === ns && matches(pod.metadata.labels, obj.spec.selector.matchLabels)) this.pods.delete(k);
      }
      return this.json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: resource.split('.')[0], uid: obj.metadata.uid } });
    }
    return this.status(res, 405, 'MethodNotAllowed', `${r.method} not allowed`);
  }

  private podLog(res: http.ServerResponse, ns: string, podName: string, q: URLSearchParams): void {
    const pod = this.pods.get(`${ns}/${podName}`);
    if (!pod) return this.status(res, 404, 'NotFound', `pods "${podName}" not found`);
    const container = q.get('container');
    if (container && !pod.spec.containers.some((c: KObject) => c.name === container)) {
      return this.status(res, 400, 'BadRequest', `container ${container} is not valid for pod ${podName}`);
    }
    const timestamps = q.get('timestamps') === 'true';
    let lines = this.logs.get(`${ns}/${podName}`) ?? [];
    const since = q.get('sinceTime');
    if (since) lines = lines.filter((l) => Date.parse(l.ts.replace(/(\.\d{3})\d*Z$/, '$1Z')) >= Date.parse(since));
    const tail = q.get('tailLines');
    if (tail) lines = lines.slice(-Number(tail));
    res.writeHead(200, { 'content-type': 'text/plain' });
    for (const l of lines) res.write(format(l, timestamps));
    if (q.get('follow') !== 'true') { res.end(); return; }
    const f: LogFollower = { res, ns, pod: podName, timestamps };
    this.followers.add(f);
    res.on('close', () => this.followers.delete(f));
  }

  private list(res: http.ServerResponse, kind: string, items: KObject[], q: URLSearchParams): void {
    const selector = q.get('labelSelector');
    const selected = selector ? items.filter((o) => selects(selector, o.metadata?.labels ?? {})) : items;
    const apiVersion = kind === 'DeploymentList' ? 'apps/v1' : 'v1';
    this.json(res, 200, { apiVersion, kind, metadata: { resourceVersion: '1' }, items: selected });
  }

  private meta(m: KObject): KObject {
    return { ...m, uid: randomUUID(), resourceVersion: String(Date.now()), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
  }

  private mustGet(store: Map<string, KObject>, ns: string, name: string): KObject {
    const o = store.get(`${ns}/${name}`);
    if (!o) throw new Error(`fake: no ${ns}/${name}`);
    return o;
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  }
}

function format(l: { ts: string; text: string }, timestamps: boolean): string {
  return timestamps ? `${l.ts} ${l.text}\n` : `${l.text}\n`;
}

/** Equality-based label selectors only (`a=b,c=d`, `a==b`, `a!=b`), which is all the PSB sends. */
function selects(selector: string, labels: Record<string, string>): boolean {
  return selector.split(',').every((term) => {
    const neq = /^([^!=]+)!=(.*)$/.exec(term);
    if (neq) return labels[neq[1].trim()] !== neq[2].trim();
    const eq = /^([^=]+)==?(.*)$/.exec(term);
    if (eq) return labels[eq[1].trim()] === eq[2].trim();
    return term.trim() in labels;
  });
}

function matches(labels: Record<string, string> | undefined, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => labels?.[k] === v);
}
