// Turning a deploy manifest into the two Kubernetes objects of an app service: a Deployment and a Service.
// Pure functions (no I/O), so the exact objects are easy to test and to read.
import type { V1Deployment, V1Service, V1EnvVar, V1ContainerPort, V1ServicePort, V1ResourceRequirements } from '@kubernetes/client-node';
import { BadRequestError } from '@ocopea/errors';
import { appServiceEnvironment, type AppServiceManifest } from '@ocopea/psb-common';

export type { AppServiceManifest };

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';
export const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

/** Labels on every object of an app service; the Deployment and Service select pods by them. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'ocopea';
export const APP_SERVICE_LABEL = 'ocopea.io/app-service';
/** Selector of every object this PSB manages. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

/** Longest app service id: a Kubernetes object name that is a DNS label (Services need DNS-1035 labels). */
export const APP_SERVICE_ID_MAX_LENGTH = 63;
/** HTTP port assumed when the manifest gives neither `httpPort` nor `exposedPorts`. */
export const DEFAULT_HTTP_PORT = 8080;
/** The port the Service publishes for `httpPort`. */
export const SERVICE_HTTP_PORT = 80;

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/;

export function labelsOf(appServiceId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [APP_SERVICE_LABEL]: appServiceId };
}
export function selectorOf(appServiceId: string): string {
  return `${MANAGED_SELECTOR},${APP_SERVICE_LABEL}=${appServiceId}`;
}

/** 400 unless `id` can name a Deployment and a Service: a DNS-1035 label of at most 63 characters. */
export function validateAppServiceId(id: string): void {
  if (id.length > APP_SERVICE_ID_MAX_LENGTH) {
    throw new BadRequestError(`appServiceId '${id}' is ${id.length} characters long; this PSB accepts at most ${APP_SERVICE_ID_MAX_LENGTH}`);
  }
  if (!DNS1035_LABEL.test(id)) {
    throw new BadRequestError(`appServiceId '${id}' is not a valid Kubernetes name: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (DNS-1035 label)`);
  }
}

/** 400 unless `space` can be a namespace name (DNS-1123 label). */
export function validateSpace(space: string): void {
  if (space.length > 63 || !DNS1123_LABEL.test(space)) {
    throw new BadRequestError(`space '${space}' is not a valid Kubernetes namespace name (DNS-1123 label of at most 63 characters)`);
  }
}

/** Settings read from `psbSettings` (everything else there is ignored). */
export interface K8sSettings {
  replicas: number;
  serviceType: ServiceType;
  resources: V1ResourceRequirements;
  imagePullSecret?: string;
  readinessPath?: string;
}

