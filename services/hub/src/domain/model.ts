// Domain types of the Hub. Plain TypeScript: the routers map the wire (generated) types to and from these.

export type DependencyType = 'database' | 'objectStore' | 'messaging' | 'cache' | 'scheduler' | 'logging' | 'volume' | 'other';

export interface DependencyProtocol {
  protocolName: string;
  version?: string | null;
  conditions?: Record<string, string> | null;
  settings?: Record<string, string> | null;
}

export interface AppServiceDependency {
  type?: DependencyType;
  name: string;
  description?: string | null;
  protocols?: DependencyProtocol[];
}

export interface AppServiceTemplate {
  appServiceName: string;
  psbType?: string;
  imageName?: string;
  imageType?: string;
  imageVersion?: string;
  psbSettings?: Record<string, string> | null;
  environmentVariables?: Record<string, string> | null;
  dependencies: AppServiceDependency[];
  exposedPorts: number[];
  httpPort?: number | null;
  entryPointURL?: string | null;
}

export interface AppTemplate {
  id: string;
  name: string;
  version: string;
  description: string | null;
  appServiceTemplates: AppServiceTemplate[];
  entryPointServiceName: string | null;
  createdByUserId: string | null;
  deleted: boolean;
}

export interface SiteLocation {
  latitude?: number;
  longitude?: number;
  name?: string | null;
  properties?: Record<string, string>;
}

export type SiteStatus = 'reachable' | 'unreachable';

export interface HubSite {
  id: string;
  urn: string;
  url: string;
  name: string | null;
  version: string | null;
  location: SiteLocation | null;
  publicDns: string | null;
  status: SiteStatus;
  lastSeen: number | null;
}

export type InstanceState = 'deploying' | 'running' | 'error' | 'unknown' | 'stopping' | 'stopped';

export interface AppInstance {
  id: string;
  name: string;
  appTemplateId: string;
  siteId: string;
  baseSavedImageId: string | null;
  baseAppInstanceId: string | null;
  creatorUserId: string | null;
  deploymentType: string | null;
  created: number;
  state: InstanceState;
  stateMessage: string | null;
  stateDate: number | null;
  webEntryPointURL: string | null;
  /** Path of the entry point service's `entryPointURL`, appended to the Site's entry URL once running. */
  entryPointPath: string;
}

export type SavedImageState = 'creating' | 'created' | 'failed';

export interface SavedImage {
  id: string;
  appTemplateId: string;
  name: string;
  baseImageId: string | null;
  userId: string | null;
  createdDate: number;
  tags: string[];
  comment: string | null;
  siteId: string;
  appCopyId: string;
  state: SavedImageState;
  stateMessage: string | null;
}

// ----- deployment plans -----
export interface AppServicePlan {
  enabled: boolean;
  space?: string;
  artifactRegistryName?: string;
  imageVersion?: string;
  psbUrn?: string | null;
  psbSettings?: Record<string, string> | null;
}

export interface DataServicePlan {
  enabled: boolean;
  dsbUrn: string | null;
  planId: string | null;
  protocol: string | null;
  dsbSettings?: Record<string, string> | null;
}

export interface DeploymentPlan {
  appServices: Record<string, AppServicePlan>;
  dataServices: Record<string, DataServicePlan>;
}

export interface AppPolicy {
  policyType?: string;
  policyName?: string;
  policySettings?: Record<string, string> | null;
}
