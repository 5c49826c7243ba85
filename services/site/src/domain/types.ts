/** Plain domain types of the Site (no wire types: routers map at the boundary). */

export type AppState = 'pending' | 'deploying' | 'running' | 'error' | 'stopping' | 'stopped' | 'errorstopping';
export type AppServiceState = 'pending' | 'queued' | 'deploying' | 'deployed' | 'error' | 'stopping' | 'errorstopping' | 'stopped';
export type DataServiceState = 'pending' | 'queued' | 'creating' | 'created' | 'errorcreating' | 'binding' | 'errorbinding' | 'bound'
  | 'errorunbinding' | 'unbinding' | 'unbound' | 'errorremoving' | 'removing' | 'removed';
export type CopyState = 'creating' | 'created' | 'failed';
export type CopyPartState = 'pending' | 'queued' | 'running' | 'created' | 'failed';

export interface Protocol { name: string; version: string | null; properties: Record<string, string> }
export interface CopyProtocol { protocol: string; version: string | null }

export interface DsbPlan {
  id: string; name: string; description: string | null; price: string | null;
  protocols: Protocol[]; copyProtocols: CopyProtocol[]; dsbSettings: Record<string, string>;
}
export interface DsbRecord { urn: string; url: string; name: string; type: string; description: string | null; plans: DsbPlan[] }
export interface PsbRecord { urn: string; url: string; name: string; type: string; version: string; description: string | null; appServiceIdMaxLength: number }
export interface CrbRecord { urn: string; url: string; name: string; type: string; version: string }
export type ArtifactRegistryType = 'mavenRepository' | 'dockerRegistry' | 'customRest';
export interface ArtifactRegistry { name: string; type: ArtifactRegistryType; url: string; username: string | null; password: string | null }

export interface RestoreInfo {
  copyRepoUrn: string; copyRepoProtocol: string | null; copyRepoProtocolVersion: string | null; copyId: string; restoreFacility: string | null;
}

/** Fixed facts of an app service, decided at deploy time. */
export interface AppServiceSpec {
  psbUrn: string; psbUrl: string; psbAppServiceId: string; space: string;
  artifactRegistryName: string; imageName: string; imageType: string | null; imageVersion: string;
  psbSettings: Record<string, string>; environmentVariables: Record<string, string>;
  route: string | null; exposedPorts: number[]; httpPort: number | null;
  /** Bind names of the data services it uses. */
  dependencies: string[];
}
export interface AppServiceRec {
  appInstanceId: string; name: string; spec: AppServiceSpec;
  publicUrl: string | null; state: AppServiceState; stateMessage: string | null; stateDate: number;
}

export interface BindingPort { protocol: string; destination: string; port: number }
export interface DataServiceSpec {
  dsbUrn: string; dsbUrl: string; plan: string; dsbSettings: Record<string, string>; namespaces: string[];
  restoreInfo: RestoreInfo | null;
}
export interface DataServiceRec {
  appInstanceId: string; bindName: string; serviceId: string; spec: DataServiceSpec;
  binding: Record<string, string> | null; bindingPorts: BindingPort[];
  state: DataServiceState; stateMessage: string | null; stateDate: number;
}

export interface ProtectionPolicy {
  appInstanceId: string; name: string; intervalSeconds: number; retainCount: number | null; retainSeconds: number | null;
  nextRun: number; active: boolean;
}
export interface PolicySpec { policyType: string; policyName: string | null; policySettings: Record<string, string> }

export interface AppInstance {
  id: string; name: string; templateName: string; templateVersion: string; entryPointService: string | null;
  state: AppState; stateMessage: string | null; stateDate: number; launched: number; entryPointURL: string | null;
  policies: PolicySpec[];
  appServices: AppServiceRec[]; dataServices: DataServiceRec[];
}

export interface AppServiceCopy {
  appServiceName: string; imageName: string; imageType: string | null; imageVersion: string;
  configuration: Record<string, string>; timeStamp: number; status: CopyPartState;
}
export interface DataServiceCopy {
  appCopyId: string; bindName: string; dsbUrn: string; serviceId: string; dsCopyId: string;
  crbUrn: string | null; repoId: string | null; protocol: string | null; protocolVersion: string | null; facility: string | null;
  status: CopyPartState; message: string | null; size: number | null; checksum: string | null;
}
export interface AppCopy {
  id: string; appInstanceId: string; timeStamp: number; state: CopyState; stateMessage: string | null;
  appServiceCopies: AppServiceCopy[]; dataServiceCopies: DataServiceCopy[];
}

/** Events for the app's log socket. */
export interface SiteLogMessage { message: string; timestamp: number; messageType: 'out' | 'err'; tags: string[] }