export function parseSettings(psbSettings: Record<string, string> | null | undefined, defaultServiceType: ServiceType): K8sSettings {
  const s = psbSettings ?? {};
  const replicasRaw = s.replicas ?? '1';
  const replicas = Number(replicasRaw);
  if (!/^\d+$/.test(String(replicasRaw)) || replicas < 1 || replicas > 100) {
    throw new BadRequestError(`psbSettings.replicas must be an integer 1..100, got '${replicasRaw}'`);
  }
  const serviceType = (s.serviceType ?? defaultServiceType) as ServiceType;
  if (!SERVICE_TYPES.includes(serviceType)) {
    throw new BadRequestError(`psbSettings.serviceType must be one of ${SERVICE_TYPES.join(', ')}, got '${s.serviceType}'`);
  }
  const quantity = (key: string): string | undefined => {
    const v = s[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (!QUANTITY.test(String(v))) throw new BadRequestError(`psbSettings.${key} is not a Kubernetes quantity (e.g. 250m, 1, 512Mi): '${v}'`);
    return String(v);
  };
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const cpu = quantity('cpu'); const memory = quantity('memory');
  const cpuLimit = quantity('cpuLimit'); const memoryLimit = quantity('memoryLimit');
  if (cpu) requests.cpu = cpu;
  if (memory) requests.memory = memory;
  if (cpuLimit) limits.cpu = cpuLimit;
  if (memoryLimit) limits.memory = memoryLimit;
  const resources: V1ResourceRequirements = {};
  if (Object.keys(requests).length) resources.requests = requests;
  if (Object.keys(limits).length) resources.limits = limits;
  const imagePullSecret = s.imagePullSecret || undefined;
  if (imagePullSecret !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(imagePullSecret)) {
    throw new BadRequestError(`psbSettings.imagePullSecret is not a valid Secret name: '${imagePullSecret}'`);
  }
  const readinessPath = s.readinessPath || undefined;
  if (readinessPath !== undefined && !readinessPath.startsWith('/')) throw new BadRequestError(`psbSettings.readinessPath must start with '/'`);
  return { replicas, serviceType, resources, imagePullSecret, readinessPath };
}

/**
 * The container image: `imageName[:imageVersion]`, prefixed with the registry host of `artifactRegistryParameters.url`
 * when the artifact registry is a docker registry and the image name does not already name a registry.
 */
export function imageOf(m: AppServiceManifest): string {
  let image = m.imageName.trim();
  if (!image || /\s/.test(image)) throw new BadRequestError(`imageName '${m.imageName}' is not a container image name`);
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  if (m.imageVersion && !lastSegment.includes(':') && !image.includes('@')) image += `:${m.imageVersion}`;
  const registryUrl = m.artifactRegistryParameters?.url;
  if (m.artifactRegistryType === 'dockerRegistry' && registryUrl) {
    const first = image.split('/')[0];
    const namesRegistry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
    if (!namesRegistry) image = `${registryHost(registryUrl)}/${image}`;
  }
  return image;
}

function registryHost(url: string): string {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`).host;
  } catch {
    throw new BadRequestError(`artifactRegistryParameters.url is not a URL: '${url}'`);
  }
}

/** The port serving HTTP: `httpPort`, else the first exposed port, else 8080. */
export function httpPortOf(m: AppServiceManifest): number {
  const port = m.httpPort ?? m.exposedPorts?.[0] ?? DEFAULT_HTTP_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new BadRequestError(`httpPort must be 1..65535, got ${port}`);
  for (const p of m.exposedPorts ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new BadRequestError(`exposedPorts must be 1..65535, got ${p}`);
  }
  return port;
}

/** The container environment: template variables with placeholders filled, plus the bindings JSON. 400 on leftovers. */
export function environmentOf(m: AppServiceManifest): V1EnvVar[] {
  const { env, unresolved } = appServiceEnvironment(m.environmentVariables, m.serviceBindings);
  if (unresolved.length) {
    throw new BadRequestError(`environment placeholders with no matching binding value: ${[...new Set(unresolved)].join(', ')}`);
  }
  for (const name of Object.keys(env)) {
    if (!ENV_NAME.test(name)) throw new BadRequestError(`environment variable name '${name}' is not valid in Kubernetes`);
  }
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

/** The Deployment of an app service. */
export function buildDeployment(m: AppServiceManifest, settings: K8sSettings): V1Deployment {
  const labels = labelsOf(m.appServiceId);
  const httpPort = httpPortOf(m);
  const ports: V1ContainerPort[] = [{ name: 'http', containerPort: httpPort, protocol: 'TCP' }];
  for (const p of m.exposedPorts ?? []) if (p !== httpPort) ports.push({ name: `p-${p}`, containerPort: p, protocol: 'TCP' });
  const annotations: Record<string, string> = { 'ocopea.io/image-name': m.imageName };
  if (m.route) annotations['ocopea.io/route'] = m.route;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: m.appServiceId, namespace: m.space, labels, annotations },
    spec: {
      replicas: settings.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: m.appServiceId,
            image: imageOf(m),
            env: environmentOf(m),
            ports,
            resources: settings.resources,
            readinessProbe: settings.readinessPath
              ? { httpGet: { path: settings.readinessPath, port: httpPort }, periodSeconds: 5 }
              : { tcpSocket: { port: httpPort }, periodSeconds: 5 },
          }],
          ...(settings.imagePullSecret ? { imagePullSecrets: [{ name: settings.imagePullSecret }] } : {}),
        },
      },
    },
  };
}

/** The Service of an app service: port 80 to `httpPort`, plus every other exposed port as itself. */
export function buildService(m: AppServiceManifest, settings: K8sSettings): V1Service {
  const labels = labelsOf(m.appServiceId);
  const httpPort = httpPortOf(m);
  const ports: V1ServicePort[] = [{ name: 'http', port: SERVICE_HTTP_PORT, targetPort: httpPort, protocol: 'TCP' }];
  for (const p of m.exposedPorts ?? []) {
    if (p !== httpPort && p !== SERVICE_HTTP_PORT) ports.push({ name: `p-${p}`, port: p, targetPort: p, protocol: 'TCP' });
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: m.appServiceId, namespace: m.space, labels },
    spec: { type: settings.serviceType, selector: labels, ports },
  };
}
