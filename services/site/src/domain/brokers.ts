// The brokers as the Site's domain sees them: ports it owns, implemented by `peers/http-brokers.ts` (and test fakes).
import type { BindingPort, CopyProtocol, DsbPlan } from './types';

/** What the Site needs from a DSB (the HTTP client and the in-memory fakes implement it). */
export interface DsbPort {
  info(): Promise<{ name: string; type: string; description: string | null; plans: DsbPlan[] }>;
  listInstances(): Promise<string[]>;
  /** undefined when the DSB answers 404. */
  getInstance(id: string): Promise<DsbInstance | undefined>;
  /** 'exists' when the DSB answers 409. */
  createInstance(req: DsbCreateRequest): Promise<'created' | 'exists'>;
  /** 'gone' when the DSB answers 404. */
  deleteInstance(id: string): Promise<'deleted' | 'gone'>;
  copy(id: string, req: DsbCopyRequest): Promise<{ status: number; statusMessage: string | null; size: number | null; checksum: string | null }>;
}
export interface DsbInstance {
  instanceId: string; state: string; stateMessage: string | null;
  binding: Record<string, string>; bindingPorts: BindingPort[]; storageType: string | null; size: number | null;
}
/** A type, not an interface: the wire type is an open string map, which only a type alias can be assigned to. */
export type CopyRepoCredentials = { url: string; repoId: string };
export interface DsbCreateRequest {
  instanceId: string; namespaces: string[]; instanceSettings: Record<string, string>;
  restoreInfo: null | { copyId: string; copyRepoProtocol: string; copyRepoProtocolVersion: string | null; copyRepoCredentials: CopyRepoCredentials; copyType: string | null };
}
export interface DsbCopyRequest {
  copyId: string; copyRepoProtocol: string; copyRepoProtocolVersion: string | null; copyRepoCredentials: CopyRepoCredentials; copyType: string; copyTime: number;
}

export interface PsbPort {
  info(): Promise<{ name: string; version: string; type: string; description: string | null; appServiceIdMaxLength: number }>;
  spaces(): Promise<{ name: string; properties: Record<string, string> | null }[]>;
  /** undefined when the PSB answers 404. */
  get(space: string, id: string): Promise<{ status: string; statusMessage: string | null; entryPointURL: string | null } | undefined>;
  /** Throws when the PSB refuses (non-2xx other than 409, or status ≠ 0); 'exists' on 409. */
  deploy(manifest: PsbManifest): Promise<'deployed' | 'exists'>;
  /** 'gone' on 404; throws when status ≠ 0. */
  remove(space: string, id: string): Promise<'deleted' | 'gone'>;
  logs(space: string, id: string): Promise<{ address: string; serialization: string }>;
}
export interface PsbBinding { serviceName: string; serviceId: string; plan: string; bindInfo: Record<string, string>; ports: BindingPort[] }
export interface PsbManifest {
  appServiceId: string; space: string; imageName: string; imageVersion: string | null;
  environmentVariables: Record<string, string>; artifactRegistryType: string | null; artifactRegistryParameters: Record<string, string>;
  psbSettings: Record<string, string>; route: string | null; exposedPorts: number[]; httpPort: number | null;
  serviceBindings: Record<string, PsbBinding[]>;
}

/** A repository the Site asks a CRB to make (add-cr): how to reach it, by protocol. */
export type CrbRepositoryInfo = {
  id: string; name: string; repoAdditionalInfo: Record<string, string>;
  repoSupportedProtocols: {
    protocol: string; version: string;
    endpoint?: { addr: string; endPointAdditionalInfo: Record<string, string> };
    credentials?: { user?: string; password?: string; credentialsAdditionalInfo: Record<string, string> };
    copyLocation?: { path: string; copyLocationAdditionalInfo: Record<string, string> };
  }[];
};
export interface CrbMetadata {
  copyId: string; repoId: string | null; copyTimeStamp: number | string | null; protocol: string | null; protocolVersion: string | null;
  facility: string | null; copyDataURL: string | null; copyAdditionalInfo: Record<string, unknown>;
}
export interface CrbPort {
  info(): Promise<{ name: string; version: string; repoType: string }>;
  repositories(): Promise<string[]>;
  /** The repository's supported copy protocols (empty when it lists none). */
  repositoryProtocols(repoId: string): Promise<CopyProtocol[]>;
  createRepository(repoId: string, info: CrbRepositoryInfo): Promise<void>;
  /** 'exists' on 409. */
  storeMetadata(md: CrbMetadata): Promise<'stored' | 'exists'>;
  /** undefined on 404. */
  getMetadata(copyId: string): Promise<CrbMetadata | undefined>;
  /** 'gone' on 404. */
  deleteCopy(copyId: string): Promise<'deleted' | 'gone'>;
  /**
   * A scoped credential for one copy (extension `POST /grants`): the path prefix to append to the CRB's URL, or
   * undefined for a CRB that offers none (an orcs CRB answers 404 or 405).
   */
  grant(g: CopyGrantRequest): Promise<{ pathPrefix: string; expiresAt: number } | undefined>;
}
export interface CopyGrantRequest { access: 'read' | 'write' | 'transfer'; copyId: string; repoId?: string; ttlSeconds?: number }

/** Makes broker clients for registered URLs. */
export interface Brokers {
  dsb(url: string): DsbPort;
  psb(url: string): PsbPort;
  crb(url: string): CrbPort;
  /** Sets (or, with undefined, forgets) the bearer token sent to the broker at `url`. */
  setToken?(url: string, token: string | undefined): void;
  /** The bearer token sent to the broker at `url`, if any. */
  tokenOf?(url: string): string | undefined;
}

/** Raised when a broker answers something that is not the expected document (→ 400 at registration). */
export class NotABrokerError extends Error {}
