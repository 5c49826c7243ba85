// The PSB over the Kubernetes API: an app service is a Deployment plus a Service in the namespace named by `space`.
// Kubernetes objects are the only state: nothing is kept here, so a restart of the PSB loses nothing.
import * as k8s from '@kubernetes/client-node';
import { BadRequestError, ConflictError, OcopeaError, UnavailableError } from '@ocopea/errors';
import {
  buildDeployment, buildService, MANAGED_SELECTOR, parseSettings, selectorOf, validateAppServiceId, validateSpace,
  APP_SERVICE_LABEL, type AppServiceManifest, type ServiceType,
} from './manifests';
import { appServiceState, type AppServiceState, type StatusOptions } from './status';

export interface K8sPsbOptions extends StatusOptions {
  /** Service type when `psbSettings.serviceType` is absent. */
  defaultServiceType: ServiceType;
  /** Each Kubernetes API call is abandoned after this long (answered 503); default 15 000 ms. */
  apiTimeoutMs?: number;
}

export interface Space { name: string; properties: Record<string, string> | null }

/** The Kubernetes API error status of `err` (ApiException `.code`), or undefined for network failures and others. */
export function apiStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown } | null;
  return e instanceof k8s.ApiException || (e && typeof e.code === 'number' && 'body' in (e as object)) ? (e as { code: number }).code : undefined;
}

/** The `message` of a Kubernetes `Status` body, if any. */
function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed && typeof parsed.message === 'string') return parsed.message;
  } catch { /* not JSON */ }
  return (err as Error).message?.split('\n')[0] ?? String(err);
}

/**
 * Maps a failed Kubernetes call to an error the API answers with: network failures, 5xx and 401/403 mean the
 * platform cannot be used right now (503); other statuses are left to the caller (`undefined`).
 */
function platformError(err: unknown, what: string): OcopeaError | undefined {
  if (err instanceof OcopeaError) return err;
  const status = apiStatus(err);
  if (status === undefined) return new UnavailableError(`Kubernetes API unreachable while ${what}: ${(err as Error).message ?? err}`, { cause: err });
  if (status >= 500) return new UnavailableError(`Kubernetes API failed while ${what} (${status}): ${apiMessage(err)}`, { cause: err });
  if (status === 401 || status === 403) return new UnavailableError(`Kubernetes API refused ${what} (${status}; check the PSB's credentials and RBAC): ${apiMessage(err)}`, { cause: err });
  return undefined;
}

function rethrow(err: unknown, what: string): never {
  throw platformError(err, what) ?? err;
}

/** Undefined for 404, the object otherwise. */
async function orNotFound<T>(p: Promise<T>, what: string): Promise<T | undefined> {
  try { return await p; } catch (err) {
    if (apiStatus(err) === 404) return undefined;
    return rethrow(err, what);
  }
}

export class K8sPsb {
  readonly apps: k8s.AppsV1Api;
  readonly core: k8s.CoreV1Api;

  constructor(readonly kc: k8s.KubeConfig, private readonly o: K8sPsbOptions) {
    this.apps = apiClient(kc, k8s.AppsV1Api, o.apiTimeoutMs ?? 15_000);
    this.core = apiClient(kc, k8s.CoreV1Api, o.apiTimeoutMs ?? 15_000);
  }

  /** Namespaces of the cluster (the spaces app services can go to). */
  async spaces(): Promise<Space[]> {
    try {
      const list = await this.core.listNamespace();
      return list.items.map((ns): Space => ({
        name: ns.metadata?.name ?? '',
        properties: ns.status?.phase ? { phase: ns.status.phase } : {} as Record<string, string>,
      })).filter((s) => s.name);
    } catch (err) { return rethrow(err, 'listing namespaces'); }
  }

  /**
   * Creates the Deployment, then the Service; when the Service cannot be created the Deployment is deleted again, so
   * a failed deploy leaves nothing behind. Answers as soon as both are accepted: status is polled.
   */
  async deploy(m: AppServiceManifest): Promise<void> {
    validateAppServiceId(m.appServiceId);
    validateSpace(m.space);
    const settings = parseSettings(m.psbSettings, this.o.defaultServiceType);
    const deployment = buildDeployment(m, settings);
    const service = buildService(m, settings);
    const where = `'${m.appServiceId}' in namespace '${m.space}'`;

    // A leftover Service of an earlier half-deleted app service would make the Service create fail after the
    // Deployment was created; find it first so the answer is a plain 409.
    const existingService = await orNotFound(this.core.readNamespacedService({ name: m.appServiceId, namespace: m.space }), `reading Service ${where}`);
    if (existingService) throw new ConflictError(`app service ${where} already exists`);
    try {
      await this.apps.createNamespacedDeployment({ namespace: m.space, body: deployment });
    } catch (err) {
      const status = apiStatus(err);
      if (status === 409) throw new ConflictError(`app service ${where} already exists`);
      if (status === 404) throw new BadRequestError(`space '${m.space}' does not exist (no such namespace)`);
      if (status === 400 || status === 422) throw new BadRequestError(`Kubernetes rejected the Deployment for ${where}: ${apiMessage(err)}`);
      return rethrow(err, `creating the Deployment ${where}`);
    }
    try {
      await this.core.createNamespacedService({ namespace: m.space, body: service });
    } catch (err) {
      await this.apps.deleteNamespacedDeployment({ name: m.appServiceId, namespace: m.space, propagationPolicy: 'Background' })
        .catch(() => undefined); // best effort: the error below is what the caller must see
      const status = apiStatus(err);
      if (status === 409) throw new ConflictError(`a Service named ${where} already exists`);
      if (status === 400 || status === 422) throw new BadRequestError(`Kubernetes rejected the Service for ${where}: ${apiMessage(err)}`);
      return rethrow(err, `creating the Service ${where}`);
    }
  }

