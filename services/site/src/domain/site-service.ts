import { currentPrincipal } from '@ocopea/api';
import { randomUUID } from 'node:crypto';
import { BadGatewayError, BadRequestError, ConflictError, NotFoundError, UnavailableError, UpstreamError } from '@ocopea/errors';
import { FINAL_PHASES, type Operation, type OperationEngine, type OperationPhase } from '@ocopea/operations';
import { NotABrokerError, type Brokers } from './brokers';
import { COPY_FACILITY, deleteCopyEverywhere, newCopyRecord } from './copy-records';
import { DEPLOY_STEPS } from './operation-inputs';
import type { SiteRepository } from './site-repository';
import { dataServiceId, DSB_ID_PATTERN, psbAppServiceIds } from './ids';
import { localArtifactVersions } from './local-artifact-versions';
import type {
  AppCopy, AppInstance, AppServiceRec, ArtifactRegistry, ArtifactRegistryType, CrbRecord, DataServiceRec, DsbRecord, PolicySpec, PsbRecord, RestoreInfo,
} from './types';

/** Configuration of this Site (from the environment). */
export interface SiteConfig {
  name: string;
  version: string;
  publicDNS: string | null;
  location: { latitude: number; longitude: number; name: string; properties?: Record<string, string> } | null;
}

export interface DeployCommand {
  appInstanceId: string; appInstanceName: string; appTemplateName: string; appTemplateVersion?: string | null;
  entryPointService?: string | null;
  appServiceTemplates?: Record<string, {
    appServiceName: string; psbType: string; space: string; artifactRegistryName: string; imageName: string; imageType?: string | null;
    imageVersion: string; psbSettings?: Record<string, string> | null; environmentVariables?: Record<string, string> | null;
    route?: string | null; exposedPorts?: number[] | null; httpPort?: number | null; dependencies?: string[] | null;
  }>;
  dataServices?: Record<string, {
    dataServiceName?: string; dsbUrn: string; plan: string; dsbSettings?: Record<string, string> | null;
    restoreInfo?: Partial<RestoreInfo> | null;
  }>;
  appPolicies?: { policyType: string; policyName?: string | null; policySettings?: Record<string, string> | null }[] | null;
}

/** An enriched data-service copy (CRB metadata where readable). */
export interface DataServiceCopyView {
  copyId: string; dsbUrn: string; bindName: string; timeStamp: number; repoId: string | null; facility: string | null;
  copyRepositoryURN: string | null; copyRepositoryName: string | null; copyRepositoryProtocol: string | null;
  copyRepositoryProtocolVersion: string | null; size: number; status: string;
}
export interface AppCopyView {
  copyId: string; timeStamp: number; size: number; state: string; stateMessage: string | null;
  dataServiceCopies: DataServiceCopyView[]; appServiceCopies: AppCopy['appServiceCopies'];
}

/** The Site's commands and queries. Long work is handed to the operation engine. */
export class SiteService {
  constructor(
    private readonly store: SiteRepository,
    private readonly brokers: Brokers,
    private readonly engine: OperationEngine,
    private readonly work: { store: SiteRepository; brokers: Brokers },
    readonly config: SiteConfig,
  ) {}

  // ----------------------------------------------------------------------------------------------- brokers
  async registerDsb(urn: string, url: string, token?: string): Promise<DsbRecord> {
    requireText({ dsbUrn: urn, dsbUrl: url });
    url = trimUrl(url);
    requireUrl('dsbUrl', url, ['http:', 'https:']);
    const info = await this.withToken(url, token, () => brokerCall(`DSB at ${url}`, () => this.brokers.dsb(url).info()));
    const rec: DsbRecord = { urn, url: trimUrl(url), name: info.name, type: info.type, description: info.description, plans: info.plans };
    await this.refuseSwap('DSB', urn, await this.store.getDsb(urn), info.type, () => this.store.appsUsingDsb(urn));
    await this.store.upsertDsb(rec);
    return rec;
  }

