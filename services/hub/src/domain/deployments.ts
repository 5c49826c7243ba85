// Deploying: plans from a Site's offer, deploy / repurpose / deploy a saved image, and stop. Each command records its
// instance and hands the long work to an operation (kinds.ts), answering once the Site accepted.
import { randomUUID } from 'node:crypto';
import { currentPrincipal } from '@ocopea/api';
import { BadRequestError, ConflictError, GatewayTimeoutError, NotFoundError, UnavailableError } from '@ocopea/errors';
import { FINAL_PHASES, waitFor, type OperationEngine } from '@ocopea/operations';
import type { HubConfig } from './config';
import { fromFailure, isUnreachable, peerError, type PeerFailure } from './errors';
import { mustInstance, mustSiteOf, type HubRepository } from './hub-repository';
import type { DeployInput, TransferPlan } from './operation-inputs';
import type { AppPolicy, AppServiceTemplate, AppTemplate, DeploymentPlan, HubSite } from './model';
import { buildManifest, checkPlan, entryPointPath, proposePlan, usedDataServices } from './planning';
import { requireName } from './require-name';
import type { SiteAppCopy, SiteGateway, SiteRestoreInfo } from './site-gateway';
import type { Started } from './started';

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

export class Deployments {
  constructor(
    private readonly store: HubRepository,
    private readonly gateway: SiteGateway,
    private readonly engine: OperationEngine,
    private readonly config: HubConfig,
  ) {}

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
    const origin = await mustInstance(this.store, r.originAppInstanceId);
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
    try {
      await waitFor(async () => {
        const op = await this.engine.get(id);
        if (op.phase === 'failed') {
          const f = (op.state as { failure?: PeerFailure } | null)?.failure;
          if (f) throw fromFailure(f);
          if (op.step && sending.includes(op.step)) throw new UnavailableError(op.error ?? 'the command failed');
          return true;
        }
        return FINAL_PHASES.has(op.phase) || (op.phase === 'running' && op.step && !sending.includes(op.step)) ? true : undefined;
      }, { initialDelayMs: 5, maxDelayMs: 100, timeoutMs: this.config.commandWaitMs, what: `operation ${id} to pass ${sending.join('/')}` });
    } catch (err) {
      // Still trying at the deadline: the operation goes on, the instance shows its state.
      if (!(err instanceof GatewayTimeoutError)) throw err;
    }
  }

  /** Stop: answers once the Site accepted; undefined operation when already stopped. */
  async stopApp(appInstanceId: string): Promise<string | undefined> {
    const inst = await mustInstance(this.store, appInstanceId);
    if (inst.state === 'stopped') return undefined;
    const site = await mustSiteOf(this.store, inst);
    const op = await this.engine.submit('stop', inst.id, { appInstanceId: inst.id, siteId: site.id, startedBy: currentPrincipal() });
    await this.awaitAccepted(op.id, ['send-stop']);
    return op.id;
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
