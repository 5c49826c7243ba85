import { currentPrincipal } from '@ocopea/api';
// The Hub's commands and queries. Plain TypeScript over the store, the Site gateway and the operation engine.
import { randomUUID } from 'node:crypto';
import { BadGatewayError, BadRequestError, ConflictError, NotFoundError, UnavailableError, UpstreamError } from '@ocopea/errors';
import { FINAL_PHASES, type Operation, type OperationEngine } from '@ocopea/operations';
import type { HubStore } from '../store/hub-store';
import type { HubConfig } from './config';
import { fromFailure, isUnreachable, peerError, type PeerFailure } from './errors';
import { hubStateOf, registerKinds, type DeployInput, type OpRefs, type TransferPlan } from './kinds';
import type { AppInstance, AppPolicy, AppServiceTemplate, AppTemplate, DeploymentPlan, HubSite, SavedImage } from './model';
import { buildManifest, checkPlan, entryPointPath, proposePlan, usedDataServices, validateTemplate, webEntryUrl } from './planning';
import type { SiteAppCopy, SiteAppInstance, SiteGateway, SiteRestoreInfo } from './site-gateway';
import { requireName } from './require-name';

export interface InstanceView extends AppInstance { siteReachable: boolean }
export interface DownstreamTree { siteId: string; appInstanceId: string; deploymentType: string | null; downStreamInstances: DownstreamTree[] }

/** Operation as the Hub shows it (`/operations`). */
export interface OperationView {
  id: string; kind: string; phase: Operation['phase']; step: string | null;
  steps: { name: string; phase: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped'; started: number | null; finished: number | null; message: string | null }[];
  progress: { completed: number; total: number; unit: 'steps' };
  error: { reason: string; message: string; step: string | null } | null;
  created: number; updated: number;
  parentId: string | null; appInstanceId: string | null; siteId: string | null; savedImageId: string | null; appCopyId: string | null;
  startedBy: string | null;
}

export interface DeployRequest {
  appInstanceName: string; appTemplateId: string; siteId: string; creatorUserId: string; purpose?: string | null;
  appPolicies?: AppPolicy[] | null; deploymentPlan: DeploymentPlan;
}
export interface RepurposeRequest {
  appInstanceName: string; originAppInstanceId: string; copyId: string; userId?: string | null; purpose?: string | null; appPolicies?: AppPolicy[] | null;
}
export interface DeploySavedImageRequest {
  appInstanceName: string; savedImageId: string; userId: string; siteId: string; deploymentPlan: DeploymentPlan;
}
export interface CreateSavedImageRequest { name: string; appInstanceId: string; userId: string; tags?: string[] | null; comment?: string | null }

/** The result of a command that started long work. */
export interface Started<T> { value: T; operationId: string }

export class HubService {
  constructor(
    private readonly store: HubStore,
    private readonly gateway: SiteGateway,
    private readonly engine: OperationEngine,
    private readonly config: HubConfig,
  ) {
    registerKinds({ store, gateway, engine, config });
  }

  // ================================================================= sites
  async addSite(urn: string, url: string, token?: string): Promise<string> {
    if (!urn) throw new BadRequestError('Missing urn');
    if (!/^https?:\/\/[^/\s]+/i.test(url ?? '')) throw new BadRequestError(`url '${url}' is not an http(s) URL`);
    if (await this.store.findSiteByUrn(urn)) throw new ConflictError(`a site with urn '${urn}' is already connected`);
    const clean = url.replace(/\/+$/, '');
    // One Site under two URNs would show each of its instances twice in every view, and stopping one would stop both.
    const same = (await this.store.listSites()).find((x) => x.url.toLowerCase() === clean.toLowerCase());
    if (same) throw new ConflictError(`the site at ${clean} is already connected as '${same.urn}'`);
    let info;
    if (token !== undefined) this.gateway.setToken?.(clean, token);
    try {
      info = await this.gateway.info(clean);
    } catch (err) {
      if (token !== undefined) this.gateway.setToken?.(clean, undefined);
      // The contract: 503 nothing answers, 502 something answered with an error (a 404 here is "not a Site", not
      // "no such resource" of the Hub, so the peer's 4xx is not passed through as it is for other calls).
      if (err instanceof UpstreamError && err.upstreamStatus !== undefined) {
        throw new BadGatewayError(`site '${urn}' (${clean}) answered ${err.upstreamStatus} to site/info: ${err.message}`, { cause: err });
      }
      throw peerError(err, 'site/info', { urn, url: clean });
    }
    if (!info || typeof info !== 'object') throw peerError(new Error('unreadable site/info'), 'site/info', { urn, url: clean });
    const site: HubSite = {
      id: randomUUID(), urn, url: clean, name: info.name ?? null, version: info.version ?? null,
      location: info.location ?? null, publicDns: info.publicDNS || clean, status: 'reachable', lastSeen: Date.now(),
    };
    await this.store.insertSite(site);
    if (token !== undefined) await this.store.setSiteCredential(site.id, clean, token);
    return site.id;
  }