  async registerPsb(urn: string, url: string, token?: string): Promise<void> {
    requireText({ psbUrn: urn, psbUrl: url });
    url = trimUrl(url);
    requireUrl('psbUrl', url, ['http:', 'https:']);
    const info = await this.withToken(url, token, () => brokerCall(`PSB at ${url}`, () => this.brokers.psb(url).info()));
    await this.refuseSwap('PSB', urn, await this.store.getPsb(urn), info.type, () => this.store.appsUsingPsb(urn));
    await this.store.upsertPsb({ urn, url: trimUrl(url), name: info.name, type: info.type, version: info.version, description: info.description, appServiceIdMaxLength: info.appServiceIdMaxLength });
  }

  async registerCrb(urn: string, url: string, token?: string): Promise<void> {
    requireText({ crbUrn: urn, crbUrl: url });
    url = trimUrl(url);
    requireUrl('crbUrl', url, ['http:', 'https:']);
    const info = await this.withToken(url, token, () => brokerCall(`CRB at ${url}`, () => this.brokers.crb(url).info()));
    await this.store.upsertCrb({ urn, url: trimUrl(url), name: info.name, type: info.repoType, version: info.version });
  }

  /**
   * Runs a registration's first call with `token` as the broker's credential, and keeps it (in memory and in the
   * store) once that call succeeded; a failed registration leaves the credential the broker had. Without a token,
   * the broker keeps the one it was registered with before (re-registering an orcs way keeps working).
   */
  private async withToken<T>(url: string, token: string | undefined, first: () => Promise<T>): Promise<T> {
    if (token === undefined || !this.brokers.setToken) return first();
    const before = this.brokers.tokenOf?.(url);
    this.brokers.setToken(url, token);
    try {
      const out = await first();
      await this.store.setBrokerCredential(url, token);
      return out;
    } catch (err) {
      this.brokers.setToken(url, before);
      throw err;
    }
  }

  /**
   * A scoped credential for one copy in one of this Site's CRBs, as the URL to use it with (extension
   * `grant-copy-access`): what the Hub hands to CRBs moving a copy between Sites, so that it never holds a CRB's own
   * token. A CRB without grants (orcs) is answered with its plain URL.
   */
  async grantCopyAccess(a: { copyRepoURN: string; copyId: string; access: 'read' | 'write' | 'transfer'; repoId?: string; ttlSeconds?: number }): Promise<{ url: string; repoId: string | null; expiresAt: number | null }> {
    const crb = await this.store.getCrb(a.copyRepoURN);
    if (!crb) throw new BadRequestError(`no CRB '${a.copyRepoURN}' is registered on this Site`);
    let repoId = a.repoId ?? null;
    if (a.access === 'write' && !repoId) {
      repoId = (await brokerCall(`CRB '${crb.urn}'`, () => this.brokers.crb(crb.url).repositories()))[0] ?? null;
      if (!repoId) throw new BadRequestError(`CRB '${crb.urn}' has no repository to write the copy into`);
    }
    const g = await brokerCall(`CRB '${crb.urn}'`, () => this.brokers.crb(crb.url).grant({ access: a.access, copyId: a.copyId, repoId: repoId ?? undefined, ttlSeconds: a.ttlSeconds }));
    return { url: g ? crb.url + g.pathPrefix : crb.url, repoId: a.access === 'write' ? repoId : null, expiresAt: g ? g.expiresAt : null };
  }

  /**
   * Re-registering a URN updates it (a broker that moved to another URL keeps its URN), but not into a broker of
   * another type while applications that are not stopped use it: their copies and stops would go to a broker that
   * never held their services (the probe's dsb-fs URN re-pointed at dsb-postgres: copies failed, and stop took the
   * new broker's 404 for 'gone', orphaning the volumes). Stop them first, as remove-dsb asks.
   */
  private async refuseSwap(kind: string, urn: string, current: { type: string; url: string } | undefined, type: string, users: () => Promise<string[]>): Promise<void> {
    if (!current || current.type === type) return;
    const using = await users();
    if (using.length) {
      throw new ConflictError(`${kind} '${urn}' (type '${current.type}' at ${current.url}) is used by application(s) that are not stopped: ${using.join(', ')}; `
        + `it cannot become a broker of type '${type}'`);
    }
  }

  async removeDsb(urn: string): Promise<void> {
    if (!(await this.store.getDsb(urn))) throw new NotFoundError(`no DSB '${urn}' is registered`);
    const users = await this.store.appsUsingDsb(urn);
    if (users.length) throw new ConflictError(`DSB '${urn}' is used by application(s) that are not stopped: ${users.join(', ')}`);
    await this.store.deleteDsb(urn);
  }

