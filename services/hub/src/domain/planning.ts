// Pure functions: template validation, deployment-plan proposal and checking, Site manifest building, entry URLs.
import { BadRequestError } from '@ocopea/errors';
import type { AppPolicy, AppTemplate, DataServicePlan, DeploymentPlan, DependencyProtocol } from './model';
import type { SiteArtifactRegistry, SiteDeployManifest, SiteDsb, SitePsb, SiteRestoreInfo } from './site-gateway';
import { requireName } from './require-name';

/** Validates a template being created (the spec's 400 rules). */
export function validateTemplate(t: Omit<AppTemplate, 'id' | 'deleted'>): void {
  requireName('name', t.name);
  requireName('version', t.version);
  if (!t.appServiceTemplates?.length) throw new BadRequestError('Missing appServiceTemplates (at least one app service)');
  const names = new Set<string>();
  for (const s of t.appServiceTemplates) {
    if (!s.appServiceName) throw new BadRequestError('an app service has no appServiceName');
    if (names.has(s.appServiceName)) throw new BadRequestError(`app service name '${s.appServiceName}' is used twice`);
    names.add(s.appServiceName);
    const deps = new Set<string>();
    for (const d of s.dependencies) {
      if (!d.name) throw new BadRequestError(`a dependency of app service '${s.appServiceName}' has no name`);
      if (deps.has(d.name)) throw new BadRequestError(`dependency '${d.name}' of app service '${s.appServiceName}' is listed twice`);
      deps.add(d.name);
    }
  }
  if (t.entryPointServiceName != null && !names.has(t.entryPointServiceName)) {
    throw new BadRequestError(`entryPointServiceName '${t.entryPointServiceName}' is not one of the app services`);
  }
}