  listSites(): Promise<HubSite[]> { return this.store.listSites(); }

  async getSite(id: string): Promise<HubSite> {
    const s = await this.store.getSite(id);
    if (!s) throw new NotFoundError(`site '${id}' not found`);
    return s;
  }

  /** Probes every Site once (`GET site/info` within the per-site timeout) and records status / lastSeen. */
  async probeSites(): Promise<void> {
    const sites = await this.store.listSites();
    await Promise.all(sites.map(async (s) => {
      try {
        await withTimeout(this.gateway.info(s.url, { timeoutMs: this.config.siteTimeoutMs, retries: 0 }), this.config.siteTimeoutMs);
        await this.store.setSiteStatus(s.id, 'reachable');
      } catch {
        await this.store.setSiteStatus(s.id, 'unreachable');
      }
    }));
  }

  // ================================================================= templates
  async createTemplate(t: Omit<AppTemplate, 'id' | 'deleted'> & { id?: string | null }): Promise<AppTemplate> {
    if (t.id != null) throw new BadRequestError('id must be absent or null: the Hub assigns it');
    if (!t.createdByUserId) throw new BadRequestError('Missing createdByUserId');
    validateTemplate(t);
    const stored: AppTemplate = { ...t, id: randomUUID(), deleted: false, description: t.description ?? null, entryPointServiceName: t.entryPointServiceName ?? null };
    await this.store.insertTemplate(stored);
    return stored;
  }

  async getTemplate(id: string, includeDeleted = false): Promise<AppTemplate> {
    const t = await this.store.getTemplate(id);
    if (!t || (t.deleted && !includeDeleted)) throw new NotFoundError(`app template '${id}' not found`);
    return t;
  }

  listTemplates(): Promise<AppTemplate[]> { return this.store.listTemplates(false); }

  async deleteTemplate(id: string): Promise<void> {
    if (!(await this.store.markTemplateDeleted(id))) throw new NotFoundError(`app template '${id}' not found`);
  }

  // ================================================================= instances (reads)
  async listInstances(): Promise<InstanceView[]> {
    const [instances, sites] = await Promise.all([this.store.listInstances(), this.store.listSites()]);
    const reach = new Map(sites.map((s) => [s.id, s.status === 'reachable']));
    return instances.map((i) => ({ ...i, siteReachable: reach.get(i.siteId) ?? false }));
  }

  async getInstance(id: string): Promise<InstanceView> {
    const i = await this.mustInstance(id);
    const site = await this.store.getSite(i.siteId);
    return { ...i, siteReachable: site?.status === 'reachable' };
  }

  async downstream(id: string): Promise<DownstreamTree> {
    const root = await this.mustInstance(id);
    const build = async (i: AppInstance, seen: Set<string>): Promise<DownstreamTree> => {
      seen.add(i.id);
      const kids = (await this.store.listChildren(i.id)).filter((k) => !seen.has(k.id));
      return { siteId: i.siteId, appInstanceId: i.id, deploymentType: i.deploymentType, downStreamInstances: await Promise.all(kids.map((k) => build(k, seen))) };
    };
    return build(root, new Set());
  }