  async removeCrb(urn: string): Promise<void> {
    if (!(await this.store.deleteCrb(urn))) throw new NotFoundError(`no CRB '${urn}' is registered`);
  }

  async addCr(crbUrn: string, crName: string, props: Record<string, string>): Promise<void> {
    requireText({ crbUrn, crName });
    const crb = await this.crbOr404(crbUrn);
    const id = randomUUID();
    const protocol = props.addr
      ? { protocol: 'nfs', version: '4.1', endpoint: { addr: props.addr, endPointAdditionalInfo: {} },
        credentials: { user: props.user ?? '', password: props.password ?? '', credentialsAdditionalInfo: {} }, copyLocation: { path: props.addr, copyLocationAdditionalInfo: {} } }
      : { protocol: 'shpanRest', version: '1.0', endpoint: { addr: crb.url, endPointAdditionalInfo: {} }, credentials: { credentialsAdditionalInfo: {} } };
    try {
      await this.brokers.crb(crb.url).createRepository(id, { id, name: crName, repoSupportedProtocols: [protocol], repoAdditionalInfo: {} });
    } catch (err) {
      throw new UnavailableError(`CRB '${crbUrn}' did not create the repository: ${(err as Error).message}`, { cause: err });
    }
  }

  listPsbs(): Promise<PsbRecord[]> { return this.store.listPsbs(); }
  listCrbs(): Promise<CrbRecord[]> { return this.store.listCrbs(); }
  listDsbs(): Promise<DsbRecord[]> { return this.store.listDsbs(); }

  async listPsbsDetailed(): Promise<(PsbRecord & { spaces: { name: string; properties: Record<string, string> | null }[] })[]> {
    const psbs = await this.store.listPsbs();
    return Promise.all(psbs.map(async (p) => {
      const spaces = await this.brokers.psb(p.url).spaces().catch(() => []);
      return { ...p, spaces: spaces.length ? spaces : [{ name: 'default', properties: {} }] };
    }));
  }

  async listInstances(dsbUrn?: string): Promise<{ name: string; dsb: string; type: string; basedOnCopyId: null }[]> {
    if (dsbUrn !== undefined) {
      const dsb = await this.store.getDsb(dsbUrn);
      if (!dsb) throw new NotFoundError(`no DSB '${dsbUrn}' is registered`);
      const ids = await brokerCall(`DSB '${dsbUrn}'`, () => this.brokers.dsb(dsb.url).listInstances());
      return ids.map((name) => ({ name, dsb: dsb.urn, type: dsb.type, basedOnCopyId: null }));
    }
    const all = await Promise.all((await this.store.listDsbs()).map(async (dsb) => {
      const ids = await this.brokers.dsb(dsb.url).listInstances().catch(() => [] as string[]);
      return ids.map((name) => ({ name, dsb: dsb.urn, type: dsb.type, basedOnCopyId: null }));
    }));
    return all.flat();
  }

  // ------------------------------------------------------------------------------------ artifact registries
  async addRegistry(type: ArtifactRegistryType, name: string, url: string, username: string | null = null, password: string | null = null): Promise<void> {
    requireText({ name, url });
    // customRest may also name a local folder (file: URL or absolute path), as the process PSB reads it.
    if (!(type === 'customRest' && url.startsWith('/'))) requireUrl('url', url, type === 'customRest' ? ['http:', 'https:', 'file:'] : ['http:', 'https:']);
    await this.store.upsertRegistry({ name, type, url: trimUrl(url), username, password });
  }
  /** Registries without passwords (orcs leaked them, §7.13). */
  async listRegistries(): Promise<{ name: string; type: ArtifactRegistryType; parameters: Record<string, string> }[]> {
    return (await this.store.listRegistries()).map((r) => {
      const parameters: Record<string, string> = { url: r.url };
      if (r.type !== 'customRest' && r.username) parameters.username = r.username;
      return { name: r.name, type: r.type, parameters };
    });
  }
  async removeRegistry(name: string): Promise<void> {
    if (!(await this.store.deleteRegistry(name))) throw new NotFoundError(`no artifact registry '${name}'`);
  }
  async listArtifactVersions(name: string, artifactId: string): Promise<string[]> {
    const reg = await this.store.getRegistry(name);
    if (!reg) throw new NotFoundError(`no artifact registry '${name}'`);
    return listVersions(reg, artifactId);
  }

