// How the Hub talks to Sites and CRBs. The HTTP implementation (peers/http-site-gateway.ts) wraps `siteClient`
// and `crbClient`; unit tests use the in-memory fake (test/fake-site-gateway.ts). Failures are `UpstreamError`s
// (@ocopea/errors): `upstreamStatus` undefined = unreachable, else the status the peer answered.

export interface SiteInfo {
  name: string | null;
  version: string | null;
  publicDNS: string | null;
  location: { latitude?: number; longitude?: number; name?: string | null; properties?: Record<string, string> } | null;
}

/** Site-level application state (site spec `DeployedApplicationState`). */
export type SiteAppState = 'pending' | 'deploying' | 'running' | 'error' | 'stopping' | 'stopped' | 'errorstopping';

export interface SiteAppInstance {
  id: string;
  name: string;
  state: SiteAppState;
  stateMessage: string | null;
  entryPointURL: string | null;
}

export interface SiteDataServiceCopy {
  copyId: string;
  dsbUrn: string;
  bindName: string;
  repoId: string | null;
  facility: string | null;
  copyRepositoryURN: string | null;
  copyRepositoryProtocol: string | null;
  copyRepositoryProtocolVersion: string | null;
  size: number;
  status: string;
}

export interface SiteAppCopy {
  copyId: string;
  timeStamp: number;
  state: 'creating' | 'created' | 'failed';
  dataServiceCopies: SiteDataServiceCopy[];
}

export interface SitePsb {
  urn: string;
  name: string;
  type: string;
  spaces: { name: string }[];
}

export interface SiteDsbProtocol { protocolName: string; protocolVersion: string | null }
export interface SiteDsbPlan {
  id: string;
  name: string;
  supportedProtocols: SiteDsbProtocol[];
  dsbSettings: Record<string, string> | null;
}
export interface SiteDsb { urn: string; name: string; type: string; plans: SiteDsbPlan[] }

export interface SiteArtifactRegistry { name: string; type: string }
export interface SiteCopyRepo { urn: string; url: string; name: string; type: string; version: string }

export interface SiteRestoreInfo {
  copyRepoUrn: string;
  copyRepoProtocol?: string;
  copyRepoProtocolVersion?: string;
  copyId: string;
  restoreFacility?: string;
}

/** Body of the Site's deploy-application command. */
export interface SiteDeployManifest {
  appInstanceId: string;
  appInstanceName: string;
  appTemplateName: string;
  appTemplateVersion: string | null;
  entryPointService: string | null;
  appServiceTemplates: Record<string, {
    appServiceName: string; psbType: string; space: string; artifactRegistryName: string; imageName: string;
    imageType: string | null; imageVersion: string; psbSettings: Record<string, string>;
    environmentVariables: Record<string, string>; route: string | null; exposedPorts: number[];
    httpPort: number | null; dependencies: string[];
  }>;
  dataServices: Record<string, {
    dataServiceName: string; dsbUrn: string; plan: string; dsbSettings: Record<string, string>;
    restoreInfo: SiteRestoreInfo | null;
  }>;
  appPolicies: { policyType: string; policyName: string | null; policySettings: Record<string, string> }[];
}

export interface TransferResult {
  copyId: string;
  targetUrl: string;
  targetRepoId: string;
  targetCopyId: string;
  size: number;
  sha256: string;
}

/** Per-call options: aggregation calls pass a short timeout and no retries. */
export interface CallOpts { timeoutMs?: number; retries?: number }

export interface SiteGateway {
  info(siteUrl: string, o?: CallOpts): Promise<SiteInfo>;
  listAppInstances(siteUrl: string, o?: CallOpts): Promise<SiteAppInstance[]>;
  /** undefined when the Site answers 404. */
  getAppInstance(siteUrl: string, appInstanceId: string, o?: CallOpts): Promise<SiteAppInstance | undefined>;
  deployApplication(siteUrl: string, manifest: SiteDeployManifest): Promise<void>;
  createAppCopy(siteUrl: string, appInstanceId: string): Promise<string>;
  /** undefined when the Site answers 404. */
  getCopy(siteUrl: string, copyId: string, o?: CallOpts): Promise<SiteAppCopy | undefined>;
  /** Copies of one instance (its copy history); undefined when the Site does not know the instance. */
  copyHistory(siteUrl: string, appInstanceId: string): Promise<SiteAppCopy[] | undefined>;
  stopApp(siteUrl: string, appInstanceId: string): Promise<void>;
  listPsbs(siteUrl: string): Promise<SitePsb[]>;
  dsbCatalog(siteUrl: string): Promise<SiteDsb[]>;
  artifactRegistries(siteUrl: string): Promise<SiteArtifactRegistry[]>;
  copyRepos(siteUrl: string): Promise<SiteCopyRepo[]>;
  /**
   * A scoped credential for one copy in a CRB of the Site (its `grant-copy-access`): the URL to use it with. The Hub
   * moves copies with these and never holds a CRB's own token.
   */
  grantCopyAccess(siteUrl: string, req: { copyRepoURN: string; copyId: string; access: 'read' | 'write' | 'transfer'; repoId?: string }): Promise<{ url: string; repoId: string | null }>;
  /** Sets (or, with undefined, forgets) the bearer token sent to the Site at `siteUrl`. */
  setToken?(siteUrl: string, token: string | undefined): void;
  /** `POST {crbUrl}/copies/{copyId}/transfer`: the source CRB streams the copy to the target CRB. */
  transferCopy(crbUrl: string, copyId: string, req: { targetUrl: string; targetRepoId?: string; targetCopyId?: string }): Promise<TransferResult>;
}
