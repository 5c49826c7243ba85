// Wire (generated hub types) <-> domain mapping, kept at the router boundary.
import type { hub } from '@ocopea/api';
import type { InstanceView } from '../domain/instance-views';
import type { OperationView } from '../domain/operation-views';
import type { AppServiceTemplate, AppTemplate, DataServicePlan, DependencyType, DeploymentPlan, HubSite, SavedImage } from '../domain/model';

type S = hub.components['schemas'];

const DEP_TYPES: DependencyType[] = ['database', 'objectStore', 'messaging', 'cache', 'scheduler', 'logging', 'volume', 'other'];
const depType = (t?: string): DependencyType | undefined => (t === undefined ? undefined : DEP_TYPES.find((d) => d.toLowerCase() === t.toLowerCase()));

export function templateIn(b: S['CreateApplicationTemplateRequest']): Omit<AppTemplate, 'id' | 'deleted'> & { id?: string | null } {
  return {
    id: b.id, name: b.name, version: b.version, description: b.description ?? null, entryPointServiceName: b.entryPointServiceName ?? null,
    createdByUserId: b.createdByUserId ?? null,
    appServiceTemplates: (b.appServiceTemplates ?? []).map((s): AppServiceTemplate => ({
      appServiceName: s.appServiceName, psbType: s.psbType, imageName: s.imageName, imageType: s.imageType, imageVersion: s.imageVersion,
      psbSettings: s.psbSettings ?? null, environmentVariables: s.environmentVariables ?? null,
      dependencies: (s.dependencies ?? []).map((d) => ({
        name: d.name, type: depType(d.type), description: d.description ?? null,
        protocols: (d.protocols ?? []).map((p) => ({ protocolName: p.protocolName, version: p.version ?? null, conditions: p.conditions ?? null, settings: p.settings ?? null })),
      })),
      exposedPorts: s.exposedPorts ?? [], httpPort: s.httpPort ?? null, entryPointURL: s.entryPointURL ?? s.entryPointUrl ?? null,
    })),
  };
}

export function templateOut(t: AppTemplate): S['ApplicationTemplate'] {
  return {
    id: t.id, name: t.name, version: t.version, description: t.description, entryPointServiceName: t.entryPointServiceName, createdByUserId: t.createdByUserId,
    appServiceTemplates: t.appServiceTemplates.map((s) => ({
      appServiceName: s.appServiceName,
      ...(s.psbType !== undefined ? { psbType: s.psbType } : {}),
      ...(s.imageName !== undefined ? { imageName: s.imageName } : {}),
      ...(s.imageType !== undefined ? { imageType: s.imageType } : {}),
      ...(s.imageVersion !== undefined ? { imageVersion: s.imageVersion } : {}),
      psbSettings: s.psbSettings ?? null, environmentVariables: s.environmentVariables ?? null,
      dependencies: s.dependencies.map((d) => ({
        name: d.name, ...(d.type ? { type: d.type } : {}), description: d.description ?? null,
        protocols: (d.protocols ?? []).map((p) => ({ protocolName: p.protocolName, version: p.version ?? null, conditions: p.conditions ?? null, settings: p.settings ?? null })),
      })),
      exposedPorts: s.exposedPorts, httpPort: s.httpPort ?? null, entryPointURL: s.entryPointURL ?? null,
    })),
  };
}

export function planIn(p: S['DeploymentPlan']): DeploymentPlan {
  const dataServices: Record<string, DataServicePlan> = {};
  for (const [k, d] of Object.entries(p.dataServices ?? {})) {
    dataServices[k] = {
      enabled: d.enabled ?? false, dsbUrn: d.dsbUrn ?? d.dsbURN ?? null, planId: d.planId ?? d.dsbPlan ?? null,
      protocol: d.protocol ?? d.dsbProtocol ?? null, dsbSettings: d.dsbSettings ?? null,
    };
  }
  const appServices: DeploymentPlan['appServices'] = {};
  for (const [k, a] of Object.entries(p.appServices ?? {})) appServices[k] = { ...a, enabled: a.enabled ?? false };
  return { appServices, dataServices };
}

export function planOut(p: DeploymentPlan): S['DeploymentPlan'] {
  const dataServices: S['DeploymentPlan']['dataServices'] = {};
  for (const [k, d] of Object.entries(p.dataServices)) {
    dataServices[k] = { ...d, dsbURN: d.dsbUrn, dsbPlan: d.planId, dsbProtocol: d.protocol };
  }
  return { appServices: p.appServices, dataServices };
}

export function siteOut(s: HubSite): S['Site'] {
  return { id: s.id, urn: s.urn, url: s.url, name: s.name, version: s.version, location: s.location, publicDns: s.publicDns, status: s.status, lastSeen: s.lastSeen };
}

export function instanceOut(i: InstanceView): S['AppInstance'] {
  return {
    id: i.id, name: i.name, appTemplateId: i.appTemplateId, siteId: i.siteId, baseSavedImageId: i.baseSavedImageId, creatorUserId: i.creatorUserId,
    deploymentType: i.deploymentType, created: i.created, baseAppInstanceId: i.baseAppInstanceId, siteReachable: i.siteReachable, asOf: i.asOf,
  };
}

export function instanceStateOut(i: InstanceView): S['AppInstanceWithState'] {
  return { ...instanceOut(i), state: i.state, webEntryPointURL: i.webEntryPointURL, stateMessage: i.stateMessage, stateDate: i.stateDate };
}

export function savedImageOut(s: SavedImage): S['SavedImage'] {
  return { ...s };
}

const OPERATION_KINDS: readonly string[] = ['deploy', 'copy', 'saved-image', 'transfer', 'stop'] satisfies S['OperationKind'][];
const isOperationKind = (k: string): k is S['OperationKind'] => OPERATION_KINDS.includes(k);

/** An operation as the contract shows it; a kind the contract does not name is a bug here, not the caller's. */
export function operationOut(v: OperationView): S['Operation'] {
  const { kind } = v;
  if (!isOperationKind(kind)) throw new Error(`operation ${v.id} has kind '${kind}', which the Hub's contract does not name`);
  return { ...v, kind };
}