  // ------------------------------------------------------------------------------------------------ deploy
  /** Validates, records the app (`deploying`) and its `deploy` operation; returns the operation id. */
  async deploy(cmd: DeployCommand): Promise<string> {
    requireText({ appInstanceId: cmd.appInstanceId, appInstanceName: cmd.appInstanceName, appTemplateName: cmd.appTemplateName });
    if (await this.store.getApp(cmd.appInstanceId)) throw new ConflictError(`application instance '${cmd.appInstanceId}' is already deployed on this Site`);
    const templates = cmd.appServiceTemplates ?? {};
    const dataServices = cmd.dataServices ?? {};
    const psbs = await this.store.listPsbs();
    const now = Date.now();

    const chosen = new Map<string, PsbRecord>();
    for (const [key, t] of Object.entries(templates)) {
      requireText({ appServiceName: t.appServiceName, imageName: t.imageName, artifactRegistryName: t.artifactRegistryName, imageVersion: t.imageVersion, space: t.space }, `app service '${key}': `);
      const psb = psbs.find((p) => p.type.toLowerCase() === t.psbType.toLowerCase());
      if (!psb) throw new BadRequestError(`Site does not support deploying apps with psb type ${t.psbType} (app service '${key}')`);
      chosen.set(key, psb);
      if (!(await this.store.getRegistry(t.artifactRegistryName))) throw new BadRequestError(`app service '${key}': unknown artifact registry '${t.artifactRegistryName}'`);
      for (const dep of t.dependencies ?? []) {
        if (!(dep in dataServices)) throw new BadRequestError(`app service '${key}' depends on '${dep}', which is not a data service of this application`);
      }
    }
    if (cmd.entryPointService && !(cmd.entryPointService in templates)) {
      throw new BadRequestError(`entry point service '${cmd.entryPointService}' is not one of the app services`);
    }

    // Only data services some app service depends on are deployed (orcs behaviour).
    const used = [...new Set(Object.values(templates).flatMap((t) => t.dependencies ?? []))];
    const dsRecs: DataServiceRec[] = [];
    const ids = new Set<string>();
    for (const bind of used) {
      const m = dataServices[bind];
      requireText({ dsbUrn: m.dsbUrn, plan: m.plan }, `data service '${bind}': `);
      const dsb = await this.store.getDsb(m.dsbUrn);
      if (!dsb) throw new BadRequestError(`data service '${bind}': invalid DSB URN '${m.dsbUrn}' (not registered on this Site)`);
      const plan = dsb.plans.find((p) => p.id === m.plan);
      if (!plan) throw new BadRequestError(`data service '${bind}': invalid DSB plan '${m.plan}' (DSB '${m.dsbUrn}' offers ${dsb.plans.map((p) => p.id).join(', ') || 'none'})`);
      let restoreInfo: RestoreInfo | null = null;
      if (m.restoreInfo) {
        const ri = m.restoreInfo;
        if (!ri.copyId) throw new BadRequestError(`data service '${bind}': restoreInfo.copyId is missing`);
        if (!ri.copyRepoUrn || !(await this.store.getCrb(ri.copyRepoUrn))) {
          throw new BadRequestError(`data service '${bind}': restoreInfo.copyRepoUrn '${ri.copyRepoUrn ?? ''}' is not a CRB registered on this Site`);
        }
        restoreInfo = { copyRepoUrn: ri.copyRepoUrn, copyRepoProtocol: ri.copyRepoProtocol ?? null, copyRepoProtocolVersion: ri.copyRepoProtocolVersion ?? null, copyId: ri.copyId, restoreFacility: ri.restoreFacility ?? null };
      }
      const serviceId = dataServiceId(bind, cmd.appInstanceId);
      if (!DSB_ID_PATTERN.test(serviceId) || serviceId.length > 128) throw new BadRequestError(`data service '${bind}': cannot derive a valid instance id`);
      if (ids.has(serviceId)) throw new BadRequestError(`data service '${bind}': its instance id '${serviceId}' collides with another data service's`);
      ids.add(serviceId);
      const namespaces = [...new Set(Object.values(templates).filter((t) => (t.dependencies ?? []).includes(bind)).map((t) => t.space))];
      dsRecs.push({
        appInstanceId: cmd.appInstanceId, bindName: bind, serviceId,
        spec: { dsbUrn: dsb.urn, dsbUrl: dsb.url, plan: plan.id, dsbSettings: { ...(m.dsbSettings ?? {}), ...plan.dsbSettings, plan: plan.id }, namespaces, restoreInfo },
        binding: null, bindingPorts: [], state: 'queued', stateMessage: null, stateDate: now,
      });
    }

    const psbIds = psbAppServiceIds(cmd.appInstanceName, Object.keys(templates).map((k) => ({ name: k, maxLength: chosen.get(k)!.appServiceIdMaxLength })), now);
    const asRecs: AppServiceRec[] = Object.entries(templates).map(([key, t]) => {
      const psb = chosen.get(key)!;
      return {
        appInstanceId: cmd.appInstanceId, name: key,
        spec: {
          psbUrn: psb.urn, psbUrl: psb.url, psbAppServiceId: psbIds.get(key)!, space: t.space, artifactRegistryName: t.artifactRegistryName,
          imageName: t.imageName, imageType: t.imageType ?? null, imageVersion: t.imageVersion, psbSettings: t.psbSettings ?? {},
          environmentVariables: t.environmentVariables ?? {}, route: t.route ?? null, exposedPorts: [...new Set(t.exposedPorts ?? [])],
          httpPort: t.httpPort ?? null, dependencies: t.dependencies ?? [],
        },
        publicUrl: null, state: 'pending', stateMessage: null, stateDate: now,
      };
    });

    const policies: PolicySpec[] = (cmd.appPolicies ?? []).filter((p) => p.policyType?.toLowerCase() === 'protection')
      .map((p) => ({ policyType: 'protection', policyName: p.policyName ?? null, policySettings: p.policySettings ?? {} }));
    // Refused here, not replaced by defaults at activation: 'every -1 s' must not quietly become 'daily'.
    for (const p of policies) {
      for (const key of ['intervalSeconds', 'retainCount', 'retainSeconds'] as const) {
        const v = p.policySettings?.[key];
        if (v === undefined || v === null || v === '') continue;
        const n = /^\s*\d+\s*$/.test(String(v)) ? Number(v) : NaN;
        if (!(n >= 1 && n <= MAX_INT32)) {
          throw new BadRequestError(`protection policy '${p.policyName ?? 'protection'}': ${key} must be a whole number 1..${MAX_INT32}, got '${v}'`);
        }
      }
    }
    const app: AppInstance = {
      id: cmd.appInstanceId, name: cmd.appInstanceName, templateName: cmd.appTemplateName, templateVersion: cmd.appTemplateVersion ?? '',
      entryPointService: cmd.entryPointService ?? null, state: 'deploying', stateMessage: null, stateDate: now, launched: now,
      entryPointURL: null, policies, appServices: asRecs, dataServices: dsRecs,
    };
    if (!(await this.store.insertApp(app))) throw new ConflictError(`application instance '${cmd.appInstanceId}' is already deployed on this Site`);
    const op = await this.engine.submit('deploy', app.id, { appInstanceId: app.id, startedBy: currentPrincipal() });
    return op.id;
  }

