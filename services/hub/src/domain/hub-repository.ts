// The persistence the Hub's domain needs, declared by the domain; `store/hub-store.ts` implements it over SQL.
import type { AppInstance, AppTemplate, HubSite, InstanceState, SavedImage, SavedImageState, SiteStatus } from './model';
import { NotFoundError } from '@ocopea/errors';

export interface HubRepository {
  setSiteCredential(siteId: string, url: string, token: string): Promise<void>;
  listSiteCredentials(): Promise<{ url: string; token: string }[]>;
  insertSite(s: HubSite): Promise<void>;
  listSites(): Promise<HubSite[]>;
  getSite(id: string): Promise<HubSite | undefined>;
  findSiteByUrn(urn: string): Promise<HubSite | undefined>;
  setSiteStatus(id: string, status: SiteStatus, at?: number): Promise<void>;

  insertTemplate(t: AppTemplate): Promise<void>;
  getTemplate(id: string): Promise<AppTemplate | undefined>;
  listTemplates(includeDeleted?: boolean): Promise<AppTemplate[]>;
  markTemplateDeleted(id: string): Promise<boolean>;

  insertInstance(i: AppInstance): Promise<void>;
  deleteInstance(id: string): Promise<void>;
  getInstance(id: string): Promise<AppInstance | undefined>;
  findInstanceByName(name: string): Promise<AppInstance | undefined>;
  listInstances(): Promise<AppInstance[]>;
  listChildren(baseAppInstanceId: string): Promise<AppInstance[]>;
  /** Returns whether a row changed (`onlyFrom` limits the states it may change from). */
  setInstanceState(id: string, state: InstanceState, o?: { message?: string | null; url?: string | null; onlyFrom?: InstanceState[] }): Promise<boolean>;

  purgeOperations(before: number): Promise<number>;

  insertSavedImage(s: SavedImage): Promise<void>;
  getSavedImage(id: string): Promise<SavedImage | undefined>;
  findSavedImageByName(name: string): Promise<SavedImage | undefined>;
  /** Newest first; one page of them when `page` is given. */
  listSavedImages(appTemplateId?: string, page?: { size: number; number: number }): Promise<SavedImage[]>;
  setSavedImageState(id: string, state: SavedImageState, message?: string | null): Promise<void>;
}

/** The instance, or NotFound. */
export async function mustInstance(store: Pick<HubRepository, 'getInstance'>, id: string): Promise<AppInstance> {
  const i = await store.getInstance(id);
  if (!i) throw new NotFoundError(`app instance '${id}' not found`);
  return i;
}

/** The Site an instance runs on, or NotFound when it was removed. */
export async function mustSiteOf(store: Pick<HubRepository, 'getSite'>, inst: AppInstance): Promise<HubSite> {
  const s = await store.getSite(inst.siteId);
  if (!s) throw new NotFoundError(`site '${inst.siteId}' of instance '${inst.name}' is no longer connected`);
  return s;
}