  /**
   * Every instance with its state. Instances not `stopped` are refreshed from their Sites: one
   * `GET site/app-instance` per Site, all Sites in parallel, each bounded by the per-site timeout. A Site that does
   * not answer in time contributes its instances' last known state with `siteReachable: false`.
   */
  async listInstanceStates(): Promise<InstanceView[]> {
    const [instances, sites] = await Promise.all([this.store.listInstances(), this.store.listSites()]);
    const siteById = new Map(sites.map((s) => [s.id, s]));
    const toAsk = sites.filter((s) => instances.some((i) => i.siteId === s.id && i.state !== 'stopped'));
    const answers = new Map<string, SiteAppInstance[] | null>();
    await Promise.all(toAsk.map(async (s) => {
      try {
        const apps = await withTimeout(this.gateway.listAppInstances(s.url, { timeoutMs: this.config.siteTimeoutMs, retries: 0 }), this.config.siteTimeoutMs);
        answers.set(s.id, apps);
        await this.store.setSiteStatus(s.id, 'reachable');
      } catch {
        answers.set(s.id, null);
        await this.store.setSiteStatus(s.id, 'unreachable').catch(() => undefined);
      }
    }));
    const out: InstanceView[] = [];
    for (const i of instances) {
      const site = siteById.get(i.siteId);
      const answer = answers.get(i.siteId);
      const reachable = answer === undefined ? site?.status === 'reachable' : answer !== null;
      const siteApp = answer?.find((a) => a.id === i.id);
      const refreshed = siteApp && site ? await this.applySiteState(i, siteApp, site) : i;
      out.push({ ...refreshed, siteReachable: reachable });
    }
    return out;
  }

  async getInstanceState(id: string): Promise<InstanceView> {
    const i = await this.mustInstance(id);
    const site = await this.store.getSite(i.siteId);
    if (!site) return { ...i, siteReachable: false };
    if (i.state === 'stopped') return { ...i, siteReachable: site.status === 'reachable' };
    try {
      const app = await withTimeout(this.gateway.getAppInstance(site.url, i.id, { timeoutMs: this.config.siteTimeoutMs, retries: 0 }), this.config.siteTimeoutMs);
      await this.store.setSiteStatus(site.id, 'reachable');
      return { ...(app ? await this.applySiteState(i, app, site) : i), siteReachable: true };
    } catch {
      await this.store.setSiteStatus(site.id, 'unreachable').catch(() => undefined);
      return { ...i, siteReachable: false };
    }
  }

  /** Takes a Site-reported state into the Hub record (not while the Hub is still transferring copies for it). */
  private async applySiteState(i: AppInstance, app: SiteAppInstance, site: HubSite): Promise<AppInstance> {
    const state = hubStateOf(app.state);
    if (state === i.state && (state !== 'running' || i.webEntryPointURL)) return i;
    const url = state === 'running' ? webEntryUrl(app.entryPointURL, site.publicDns ?? site.url, i.entryPointPath) : state === 'stopped' ? null : undefined;
    const msg = state === 'error' || state === 'unknown' ? app.stateMessage : null;
    await this.store.setInstanceState(i.id, state, { message: msg, url });
    return (await this.store.getInstance(i.id)) ?? i;
  }

  // ================================================================= deployment plans
  async createPlan(appTemplateId: string, siteId?: string | null): Promise<DeploymentPlan> {
    if (!appTemplateId) throw new BadRequestError('Missing appTemplateId');
    const template = await this.store.getTemplate(appTemplateId);
    if (!template) throw new BadRequestError(`unknown appTemplateId '${appTemplateId}'`);
    let candidates: HubSite[];
    if (siteId) {
      const site = await this.store.getSite(siteId);
      if (!site) throw new BadRequestError(`unknown siteId '${siteId}'`);
      candidates = [site];
    } else {
      const all = await this.store.listSites();
      if (!all.length) throw new UnavailableError('no site is connected to the Hub');
      candidates = [...all.filter((s) => s.status === 'reachable'), ...all.filter((s) => s.status !== 'reachable')];
    }
    let last: unknown;
    for (const site of candidates) {
      try {
        return proposePlan(template, await this.siteOffer(site));
      } catch (err) {
        last = err;
        if (!isUnreachable(err)) throw peerError(err, 'reading its offer', site);
      }
    }
    throw peerError(last, 'reading its offer', candidates.length === 1 ? candidates[0] : undefined);
  }