  // -------------------------------------------------------------------------------------------------- copy
  async createCopy(appInstanceId: string): Promise<{ copyId: string; operationId: string }> {
    const app = await this.appOr404(appInstanceId);
    if (app.state !== 'running') throw new ConflictError(`application '${appInstanceId}' is ${app.state}; only a running application can be copied`);
    if (!(await this.store.listCrbs()).length) throw new ConflictError('no CRB is registered on this Site');
    const copyId = randomUUID();
    await this.store.insertCopy(newCopyRecord(app, copyId));
    const op = await this.engine.submit('copy', appInstanceId, { appInstanceId, appCopyId: copyId, startedBy: currentPrincipal() });
    return { copyId, operationId: op.id };
  }

  async deleteCopy(copyId: string): Promise<void> {
    const c = await this.store.getCopy(copyId);
    if (!c) throw new NotFoundError(`no application copy '${copyId}'`);
    if (c.state === 'creating') throw new ConflictError(`application copy '${copyId}' is still being created`);
    await deleteCopyEverywhere(this.work, c);
  }

  async getCopy(copyId: string): Promise<AppCopyView> {
    const c = await this.store.getCopy(copyId);
    if (!c) throw new NotFoundError(`no application copy '${copyId}'`);
    return this.enrich(c);
  }

