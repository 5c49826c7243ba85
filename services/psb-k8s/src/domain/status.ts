// The state of an app service, read from its Deployment, its Service and its pods. Pure: the caller fetches objects.
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';

export type AppServiceStatus = 'stopped' | 'starting' | 'running' | 'error';

export interface AppServiceState {
  name: string;
  space: string;
  status: AppServiceStatus;
  statusMessage: string | null;
  instances: number;
  psbMetrics: Record<string, string> | null;
  entryPointURL: string | null;
}

export interface StatusOptions {
  /** Cluster DNS domain for ClusterIP entry points (default `cluster.local`). */
  clusterDomain: string;
  /** Host of NodePort entry points; when unset, the node (hostIP) of a running pod. */
  nodeHost?: string;
}

/** Waiting reasons of a container that mean the rollout will not succeed by itself. */
export const FAILED_WAITING_REASONS = new Set([
  'CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError',
  'CreateContainerError', 'RunContainerError', 'ErrImageNeverPull',
]);

/**
 * unavailable → `starting`; available with an address → `running` + entryPointURL; failed rollout (Progressing False
 * ProgressDeadlineExceeded, ReplicaFailure, pods in CrashLoopBackOff / ErrImagePull / ImagePullBackOff ...) → `error`.
 * `undefined` when neither object exists (404).
 */
export function appServiceState(
  name: string, space: string, d: V1Deployment | undefined, s: V1Service | undefined, pods: V1Pod[], o: StatusOptions,
): AppServiceState | undefined {
  if (!d && !s) return undefined;
  const available = d?.status?.availableReplicas ?? 0;
  const base = { name, space, instances: available, psbMetrics: metrics(d, s), entryPointURL: null };
  if (d?.metadata?.deletionTimestamp || s?.metadata?.deletionTimestamp) {
    return { ...base, status: 'stopped', statusMessage: 'being deleted' };
  }
  if (!d) return { ...base, status: 'error', statusMessage: `Deployment '${name}' is missing (its Service exists)` };
  if (!s) return { ...base, status: 'error', statusMessage: `Service '${name}' is missing (its Deployment exists)` };

  const conditions = d.status?.conditions ?? [];
  const isAvailable = available >= 1 || conditions.some((c) => c.type === 'Available' && c.status === 'True');
  if (!isAvailable) {
    const failure = rolloutFailure(d, pods);
    if (failure) return { ...base, status: 'error', statusMessage: failure };
    const wanted = d.spec?.replicas ?? 1;
    return { ...base, status: 'starting', statusMessage: `waiting for pods to become available (${d.status?.readyReplicas ?? 0}/${wanted} ready)` };
  }
  const address = entryPoint(s, pods, o);
  if ('waiting' in address) return { ...base, status: 'starting', statusMessage: address.waiting };
  if ('error' in address) return { ...base, status: 'error', statusMessage: address.error };
  return { ...base, status: 'running', statusMessage: null, entryPointURL: address.url };
}

function rolloutFailure(d: V1Deployment, pods: V1Pod[]): string | undefined {
  for (const c of d.status?.conditions ?? []) {
    if (c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded') {
      return `rollout failed: ${c.message ?? c.reason}`;
    }
    if (c.type === 'ReplicaFailure' && c.status === 'True') return `rollout failed: ${c.reason ?? ''}: ${c.message ?? ''}`.trim();
  }
  for (const p of pods) {
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      const waiting = cs.state?.waiting;
      if (waiting?.reason && FAILED_WAITING_REASONS.has(waiting.reason)) {
        return `pod ${p.metadata?.name} container ${cs.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
      }
    }
  }
  return undefined;
}

function entryPoint(s: V1Service, pods: V1Pod[], o: StatusOptions): { url: string } | { waiting: string } | { error: string } {
  const type = s.spec?.type ?? 'ClusterIP';
  const httpPort = s.spec?.ports?.find((p) => p.name === 'http') ?? s.spec?.ports?.[0];
  const name = s.metadata?.name; const ns = s.metadata?.namespace;
  switch (type) {
    case 'ClusterIP':
      if (!s.spec?.clusterIP || s.spec.clusterIP === 'None') return { waiting: 'waiting for the Service cluster IP' };
      return { url: withPort(`${name}.${ns}.svc.${o.clusterDomain}`, httpPort?.port) };
    case 'NodePort': {
      if (!httpPort?.nodePort) return { waiting: 'waiting for the Service node port' };
      const host = o.nodeHost ?? pods.find((p) => p.status?.phase === 'Running' && p.status.hostIP)?.status?.hostIP;
      if (!host) return { waiting: 'waiting for a node address (set PSB_K8S_NODE_HOST)' };
      return { url: `http://${host}:${httpPort.nodePort}` };
    }
    case 'LoadBalancer': {
      const ingress = s.status?.loadBalancer?.ingress?.[0];
      const host = ingress?.ip ?? ingress?.hostname;
      if (!host) return { waiting: 'waiting for the load balancer address' };
      return { url: withPort(host, httpPort?.port) };
    }
    default:
      return { error: `unsupported Service type '${type}'` };
  }
}

function withPort(host: string, port: number | undefined): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port && port !== 80 ? `http://${h}:${port}` : `http://${h}`;
}

function metrics(d: V1Deployment | undefined, s: V1Service | undefined): Record<string, string> | null {
  if (!d && !s) return null;
  const m: Record<string, string> = {};
  if (d) {
    m.replicas = String(d.spec?.replicas ?? 0);
    m.readyReplicas = String(d.status?.readyReplicas ?? 0);
    m.availableReplicas = String(d.status?.availableReplicas ?? 0);
    if (d.spec?.template?.spec?.containers?.[0]?.image) m.image = d.spec.template.spec.containers[0].image;
  }
  if (s?.spec?.type) m.serviceType = s.spec.type;
  return m;
}
