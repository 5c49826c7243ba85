// Deploying an application (validated and recorded here, the work is the engine's `deploy`) and stopping it.
import { currentPrincipal } from '@ocopea/api';
import { BadRequestError, ConflictError } from '@ocopea/errors';
import type { OperationEngine } from '@ocopea/operations';
import { dataServiceId, DSB_ID_PATTERN, psbAppServiceIds } from './ids';
import { requireText } from './input-checks';
import type { DeployInput, StopInput } from './operation-inputs';
import { mustApp, type SiteRepository } from './site-repository';
import type { AppInstance, AppServiceRec, DataServiceRec, PolicySpec, PsbRecord, RestoreInfo } from './types';

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

export class Deployments {
  constructor(
    private readonly store: SiteRepository,
    private readonly engine: OperationEngine,
  ) {}

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
    const op = await this.engine.submit<DeployInput>('deploy', app.id, { appInstanceId: app.id, startedBy: currentPrincipal() });
    return op.id;
  }

  /** Starts stopping (or names the stop already under way); returns the operation id. */
  async stop(appInstanceId: string): Promise<string | undefined> {
    const app = await mustApp(this.store, appInstanceId);
    if (app.state === 'stopping' || app.state === 'stopped') {
      return (await this.engine.list({ subject: appInstanceId, kind: 'stop', limit: 1 }))[0]?.id;
    }
    if (!(await this.store.setAppState(appInstanceId, 'stopping', null, { from: [app.state] }))) return this.stop(appInstanceId);
    const op = await this.engine.submit<StopInput>('stop', appInstanceId, { appInstanceId, startedBy: currentPrincipal() });
    return op.id;
  }
}

/** The largest value of the policy table's integer columns. */
const MAX_INT32 = 2_147_483_647;