  async copyHistory(appInstanceId: string, start?: number, end?: number, page: { size?: number; number?: number } = {}): Promise<AppCopyView[]> {
    await this.appOr404(appInstanceId);
    const s = start === undefined || start === -1 ? undefined : start;
    const e = end === undefined || end === -1 ? undefined : end;
    // int64 in the contract, but epoch milliseconds here: past 2^53 a number is no longer exact, and past 2^63 the
    // database refused it with a 500.
    for (const [name, v] of [['intervalStart', s], ['intervalEnd', e]] as const) {
      if (v !== undefined && !Number.isSafeInteger(v)) throw new BadRequestError(`${name} must be epoch milliseconds, at most ${Number.MAX_SAFE_INTEGER}, got ${v}`);
    }
    if (s !== undefined && e !== undefined && e < s) throw new BadRequestError(`intervalEnd (${e}) is before intervalStart (${s})`);
    if (page.number !== undefined && page.size === undefined) throw new BadRequestError('pageNumber needs pageSize');
    const p = page.size === undefined ? undefined : { size: page.size, number: page.number ?? 0 };
    return Promise.all((await this.store.listCopies(appInstanceId, s, e, p)).map((c) => this.enrich(c)));
  }

  async stats(appInstanceId: string): Promise<{ appInstanceId: string; appCopies: AppCopyView[]; productionCopyStatistics: { dsbName: string; bindName: string; storageType: string | null; size: number }[] }> {
    const app = await this.appOr404(appInstanceId);
    const appCopies = await this.copyHistory(appInstanceId);
    const productionCopyStatistics = await Promise.all(app.dataServices.map(async (ds) => {
      const dsb = await this.store.getDsb(ds.spec.dsbUrn);
      const inst = dsb && !['removed', 'removing'].includes(ds.state) ? await this.brokers.dsb(dsb.url).getInstance(ds.serviceId).catch(() => undefined) : undefined;
      return { dsbName: ds.spec.dsbUrn, bindName: ds.bindName, storageType: inst?.storageType ?? null, size: inst?.size ?? 0 };
    }));
    return { appInstanceId, appCopies, productionCopyStatistics };
  }

  /** Where the data of a data-service copy lives (the Site never carries copy bytes). */
  async copyDataLocation(crbUrn: string, dsCopyId: string): Promise<string> {
    const crb = await this.crbOr404(crbUrn);
    return `${crb.url}/copies/${encodeURIComponent(dsCopyId)}/data`;
  }

  private async enrich(c: AppCopy): Promise<AppCopyView> {
    const crbs = new Map((await this.store.listCrbs()).map((x) => [x.urn, x]));
    const dataServiceCopies = await Promise.all(c.dataServiceCopies.map(async (d): Promise<DataServiceCopyView> => {
      const crb = d.crbUrn ? crbs.get(d.crbUrn) : undefined;
      const md = crb ? await this.brokers.crb(crb.url).getMetadata(d.dsCopyId).catch(() => undefined) : undefined;
      const size = md?.copyAdditionalInfo.size !== undefined ? Number(md.copyAdditionalInfo.size) : d.size;
      return {
        copyId: d.dsCopyId, dsbUrn: d.dsbUrn, bindName: d.bindName, timeStamp: toMillis(md?.copyTimeStamp) ?? c.timeStamp,
        repoId: md?.repoId ?? d.repoId ?? 'N/A', facility: md?.facility ?? d.facility ?? 'N/A',
        copyRepositoryURN: d.crbUrn ?? 'N/A', copyRepositoryName: crb?.name ?? d.crbUrn ?? 'N/A',
        copyRepositoryProtocol: md?.protocol ?? d.protocol ?? 'N/A', copyRepositoryProtocolVersion: md?.protocolVersion ?? d.protocolVersion ?? 'N/A',
        size: Number.isFinite(size) && size !== null ? Number(size) : 0, status: d.status,
      };
    }));
    return {
      copyId: c.id, timeStamp: c.timeStamp, size: dataServiceCopies.reduce((a, d) => a + d.size, 0), state: c.state, stateMessage: c.stateMessage,
      dataServiceCopies, appServiceCopies: c.appServiceCopies,
    };
  }