  private async siteOffer(site: HubSite) {
    const [psbs, dsbs, registries] = await Promise.all([
      this.gateway.listPsbs(site.url), this.gateway.dsbCatalog(site.url), this.gateway.artifactRegistries(site.url),
    ]);
    return { psbs, dsbs, registries };
  }

  // ================================================================= deploy
  async deployApplication(r: DeployRequest): Promise<Started<string>> {
    const site = await this.store.getSite(r.siteId);
    if (!site) throw new BadRequestError(`unknown siteId '${r.siteId}'`);
    const template = await this.store.getTemplate(r.appTemplateId);
    if (!template) throw new BadRequestError(`unknown appTemplateId '${r.appTemplateId}'`);
    checkPlan(template, r.deploymentPlan);
    await this.mustBeFreeName(r.appInstanceName);
    return this.launch({
      name: r.appInstanceName, template, site, plan: r.deploymentPlan, policies: r.appPolicies ?? [], creatorUserId: r.creatorUserId,
      deploymentType: r.purpose ?? null, baseAppInstanceId: null, baseSavedImageId: null,
    });
  }

  async repurpose(r: RepurposeRequest): Promise<Started<string>> {
    const origin = await this.mustInstance(r.originAppInstanceId);
    const site = await this.store.getSite(origin.siteId);
    if (!site) throw new NotFoundError(`site '${origin.siteId}' of instance '${origin.id}' is no longer connected`);
    await this.mustBeFreeName(r.appInstanceName);
    const template = await this.store.getTemplate(origin.appTemplateId);
    if (!template) throw new NotFoundError(`template '${origin.appTemplateId}' of instance '${origin.id}' not found`);
    let copies: SiteAppCopy[] | undefined;
    try { copies = await this.gateway.copyHistory(site.url, origin.id); } catch (err) { throw peerError(err, 'copy-history', site); }
    const copy = copies?.find((c) => c.copyId === r.copyId);
    if (!copy) throw new NotFoundError(`copy '${r.copyId}' is not a copy of instance '${origin.id}' on site '${site.urn}'`);
    if (copy.state !== 'created') throw new ConflictError(`copy '${r.copyId}' is ${copy.state}, not created`);
    let offer;
    try { offer = await this.siteOffer(site); } catch (err) { throw peerError(err, 'reading its offer', site); }
    // The plan is derived: app services as proposed; data services on the DSB that made the copy.
    const plan = proposePlan(template, offer);
    for (const [bind, ds] of Object.entries(plan.dataServices)) {
      const dsCopy = copy.dataServiceCopies.find((d) => d.bindName === bind);
      const dsb = dsCopy && offer.dsbs.find((d) => d.urn === dsCopy.dsbUrn);
      if (!dsb || !dsb.plans.length) continue;
      const dep = depOf(template, bind);
      const names = (dep?.protocols ?? []).map((p) => p.protocolName.toLowerCase());
      const match = dsb.plans.flatMap((p) => p.supportedProtocols.map((sp) => ({ p, sp }))).find(({ sp }) => !names.length || names.includes(sp.protocolName.toLowerCase()));
      const p = match?.p ?? dsb.plans[0];
      const proto = match?.sp ?? p.supportedProtocols[0];
      Object.assign(ds, { enabled: true, dsbUrn: dsb.urn, planId: p.id, protocol: proto?.protocolName ?? null, dsbSettings: { ...(p.dsbSettings ?? {}) } });
    }
    checkPlan(template, plan);
    const restore = this.restoreFromCopy(template, plan, copy);
    return this.launch({
      name: r.appInstanceName, template, site, plan, policies: r.appPolicies ?? [], creatorUserId: r.userId ?? null,
      deploymentType: r.purpose ?? 'other', baseAppInstanceId: origin.id, baseSavedImageId: null, restore, appCopyId: copy.copyId,
    });
  }

