// The persistence the Site's domain needs, declared by the domain; `store/site-store.ts` implements it over SQL.
import { NotFoundError } from '@ocopea/errors';
import type {
  AppCopy, AppInstance, AppServiceState, AppState, ArtifactRegistry, CopyState, CrbRecord, DataServiceCopy, DataServiceState, DsbRecord,
  ProtectionPolicy, PsbRecord,
} from './types';

export interface SiteRepository {
  // brokers
  upsertDsb(d: DsbRecord): Promise<void>;
  listDsbs(): Promise<DsbRecord[]>;
  getDsb(urn: string): Promise<DsbRecord | undefined>;
  deleteDsb(urn: string): Promise<boolean>;
  upsertPsb(p: PsbRecord): Promise<void>;
  listPsbs(): Promise<PsbRecord[]>;
  getPsb(urn: string): Promise<PsbRecord | undefined>;
  listBrokerCredentials(): Promise<{ url: string; token: string }[]>;
  setBrokerCredential(url: string, token: string): Promise<void>;
  upsertCrb(c: CrbRecord): Promise<void>;
  listCrbs(): Promise<CrbRecord[]>;
  getCrb(urn: string): Promise<CrbRecord | undefined>;
  deleteCrb(urn: string): Promise<boolean>;

  // artifact registries
  upsertRegistry(a: ArtifactRegistry): Promise<void>;
  listRegistries(): Promise<ArtifactRegistry[]>;
  getRegistry(name: string): Promise<ArtifactRegistry | undefined>;
  deleteRegistry(name: string): Promise<boolean>;

  // apps
  /** false when an application with that id exists. */
  insertApp(app: AppInstance): Promise<boolean>;
  getApp(id: string): Promise<AppInstance | undefined>;
  listApps(): Promise<AppInstance[]>;
  /** Returns whether a row changed (`opts.from` limits the states it may change from). */
  setAppState(id: string, state: AppState, message: string | null, opts?: { from?: AppState[]; entryPointURL?: string | null }): Promise<boolean>;
  setAppServiceState(appId: string, name: string, state: AppServiceState, message: string | null, publicUrl?: string | null): Promise<void>;
  setDataServiceState(appId: string, bind: string, state: DataServiceState, message: string | null,
    binding?: { binding: Record<string, string>; ports: unknown[] }): Promise<void>;
  /** Ids of the applications that are not stopped and use the broker. */
  appsUsingDsb(urn: string): Promise<string[]>;
  appsUsingPsb(urn: string): Promise<string[]>;

  // copies
  insertCopy(c: AppCopy): Promise<void>;
  getCopy(id: string, includeDeleted?: boolean): Promise<AppCopy | undefined>;
  /** Oldest first; one page of them when `page` is given. */
  listCopies(appId: string, start?: number, end?: number, page?: { size: number; number: number }): Promise<AppCopy[]>;
  setCopyState(id: string, state: CopyState, message: string | null, from?: CopyState[]): Promise<boolean>;
  updateDsCopy(appCopyId: string, bind: string, f: Partial<Pick<DataServiceCopy, 'crbUrn' | 'repoId' | 'protocol' | 'protocolVersion' | 'facility' | 'status' | 'message' | 'size' | 'checksum'>>): Promise<void>;
  markCopyDeleted(id: string): Promise<void>;

  // protection policies
  upsertPolicy(p: ProtectionPolicy): Promise<void>;
  getPolicy(appId: string, name: string): Promise<ProtectionPolicy | undefined>;
  duePolicies(now: number): Promise<ProtectionPolicy[]>;
  advancePolicy(appId: string, name: string, expected: number, next: number): Promise<boolean>;
  setPoliciesActive(appId: string, active: boolean): Promise<void>;
}

/** The application, or NotFound. */
export async function mustApp(store: Pick<SiteRepository, 'getApp'>, id: string): Promise<AppInstance> {
  const app = await store.getApp(id);
  if (!app) throw new NotFoundError(`no application instance '${id}' on this Site`);
  return app;
}

/** The registered CRB, or NotFound. */
export async function mustCrb(store: Pick<SiteRepository, 'getCrb'>, urn: string): Promise<CrbRecord> {
  const crb = await store.getCrb(urn);
  if (!crb) throw new NotFoundError(`no CRB '${urn}' is registered`);
  return crb;
}