  // -------------------------------------------------------------------------------------------------- stop
  /** Starts stopping (or names the stop already under way); returns the operation id. */
  async stop(appInstanceId: string): Promise<string | undefined> {
    const app = await this.appOr404(appInstanceId);
    if (app.state === 'stopping' || app.state === 'stopped') {
      return (await this.engine.list({ subject: appInstanceId, kind: 'stop', limit: 1 }))[0]?.id;
    }
    if (!(await this.store.setAppState(appInstanceId, 'stopping', null, { from: [app.state] }))) return this.stop(appInstanceId);
    const op = await this.engine.submit('stop', appInstanceId, { appInstanceId, startedBy: currentPrincipal() });
    return op.id;
  }

  // ---------------------------------------------------------------------------------------------- queries
  async getApp(id: string): Promise<AppInstance> { return this.appOr404(id); }
  listApps(): Promise<AppInstance[]> { return this.store.listApps(); }

  async logTags(id: string): Promise<string[]> {
    const app = await this.appOr404(id);
    return [...app.appServices.map((s) => s.name), ...app.dataServices.map((d) => d.bindName)];
  }

  async listOperations(f: { appInstanceId?: string; phase?: OperationPhase; kind?: string }): Promise<OperationView[]> {
    return (await this.engine.list({ subject: f.appInstanceId, phase: f.phase, kind: f.kind })).map(opView);
  }
  async getOperation(id: string): Promise<OperationView> { return opView(await this.engine.get(id)); }

  /**
   * After a restart: an application left `deploying`/`stopping` with no open operation (the Site died between
   * recording it and submitting its work) gets its operation now; a copy left `creating` without one fails. The
   * other half of reconciling, asking the DSBs whether running applications' data is still there
   * (`checkDataServices`), runs in the background from start-up on (`DataServiceWatch`): a slow DSB must not hold
   * the Site's start.
   */
  async reconcile(): Promise<void> {
    const open = (await this.engine.list({ limit: 100_000 })).filter((o) => !FINAL_PHASES.has(o.phase));
    const openFor = (subject: string, kinds: string[]) => open.some((o) => o.subject === subject && kinds.includes(o.kind));
    for (const app of await this.store.listApps()) {
      if (app.state === 'deploying' && !openFor(app.id, ['deploy'])) await this.engine.submit('deploy', app.id, { appInstanceId: app.id, startedBy: 'system' });
      if (app.state === 'stopping' && !openFor(app.id, ['stop'])) await this.engine.submit('stop', app.id, { appInstanceId: app.id, startedBy: 'system' });
      for (const c of await this.store.listCopies(app.id)) {
        if (c.state === 'creating' && !open.some((o) => (o.input as { appCopyId?: string })?.appCopyId === c.id)) {
          await this.store.setCopyState(c.id, 'failed', 'interrupted: the Site restarted before the copy started', ['creating']);
        }
      }
    }
  }

  private async appOr404(id: string): Promise<AppInstance> {
    const app = await this.store.getApp(id);
    if (!app) throw new NotFoundError(`no application instance '${id}' on this Site`);
    return app;
  }
  private async crbOr404(urn: string): Promise<CrbRecord> {
    const crb = await this.store.getCrb(urn);
    if (!crb) throw new NotFoundError(`no CRB '${urn}' is registered`);
    return crb;
  }
}

export interface OperationView {
  id: string; kind: string; appInstanceId: string; appCopyId: string | null; phase: OperationPhase; step: string; steps: string[];
  progress: { completed: number; total: number }; error: string | null; created: number; updated: number; startedBy: string | null;
}
function opView(o: Operation): OperationView {
  const input = (o.input ?? {}) as { appCopyId?: string; startedBy?: string };
  return {
    id: o.id, kind: o.kind, appInstanceId: o.subject, appCopyId: input.appCopyId ?? null, phase: o.phase,
    step: o.step ?? o.steps[0] ?? DEPLOY_STEPS[0], steps: o.steps, progress: o.progress, error: o.error, created: o.created, updated: o.updated,
    startedBy: input.startedBy ?? null,
  };
}

