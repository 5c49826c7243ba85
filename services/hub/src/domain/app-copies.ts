// Copies of running instances, and saved images (a named copy others can deploy).
import { randomUUID } from 'node:crypto';
import { currentPrincipal } from '@ocopea/api';
import { BadRequestError, ConflictError, NotFoundError } from '@ocopea/errors';
import type { OperationEngine } from '@ocopea/operations';
import { peerError } from './errors';
import { mustInstance, mustSiteOf, type HubRepository } from './hub-repository';
import type { SavedImage } from './model';
import { requireName } from './require-name';
import type { SiteGateway } from './site-gateway';
import type { Started } from './started';

export interface CreateSavedImageRequest { name: string; appInstanceId: string; userId: string; tags?: string[] | null; comment?: string | null }

export class AppCopies {
  constructor(
    private readonly store: HubRepository,
    private readonly gateway: SiteGateway,
    private readonly engine: OperationEngine,
  ) {}

  async createAppCopy(appInstanceId: string): Promise<Started<string>> {
    const inst = await mustInstance(this.store, appInstanceId);
    if (inst.state !== 'running') throw new ConflictError(`instance '${inst.name}' is ${inst.state}, not running`);
    const site = await mustSiteOf(this.store, inst);
    let copyId: string;
    try { copyId = await this.gateway.createAppCopy(site.url, inst.id); } catch (err) { throw peerError(err, 'create-app-copy', site); }
    const op = await this.engine.submit('copy', inst.id, { appInstanceId: inst.id, siteId: site.id, appCopyId: copyId, startedBy: currentPrincipal() });
    return { value: copyId, operationId: op.id };
  }

  async createSavedImage(r: CreateSavedImageRequest): Promise<Started<string>> {
    const inst = await mustInstance(this.store, r.appInstanceId);
    requireName('name', r.name);
    if (await this.store.findSavedImageByName(r.name)) throw new ConflictError(`a saved image named '${r.name}' exists`);
    const site = await mustSiteOf(this.store, inst);
    let copyId: string;
    try { copyId = await this.gateway.createAppCopy(site.url, inst.id); } catch (err) { throw peerError(err, 'create-app-copy', site); }
    const image: SavedImage = {
      id: randomUUID(), appTemplateId: inst.appTemplateId, name: r.name, baseImageId: inst.baseSavedImageId, userId: r.userId,
      createdDate: Date.now(), tags: [...new Set(r.tags ?? [])], comment: r.comment ?? null, siteId: site.id, appCopyId: copyId,
      state: 'creating', stateMessage: null,
    };
    await this.store.insertSavedImage(image);
    const op = await this.engine.submit('saved-image', image.id, { savedImageId: image.id, appInstanceId: inst.id, siteId: site.id, appCopyId: copyId, startedBy: currentPrincipal() });
    return { value: image.id, operationId: op.id };
  }

  async listSavedImages(appTemplateId?: string, page: { size?: number; number?: number } = {}): Promise<SavedImage[]> {
    if (page.number !== undefined && page.size === undefined) throw new BadRequestError('pageNumber needs pageSize');
    return this.store.listSavedImages(appTemplateId, page.size === undefined ? undefined : { size: page.size, number: page.number ?? 0 });
  }

  async getSavedImage(id: string): Promise<SavedImage> {
    const s = await this.store.getSavedImage(id);
    if (!s) throw new NotFoundError(`saved image '${id}' not found`);
    return s;
  }
}
