import * as k8s from '@kubernetes/client-node';
import { K8sPsb } from './domain/k8s-psb';
import { SERVICE_TYPES, type ServiceType } from './domain/manifests';

/** Configuration of the PSB (read from the environment by main.ts; see README). */
export interface PsbK8sConfig {
  /** Path of a kubeconfig file (KUBECONFIG); ignored when running in a cluster. */
  kubeconfig?: string;
  /** Set in every pod by Kubernetes: use the pod's service account. */
  inCluster: boolean;
  /** PSB_K8S_SERVICE_TYPE: ClusterIP (default) | NodePort | LoadBalancer. */
  serviceType?: string;
  /** PSB_K8S_NODE_HOST: host of NodePort entry points. */
  nodeHost?: string;
  /** PSB_K8S_CLUSTER_DOMAIN: DNS domain of ClusterIP entry points (default cluster.local). */
  clusterDomain?: string;
  /** PSB_K8S_API_TIMEOUT_MS: deadline of each Kubernetes API call (default 15000). */
  apiTimeoutMs?: number;
}

/** The KubeConfig: the pod's service account in a cluster, else the KUBECONFIG file, else ~/.kube/config. */
export function loadKubeConfig(c: Pick<PsbK8sConfig, 'kubeconfig' | 'inCluster'>): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (c.inCluster) kc.loadFromCluster();
  else if (c.kubeconfig) kc.loadFromFile(c.kubeconfig);
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster()) throw new Error('kubeconfig has no current cluster');
  return kc;
}

export function composePsb(c: PsbK8sConfig, kc = loadKubeConfig(c)): K8sPsb {
  const serviceType = (c.serviceType || 'ClusterIP') as ServiceType;
  if (!SERVICE_TYPES.includes(serviceType)) throw new Error(`PSB_K8S_SERVICE_TYPE must be one of ${SERVICE_TYPES.join(', ')}, got '${c.serviceType}'`);
  if (c.apiTimeoutMs !== undefined && !(Number.isInteger(c.apiTimeoutMs) && c.apiTimeoutMs > 0)) {
    throw new Error(`PSB_K8S_API_TIMEOUT_MS must be a positive integer, got '${c.apiTimeoutMs}'`);
  }
  return new K8sPsb(kc, {
    defaultServiceType: serviceType, nodeHost: c.nodeHost || undefined, clusterDomain: c.clusterDomain || 'cluster.local',
    apiTimeoutMs: c.apiTimeoutMs,
  });
}