function requireText(fields: Record<string, string | null | undefined>, prefix = ''): void {
  for (const [k, v] of Object.entries(fields)) if (typeof v !== 'string' || v.trim() === '') throw new BadRequestError(`${prefix}Missing ${k}`);
}
const trimUrl = (u: string) => u.replace(/\/+$/, '');

/** A URL the Site will call must parse and use one of `protocols` (400 otherwise: a malformed URL was a 503). */
function requireUrl(field: string, url: string, protocols: string[]): void {
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw new BadRequestError(`${field} '${url}' is not a URL`); }
  if (!protocols.includes(parsed.protocol)) throw new BadRequestError(`${field} '${url}' must be ${protocols.map((x) => x.slice(0, -1)).join(' or ')}`);
}

/** Maps broker failures at registration: not a broker of that kind → 400; unreachable or error → 503. */
async function brokerCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try { return await fn(); } catch (err) {
    if (err instanceof NotABrokerError) throw new BadRequestError(err.message);
    if (err instanceof UpstreamError) throw new UnavailableError(`failed connecting to ${what}: ${err.message}`, { cause: err });
    throw new UnavailableError(`failed connecting to ${what}: ${(err as Error).message}`, { cause: err });
  }
}

function toMillis(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') { const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v); return Number.isFinite(n) ? n : undefined; }
  return undefined;
}

async function listVersions(reg: ArtifactRegistry, artifactId: string): Promise<string[]> {
  if (reg.type === 'customRest' && (reg.url.startsWith('file:') || reg.url.startsWith('/'))) return localArtifactVersions(reg.name, reg.url, artifactId);
  const headers: Record<string, string> = {};
  if (reg.username && reg.password) headers.authorization = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`;
  const get = async (url: string) => {
    let res: Response;
    try { res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) }); } catch (err) {
      throw new UnavailableError(`artifact registry '${reg.name}' cannot be reached: ${(err as Error).message}`, { cause: err });
    }
    if (res.status === 404) throw new NotFoundError(`artifact registry '${reg.name}' does not know '${artifactId}'`);
    if (!res.ok) throw new UnavailableError(`artifact registry '${reg.name}' answered ${res.status}`);
    return res;
  };
  /** The registry's answer as JSON; what is not JSON is the registry's fault (502), not ours (500). */
  const json = async (res: Response): Promise<unknown> => {
    try { return await res.json(); } catch (err) {
      throw new BadGatewayError(`artifact registry '${reg.name}' answered something that is not JSON: ${(err as Error).message}`, { cause: err });
    }
  };
  if (reg.type === 'customRest') {
    const d = await json(await get(`${reg.url}/${encodeURIComponent(artifactId)}`));
    return Array.isArray(d) ? d.map(String) : [];
  }
  if (reg.type === 'mavenRepository') {
    const [group, artifact] = artifactId.includes(':') ? artifactId.split(':', 2) : ['', artifactId];
    const path = [...(group ? group.split('.') : []), artifact].map(encodeURIComponent).join('/');
    const xml = await (await get(`${reg.url}/${path}/maven-metadata.xml`)).text();
    return [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]);
  }
  const d = await json(await get(`${reg.url}/v2/repositories/${artifactId.split('/').map(encodeURIComponent).join('/')}/tags/`)) as { results?: unknown; tags?: unknown } | null;
  if (Array.isArray(d?.results)) return d.results.map((r: { name?: unknown }) => String(r?.name));
  if (Array.isArray(d?.tags)) return d.tags.map(String);
  if (d && typeof d === 'object' && (d.tags === null || d.results === null)) return []; // a repository without tags
  throw new BadGatewayError(`artifact registry '${reg.name}' answered no tag list for '${artifactId}'`);
}

/** The largest value of the policy table's integer columns. */
const MAX_INT32 = 2_147_483_647;

export { COPY_FACILITY };