  /** The state of one app service; undefined when neither its Deployment nor its Service exists. */
  async state(space: string, id: string): Promise<AppServiceState | undefined> {
    if (!isName(space) || !isName(id)) return undefined; // cannot exist: not a Kubernetes name
    const where = `'${id}' in namespace '${space}'`;
    const [d, s] = await Promise.all([
      orNotFound(this.apps.readNamespacedDeployment({ name: id, namespace: space }), `reading Deployment ${where}`),
      orNotFound(this.core.readNamespacedService({ name: id, namespace: space }), `reading Service ${where}`),
    ]);
    if (!d && !s) return undefined;
    const pods = d ? await this.pods(space, id) : [];
    return appServiceState(id, space, d, s, pods, this.o);
  }

  /** Every app service this PSB manages (objects labelled managed-by ocopea), in one namespace or all. */
  async list(space?: string): Promise<AppServiceState[]> {
    const labelSelector = MANAGED_SELECTOR;
    try {
      const [ds, ss, ps] = await Promise.all(space
        ? [this.apps.listNamespacedDeployment({ namespace: space, labelSelector }),
          this.core.listNamespacedService({ namespace: space, labelSelector }),
          this.core.listNamespacedPod({ namespace: space, labelSelector })]
        : [this.apps.listDeploymentForAllNamespaces({ labelSelector }),
          this.core.listServiceForAllNamespaces({ labelSelector }),
          this.core.listPodForAllNamespaces({ labelSelector })]);
      const key = (o: k8s.V1ObjectMeta | undefined) => `${o?.namespace}/${o?.name}`;
      const deployments = new Map(ds.items.map((d) => [key(d.metadata), d]));
      const services = new Map(ss.items.map((s) => [key(s.metadata), s]));
      const out: AppServiceState[] = [];
      for (const k of [...new Set([...deployments.keys(), ...services.keys()])].sort()) {
        const [ns, name] = k.split('/');
        const pods = ps.items.filter((p) => p.metadata?.namespace === ns && p.metadata?.labels?.[APP_SERVICE_LABEL] === name);
        const st = appServiceState(name, ns, deployments.get(k), services.get(k), pods, this.o);
        if (st) out.push(st);
      }
      return out;
    } catch (err) {
      if (space && apiStatus(err) === 404) return [];
      return rethrow(err, 'listing app services');
    }
  }

  /** Deletes the Deployment (pods go with it: background propagation) and the Service. False when neither existed. */
  async remove(space: string, id: string): Promise<boolean> {
    if (!isName(space) || !isName(id)) return false;
    const where = `'${id}' in namespace '${space}'`;
    const gone = (p: Promise<unknown>, what: string) => p.then(() => true, (err) => {
      if (apiStatus(err) === 404) return false;
      return rethrow(err, what);
    });
    const [d, s] = await Promise.all([
      gone(this.apps.deleteNamespacedDeployment({ name: id, namespace: space, propagationPolicy: 'Background' }), `deleting the Deployment ${where}`),
      gone(this.core.deleteNamespacedService({ name: id, namespace: space, propagationPolicy: 'Background' }), `deleting the Service ${where}`),
    ]);
    return d || s;
  }

  /** Whether anything of the app service exists (for the logs endpoint). */
  async exists(space: string, id: string): Promise<boolean> {
    if (!isName(space) || !isName(id)) return false;
    const where = `'${id}' in namespace '${space}'`;
    const [d, s] = await Promise.all([
      orNotFound(this.apps.readNamespacedDeployment({ name: id, namespace: space }), `reading Deployment ${where}`),
      orNotFound(this.core.readNamespacedService({ name: id, namespace: space }), `reading Service ${where}`),
    ]);
    return Boolean(d || s);
  }

  /** The pods of an app service. */
  async pods(space: string, id: string): Promise<k8s.V1Pod[]> {
    try {
      return (await this.core.listNamespacedPod({ namespace: space, labelSelector: selectorOf(id) })).items;
    } catch (err) { return rethrow(err, `listing pods of '${id}' in namespace '${space}'`); }
  }
}

/**
 * `kc.makeApiClient(type)` plus a deadline on every call (the client has none: a hung API server would hang the
 * Site's polls forever). The abort happens through node-fetch's signal; its rejection maps to 503.
 */
function apiClient<T>(kc: k8s.KubeConfig, type: new (config: k8s.Configuration) => T, timeoutMs: number): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const config = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [{
      pre: async (ctx) => { ctx.setSignal(AbortSignal.timeout(timeoutMs)); return ctx; },
      post: async (res) => res,
    }],
  });
  return new type(config);
}

function isName(s: string): boolean {
  return s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}