/** Dotted-number comparison; undefined when either side is not a dotted number. */
export function compareVersions(a: string, b: string): number | undefined {
  const pa = a.trim().split('.'), pb = b.trim().split('.');
  if (![...pa, ...pb].every((x) => /^\d+$/.test(x))) return undefined;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Does a plan protocol satisfy a dependency protocol? Names match case-insensitively; when the dependency states a
 * version and both versions are dotted numbers, the plan's must be at least that (a minimum version). Otherwise
 * versions are not evaluated (as in orcs); conditions never are.
 */
export function protocolMatches(dep: DependencyProtocol, p: { protocolName: string; protocolVersion: string | null }): boolean {
  if (dep.protocolName.toLowerCase() !== p.protocolName.toLowerCase()) return false;
  if (dep.version && p.protocolVersion) {
    const c = compareVersions(p.protocolVersion, dep.version);
    if (c !== undefined && c < 0) return false;
  }
  return true;
}

/** What a Site offers, as read for planning. */
export interface SiteOffer {
  psbs: SitePsb[];
  dsbs: SiteDsb[];
  registries: SiteArtifactRegistry[];
}

/**
 * Proposes a plan for `template` on a Site (create-app-deployment-plan). Deterministic: DSBs are considered in URN
 * order and, within a DSB, plans in the order the DSB declares them; for each dependency its protocols are tried
 * in order of preference and the first (DSB, plan, protocol) that matches wins. PSB: the first PSB of the Site
 * (in the Site's order, which is the one it deploys with) whose type equals the service's `psbType`
 * (case-insensitive); space `Orcs` (case-insensitive) else that PSB's first space. Registry: the Site's first.
 */
export function proposePlan(template: AppTemplate, offer: SiteOffer): DeploymentPlan {
  const plan: DeploymentPlan = { appServices: {}, dataServices: {} };
  const registry = offer.registries[0]?.name;
  const dsbs = [...offer.dsbs].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  for (const svc of template.appServiceTemplates) {
    const psb = offer.psbs.find((p) => p.type.toLowerCase() === (svc.psbType ?? '').toLowerCase());
    const space = psb ? (psb.spaces.find((s) => s.name.toLowerCase() === 'orcs') ?? psb.spaces[0])?.name ?? 'default' : undefined;
    plan.appServices[svc.appServiceName] = {
      enabled: true,
      ...(space !== undefined ? { space } : {}),
      ...(registry !== undefined ? { artifactRegistryName: registry } : {}),
      ...(svc.imageVersion !== undefined ? { imageVersion: svc.imageVersion } : {}),
      psbUrn: psb?.urn ?? null,
    };
    for (const dep of svc.dependencies) {
      if (plan.dataServices[dep.name]?.enabled) continue;
      let chosen: DataServicePlan | undefined;
      for (const want of dep.protocols ?? []) {
        for (const dsb of dsbs) {
          for (const p of dsb.plans) {
            const proto = p.supportedProtocols.find((sp) => protocolMatches(want, sp));
            if (proto) { chosen = { enabled: true, dsbUrn: dsb.urn, planId: p.id, protocol: proto.protocolName, dsbSettings: { ...(p.dsbSettings ?? {}) } }; break; }
          }
          if (chosen) break;
        }
        if (chosen) break;
      }
      plan.dataServices[dep.name] = chosen ?? { enabled: false, dsbUrn: null, planId: null, protocol: null, dsbSettings: null };
    }
  }
  return plan;
}

/**
 * Checks that `plan` fits `template` (deploy-application's 400 rules): every app service has an entry; every
 * dependency of an enabled app service has an enabled data-service entry with a DSB, a plan, and a protocol that
 * is one of the dependency's protocol names (case-insensitive).
 */
export function checkPlan(template: AppTemplate, plan: DeploymentPlan): void {
  for (const svc of template.appServiceTemplates) {
    const sp = plan.appServices?.[svc.appServiceName];
    if (!sp) throw new BadRequestError(`deploymentPlan has no appServices entry for app service '${svc.appServiceName}'`);
    if (!sp.enabled) continue;
    for (const dep of svc.dependencies) {
      const dp = plan.dataServices?.[dep.name];
      if (!dp) throw new BadRequestError(`deploymentPlan has no dataServices entry for '${dep.name}' (needed by '${svc.appServiceName}')`);
      if (!dp.enabled) throw new BadRequestError(`data service '${dep.name}' is disabled in the plan but '${svc.appServiceName}' depends on it`);
      if (!dp.dsbUrn || !dp.planId) throw new BadRequestError(`data service '${dep.name}' has no dsbUrn/planId in the plan`);
      const names = (dep.protocols ?? []).map((p) => p.protocolName.toLowerCase());
      if (names.length && (!dp.protocol || !names.includes(dp.protocol.toLowerCase()))) {
        throw new BadRequestError(`protocol '${dp.protocol ?? ''}' of data service '${dep.name}' is none of its dependency's protocols (${names.join(', ')})`);
      }
    }
  }
  if (!template.appServiceTemplates.some((s) => plan.appServices[s.appServiceName]?.enabled)) {
    throw new BadRequestError('deploymentPlan enables no app service');
  }
}

/** Bind names of the data services the enabled app services depend on, in template order. */
export function usedDataServices(template: AppTemplate, plan: DeploymentPlan): string[] {
  const out: string[] = [];
  for (const s of template.appServiceTemplates) {
    if (!plan.appServices[s.appServiceName]?.enabled) continue;
    for (const d of s.dependencies) if (!out.includes(d.name)) out.push(d.name);
  }
  return out;
}

/** Builds the Site's deploy-application body. `restore` maps bind names to restore information. */
export function buildManifest(args: {
  appInstanceId: string; appInstanceName: string; template: AppTemplate; plan: DeploymentPlan; policies: AppPolicy[];
  restore?: Record<string, SiteRestoreInfo>;
}): SiteDeployManifest {
  const { template, plan } = args;
  const m: SiteDeployManifest = {
    appInstanceId: args.appInstanceId, appInstanceName: args.appInstanceName, appTemplateName: template.name,
    appTemplateVersion: template.version, entryPointService: template.entryPointServiceName,
    appServiceTemplates: {}, dataServices: {},
    appPolicies: args.policies.filter((p) => p.policyType).map((p) => ({ policyType: p.policyType!, policyName: p.policyName ?? null, policySettings: p.policySettings ?? {} })),
  };
  const enforced: Record<string, Record<string, string>> = {};
  for (const svc of template.appServiceTemplates) {
    const sp = plan.appServices[svc.appServiceName];
    if (!sp?.enabled) continue;
    m.appServiceTemplates[svc.appServiceName] = {
      appServiceName: svc.appServiceName, psbType: svc.psbType ?? '', space: sp.space ?? '', artifactRegistryName: sp.artifactRegistryName ?? '',
      imageName: svc.imageName ?? '', imageType: svc.imageType ?? null, imageVersion: sp.imageVersion ?? svc.imageVersion ?? '',
      psbSettings: { ...(svc.psbSettings ?? {}), ...(sp.psbSettings ?? {}) }, environmentVariables: { ...(svc.environmentVariables ?? {}) },
      route: encodeURIComponent(args.appInstanceName), exposedPorts: svc.exposedPorts, httpPort: svc.httpPort ?? null,
      dependencies: svc.dependencies.map((d) => d.name),
    };
    for (const dep of svc.dependencies) {
      const dp = plan.dataServices[dep.name];
      const proto = (dep.protocols ?? []).find((p) => p.protocolName.toLowerCase() === (dp?.protocol ?? '').toLowerCase());
      enforced[dep.name] = { ...(enforced[dep.name] ?? {}), ...(proto?.settings ?? {}) };
    }
  }
  for (const name of usedDataServices(template, plan)) {
    const dp = plan.dataServices[name];
    // The plan's settings are kept and the template-enforced protocol settings laid over them (orcs dropped the former).
    m.dataServices[name] = {
      dataServiceName: name, dsbUrn: dp.dsbUrn!, plan: dp.planId!, dsbSettings: { ...(dp.dsbSettings ?? {}), ...(enforced[name] ?? {}) },
      restoreInfo: args.restore?.[name] ?? null,
    };
  }
  return m;
}

/** The entry point path of a template (its entry point service's `entryPointURL`), '' when none. */
export function entryPointPath(template: AppTemplate): string {
  const svc = template.appServiceTemplates.find((s) => s.appServiceName === template.entryPointServiceName);
  return svc?.entryPointURL ?? '';
}

/**
 * Web entry URL of a running instance: the Site's `entryPointURL` with `{siteURL}` replaced by the Site's public
 * DNS (its host name when it is a URL, as the fallback to the Site URL is), then `/` and the entry point path, without a double `//`. Null when the Site reports no entry URL.
 */
export function webEntryUrl(siteEntryPointURL: string | null, publicDns: string | null, path: string): string | null {
  if (!siteEntryPointURL) return null;
  // The fallback public DNS is the Site URL: substitute its host name, not the whole URL.
  let dns = publicDns;
  if (dns && /^[a-z][a-z0-9+.-]*:\/\//i.test(dns)) { try { dns = new URL(dns).hostname; } catch { /* keep as is */ } }
  const base = dns ? siteEntryPointURL.split('{siteURL}').join(dns) : siteEntryPointURL;
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}