  async deploySavedImage(r: DeploySavedImageRequest): Promise<Started<string>> {
    const image = await this.store.getSavedImage(r.savedImageId);
    if (!image) throw new NotFoundError(`saved image '${r.savedImageId}' not found`);
    const site = await this.store.getSite(r.siteId);
    if (!site) throw new BadRequestError(`unknown siteId '${r.siteId}'`);
    const template = await this.store.getTemplate(image.appTemplateId);
    if (!template) throw new BadRequestError(`template '${image.appTemplateId}' of saved image '${image.id}' not found`);
    checkPlan(template, r.deploymentPlan);
    await this.mustBeFreeName(r.appInstanceName);
    if (image.state !== 'created') throw new ConflictError(`saved image '${image.name}' is ${image.state}, not created`);
    const source = await this.store.getSite(image.siteId);
    if (!source) throw new BadRequestError(`site '${image.siteId}' holding saved image '${image.name}' is no longer connected`);
    let copy: SiteAppCopy | undefined;
    try { copy = await this.gateway.getCopy(source.url, image.appCopyId); } catch (err) { throw peerError(err, 'reading the app copy', source); }
    if (!copy) throw new NotFoundError(`app copy '${image.appCopyId}' of saved image '${image.name}' not found on site '${source.urn}'`);
    const restore = this.restoreFromCopy(template, r.deploymentPlan, copy);
    let transfers: TransferPlan[] = [];
    if (source.id !== site.id) {
      // Cross-site: the source CRB pushes each data-service copy to a CRB of the target Site; bytes skip the Hub.
      let sourceRepos, targetRepos;
      try { sourceRepos = await this.gateway.copyRepos(source.url); } catch (err) { throw peerError(err, 'copy-repo', source); }
      try { targetRepos = await this.gateway.copyRepos(site.url); } catch (err) { throw peerError(err, 'copy-repo', site); }
      const target = [...targetRepos].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))[0];
      if (!target) throw new BadRequestError(`target site '${site.urn}' has no CRB registered to restore copies from`);
      transfers = Object.entries(restore).map(([bindName, ri]) => {
        const src = sourceRepos.find((c) => c.urn === ri.copyRepoUrn);
        if (!src) throw new BadRequestError(`CRB '${ri.copyRepoUrn}' holding the copy of '${bindName}' is not registered on site '${source.urn}'`);
        const { copyRepoUrn: _u, copyId: _c, ...restoreBase } = ri;
        return { opId: randomUUID(), bindName, dsCopyId: ri.copyId, sourceCrbUrl: src.url, targetCrbUrl: target.url, targetCrbUrn: target.urn, sourceSiteId: source.id, sourceCrbUrn: src.urn, restoreBase };
      });
    }
    return this.launch({
      name: r.appInstanceName, template, site, plan: r.deploymentPlan, policies: [], creatorUserId: r.userId, deploymentType: 'test-dev',
      baseAppInstanceId: null, baseSavedImageId: image.id, restore, transfers, savedImageId: image.id, appCopyId: image.appCopyId,
    });
  }

  /** Restore information per enabled, used data service, from the Site's copy record. */
  private restoreFromCopy(template: AppTemplate, plan: DeploymentPlan, copy: SiteAppCopy): Record<string, SiteRestoreInfo> {
    const out: Record<string, SiteRestoreInfo> = {};
    for (const bind of usedDataServices(template, plan)) {
      const ds = copy.dataServiceCopies.find((d) => d.bindName === bind);
      if (!ds) throw new BadRequestError(`app copy '${copy.copyId}' holds no copy of data service '${bind}'`);
      if (!ds.copyRepositoryURN) throw new BadRequestError(`the copy of data service '${bind}' names no copy repository`);
      out[bind] = {
        copyRepoUrn: ds.copyRepositoryURN, copyId: ds.copyId,
        ...(ds.copyRepositoryProtocol ? { copyRepoProtocol: ds.copyRepositoryProtocol } : {}),
        ...(ds.copyRepositoryProtocolVersion ? { copyRepoProtocolVersion: ds.copyRepositoryProtocolVersion } : {}),
        ...(ds.facility ? { restoreFacility: ds.facility } : {}),
      };
    }
    return out;
  }

  /** Records the instance and its `deploy` operation; waits until the Site accepted unless copies must move first. */
  private async launch(a: {
    name: string; template: AppTemplate; site: HubSite; plan: DeploymentPlan; policies: AppPolicy[]; creatorUserId: string | null;
    deploymentType: string | null; baseAppInstanceId: string | null; baseSavedImageId: string | null;
    restore?: Record<string, SiteRestoreInfo>; transfers?: TransferPlan[]; savedImageId?: string; appCopyId?: string;
  }): Promise<Started<string>> {
    const id = randomUUID();
    const transfers = a.transfers ?? [];
    const manifest = buildManifest({
      appInstanceId: id, appInstanceName: a.name, template: a.template, plan: a.plan, policies: a.policies,
      restore: transfers.length ? undefined : a.restore,
    });
    const now = Date.now();
    await this.store.insertInstance({
      id, name: a.name, appTemplateId: a.template.id, siteId: a.site.id, baseSavedImageId: a.baseSavedImageId, baseAppInstanceId: a.baseAppInstanceId,
      creatorUserId: a.creatorUserId, deploymentType: a.deploymentType, created: now, state: 'deploying', stateMessage: null, stateDate: now,
      webEntryPointURL: null, entryPointPath: entryPointPath(a.template),
    });
    const input: DeployInput = {
      appInstanceId: id, siteId: a.site.id, manifest, transfers, awaited: transfers.length === 0,
      savedImageId: a.savedImageId ?? null, appCopyId: a.appCopyId ?? null,
    };
    let op;
    try {
      op = await this.engine.submit('deploy', id, { ...input, startedBy: currentPrincipal() });
    } catch (err) {
      // No operation carries it, so nothing was or will be sent anywhere: withdraw the instance rather than leave
      // it 'deploying' for ever with its name taken (a 500 here once left exactly that).
      await this.store.deleteInstance(id).catch(() => undefined);
      throw err;
    }
    if (input.awaited) await this.awaitAccepted(op.id, ['transfer-copies', 'send-deploy']);
    return { value: id, operationId: op.id };
  }

  /**
   * Waits until operation `id` has left the steps in `sending` (the Site accepted) and, when it failed there,
   * throws the error the command must answer with.
   */
  private async awaitAccepted(id: string, sending: string[]): Promise<void> {
    const deadline = Date.now() + this.config.commandWaitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const op = await this.engine.get(id);
      if (op.phase === 'failed') {
        const f = (op.state as { failure?: PeerFailure } | null)?.failure;
        if (f) throw fromFailure(f);
        if (op.step && sending.includes(op.step)) throw new UnavailableError(op.error ?? 'the command failed');
        return;
      }
      if (FINAL_PHASES.has(op.phase) || (op.phase === 'running' && op.step && !sending.includes(op.step))) return;
      if (Date.now() > deadline) return; // still trying: the operation goes on, the instance shows its state
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  // ================================================================= copies, saved images, stop
  async createAppCopy(appInstanceId: string): Promise<Started<string>> {
    const inst = await this.mustInstance(appInstanceId);
    if (inst.state !== 'running') throw new ConflictError(`instance '${inst.name}' is ${inst.state}, not running`);
    const site = await this.mustSiteOf(inst);
    let copyId: string;
    try { copyId = await this.gateway.createAppCopy(site.url, inst.id); } catch (err) { throw peerError(err, 'create-app-copy', site); }
    const op = await this.engine.submit('copy', inst.id, { appInstanceId: inst.id, siteId: site.id, appCopyId: copyId, startedBy: currentPrincipal() });
    return { value: copyId, operationId: op.id };
  }

  async createSavedImage(r: CreateSavedImageRequest): Promise<Started<string>> {
    const inst = await this.mustInstance(r.appInstanceId);
    requireName('name', r.name);
    if (await this.store.findSavedImageByName(r.name)) throw new ConflictError(`a saved image named '${r.name}' exists`);
    const site = await this.mustSiteOf(inst);
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

  async listSavedImages(appTemplateId?: string): Promise<SavedImage[]> { return this.store.listSavedImages(appTemplateId); }

  async getSavedImage(id: string): Promise<SavedImage> {
    const s = await this.store.getSavedImage(id);
    if (!s) throw new NotFoundError(`saved image '${id}' not found`);
    return s;
  }

  /** Stop: answers once the Site accepted; undefined operation when already stopped. */
  async stopApp(appInstanceId: string): Promise<string | undefined> {
    const inst = await this.mustInstance(appInstanceId);
    if (inst.state === 'stopped') return undefined;
    const site = await this.mustSiteOf(inst);
    const op = await this.engine.submit('stop', inst.id, { appInstanceId: inst.id, siteId: site.id, startedBy: currentPrincipal() });
    await this.awaitAccepted(op.id, ['send-stop']);
    return op.id;
  }

  // ================================================================= operations
  async listOperations(f: { kind?: string; phase?: string[]; appInstanceId?: string; savedImageId?: string; limit?: number }): Promise<OperationView[]> {
    const ops = await this.engine.list({ kind: f.kind, limit: 5000 });
    return ops.map(toView)
      .filter((o) => (!f.phase?.length || f.phase.includes(o.phase))
        && (!f.appInstanceId || o.appInstanceId === f.appInstanceId)
        && (!f.savedImageId || o.savedImageId === f.savedImageId))
      .slice(0, f.limit ?? 100);
  }

  async getOperation(id: string): Promise<OperationView> {
    const op = await this.engine.find(id);
    if (!op) throw new NotFoundError(`operation '${id}' not found`);
    return toView(op);
  }

  // ================================================================= helpers
  private async mustInstance(id: string): Promise<AppInstance> {
    const i = await this.store.getInstance(id);
    if (!i) throw new NotFoundError(`app instance '${id}' not found`);
    return i;
  }

  private async mustSiteOf(inst: AppInstance): Promise<HubSite> {
    const s = await this.store.getSite(inst.siteId);
    if (!s) throw new NotFoundError(`site '${inst.siteId}' of instance '${inst.name}' is no longer connected`);
    return s;
  }

  private async mustBeFreeName(name: string): Promise<void> {
    requireName('appInstanceName', name);
    if (await this.store.findInstanceByName(name)) throw new ConflictError(`an app instance named '${name}' already exists`);
  }
}

function depOf(t: AppTemplate, bind: string) {
  for (const s of t.appServiceTemplates as AppServiceTemplate[]) {
    const d = s.dependencies.find((x) => x.name === bind);
    if (d) return d;
  }
  return undefined;
}

function toView(op: Operation): OperationView {
  const refs = (op.input ?? {}) as OpRefs;
  const idx = op.step ? op.steps.indexOf(op.step) : -1;
  const steps = op.steps.map((name, i) => {
    let phase: OperationView['steps'][number]['phase'] = 'pending';
    if (op.phase === 'succeeded') phase = 'succeeded';
    else if (i < idx) phase = 'succeeded';
    else if (i === idx) phase = op.phase === 'failed' ? 'failed' : op.phase === 'running' ? 'running' : 'pending';
    else if (op.phase === 'failed') phase = 'skipped';
    const t = op.stepTimes[name];
    return { name, phase, started: t?.started ?? null, finished: t?.finished ?? null, message: i === idx && op.phase === 'failed' ? op.error : null };
  });
  return {
    id: op.id, kind: op.kind, phase: op.phase, step: op.step, steps,
    progress: { completed: op.progress.completed, total: op.progress.total, unit: 'steps' },
    error: op.phase === 'failed' ? { reason: 'failed', message: op.error ?? 'failed', step: op.step } : null,
    created: op.created, updated: op.updated,
    parentId: refs.parentId ?? null, appInstanceId: refs.appInstanceId ?? null, siteId: refs.siteId ?? null,
    savedImageId: refs.savedImageId ?? null, appCopyId: refs.appCopyId ?? null, startedBy: refs.startedBy ?? null,
  };
}

/** Rejects after `ms` with an unreachable-style error, so a hanging Site never stalls an answer. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms); }),
  ]);
}
