// An in-memory SiteGateway: Sites with brokers, apps and copies, and CRBs that hold data-service copies, so the
// Hub's flows (deploy, copy, restore, cross-site transfer) can be checked without processes.
import { randomUUID } from 'node:crypto';
import { UpstreamError } from '@ocopea/errors';
import type {
  CallOpts, SiteAppCopy, SiteAppInstance, SiteArtifactRegistry, SiteCopyRepo, SiteDeployManifest, SiteDsb, SiteGateway, SiteInfo, SitePsb, TransferResult,
} from '../src/domain/site-gateway';

export interface FakeApp { manifest: SiteDeployManifest; state: SiteAppInstance['state']; stateMessage: string | null; polls: number }
export interface FakeCopy extends SiteAppCopy { appInstanceId: string; polls: number }

export class FakeSite {
  info: SiteInfo;
  psbs: SitePsb[] = [{ urn: 'psb-1', name: 'psb-1', type: 'process', spaces: [{ name: 'default' }] }];
  dsbs: SiteDsb[] = [{ urn: 'dsb-fs', name: 'dsb-fs', type: 'fs', plans: [{ id: 'standard', name: 'Standard', supportedProtocols: [{ protocolName: 'fs', protocolVersion: '1.0' }], dsbSettings: { quota: '10' } }] }];
  registries: SiteArtifactRegistry[] = [{ name: 'local', type: 'customRest' }];
  copyRepos: SiteCopyRepo[];
  apps = new Map<string, FakeApp>();
  copies = new Map<string, FakeCopy>();
  /** Unreachable: every call fails like a refused connection. */
  down = false;
  /** Polls of an app answered `deploying` before it turns `running` (or `finalState`). */
  deployPolls = 1;
  finalState: SiteAppInstance['state'] = 'running';
  /** Error a deploy-application answers with (status) instead of accepting. */
  deployStatus?: number;
  /** Error GET site/info answers with (status), e.g. 404 when the URL is not a Site. */
  infoStatus?: number;

  constructor(readonly url: string, readonly crbUrl: string, name: string) {
    this.info = { name, version: '1', publicDNS: null, location: null };
    this.copyRepos = [{ urn: `crb-${name}`, url: crbUrl, name: `crb-${name}`, type: 'fs', version: '1' }];
  }
}

export class FakeSiteGateway implements SiteGateway {
  readonly sites = new Map<string, FakeSite>();
  /** CRB URL → data-service copy ids it holds. */
  readonly crbs = new Map<string, Set<string>>();
  /** Every mutating call, in order (`deploy <siteUrl> <instanceName>`, `transfer <src> -> <dst> <copyId>`, ...). */
  readonly calls: string[] = [];

  addSite(name: string): FakeSite {
    const s = new FakeSite(`http://${name}.test/site-api`, `http://crb-${name}.test/crb`, name);
    this.sites.set(s.url, s);
    this.crbs.set(s.crbUrl, new Set());
    return s;
  }

  private site(url: string): FakeSite {
    const s = this.sites.get(url);
    if (!s || s.down) throw new UpstreamError(url, `${url} failed: ECONNREFUSED`, {});
    return s;
  }

  async info(url: string, _o?: CallOpts): Promise<SiteInfo> {
    const s = this.site(url);
    if (s.infoStatus) throw new UpstreamError(url, `GET ${url}/site/info answered ${s.infoStatus}: no such route`, { upstreamStatus: s.infoStatus });
    return s.info;
  }

  async listAppInstances(url: string): Promise<SiteAppInstance[]> {
    const s = this.site(url);
    return [...s.apps.keys()].map((id) => this.view(s, id));
  }

  private view(s: FakeSite, id: string): SiteAppInstance {
    const a = s.apps.get(id)!;
    return { id, name: a.manifest.appInstanceName, state: a.state, stateMessage: a.stateMessage, entryPointURL: a.state === 'running' ? `http://{siteURL}:7000/${a.manifest.appInstanceName}/` : null };
  }

  async getAppInstance(url: string, id: string): Promise<SiteAppInstance | undefined> {
    const s = this.site(url);
    const a = s.apps.get(id);
    if (!a) return undefined;
    if (a.state === 'deploying' && ++a.polls >= s.deployPolls) a.state = s.finalState;
    if (a.state === 'stopping') a.state = 'stopped';
    return this.view(s, id);
  }

  async deployApplication(url: string, manifest: SiteDeployManifest): Promise<void> {
    const s = this.site(url);
    if (s.deployStatus) throw new UpstreamError(url, `deploy answered ${s.deployStatus}`, { upstreamStatus: s.deployStatus });
    if (s.apps.has(manifest.appInstanceId)) throw new UpstreamError(url, 'exists', { upstreamStatus: 409 });
    this.calls.push(`deploy ${s.info.name} ${manifest.appInstanceName}`);
    // A restore must name a CRB registered on this Site that holds the copy (what a real DSB would pull).
    let state: SiteAppInstance['state'] = 'deploying';
    let msg: string | null = null;
    for (const [bind, ds] of Object.entries(manifest.dataServices)) {
      if (!ds.restoreInfo) continue;
      const crb = s.copyRepos.find((c) => c.urn === ds.restoreInfo!.copyRepoUrn);
      if (!crb || !this.crbs.get(crb.url)?.has(ds.restoreInfo.copyId)) { state = 'error'; msg = `restore of ${bind}: copy ${ds.restoreInfo.copyId} not in ${ds.restoreInfo.copyRepoUrn}`; }
    }
    s.apps.set(manifest.appInstanceId, { manifest, state, stateMessage: msg, polls: 0 });
  }

  async createAppCopy(url: string, appInstanceId: string): Promise<string> {
    const s = this.site(url);
    const a = s.apps.get(appInstanceId);
    if (!a) throw new UpstreamError(url, 'no such app', { upstreamStatus: 404 });
    if (a.state !== 'running') throw new UpstreamError(url, 'not running', { upstreamStatus: 409 });
    const crb = s.copyRepos[0];
    const copyId = randomUUID();
    const dataServiceCopies = Object.entries(a.manifest.dataServices).map(([bind, ds]) => {
      const id = randomUUID();
      this.crbs.get(crb.url)!.add(id);
      return { copyId: id, dsbUrn: ds.dsbUrn, bindName: bind, repoId: 'default', facility: 'shpanCopy', copyRepositoryURN: crb.urn,
        copyRepositoryProtocol: 'shpanRest', copyRepositoryProtocolVersion: '1.0', size: 10, status: 'created' };
    });
    s.copies.set(copyId, { copyId, timeStamp: Date.now(), state: 'creating', dataServiceCopies, appInstanceId, polls: 0 });
    this.calls.push(`copy ${s.info.name} ${a.manifest.appInstanceName}`);
    return copyId;
  }

  async getCopy(url: string, copyId: string): Promise<SiteAppCopy | undefined> {
    const c = this.site(url).copies.get(copyId);
    if (!c) return undefined;
    if (c.state === 'creating' && ++c.polls >= 1) c.state = 'created';
    return c;
  }

  async copyHistory(url: string, appInstanceId: string): Promise<SiteAppCopy[] | undefined> {
    const s = this.site(url);
    if (!s.apps.has(appInstanceId)) return undefined;
    return [...s.copies.values()].filter((c) => c.appInstanceId === appInstanceId);
  }

  async stopApp(url: string, appInstanceId: string): Promise<void> {
    const s = this.site(url);
    const a = s.apps.get(appInstanceId);
    if (!a) throw new UpstreamError(url, 'no such app', { upstreamStatus: 404 });
    this.calls.push(`stop ${s.info.name} ${a.manifest.appInstanceName}`);
    if (a.state !== 'stopped') a.state = 'stopping';
  }

  async listPsbs(url: string) { return this.site(url).psbs; }
  async dsbCatalog(url: string) { return this.site(url).dsbs; }
  async artifactRegistries(url: string) { return this.site(url).registries; }
  async copyRepos(url: string) { return this.site(url).copyRepos; }

  /** Like a Site whose CRBs offer no grants: the plain CRB URL. */
  async grantCopyAccess(url: string, req: { copyRepoURN: string; copyId: string; access: string }): Promise<{ url: string; repoId: string | null }> {
    const s = this.site(url);
    const crb = s.copyRepos.find((c) => c.urn === req.copyRepoURN);
    if (!crb) throw new UpstreamError(url, `no CRB '${req.copyRepoURN}'`, { upstreamStatus: 400 });
    this.calls.push(`grant ${req.access} ${req.copyRepoURN} ${req.copyId}`);
    return { url: crb.url, repoId: req.access === 'write' ? 'default' : null };
  }
  async transferCopy(crbUrl: string, copyId: string, req: { targetUrl: string; targetCopyId?: string }): Promise<TransferResult> {
    const src = this.crbs.get(crbUrl);
    if (!src) throw new UpstreamError(crbUrl, 'ECONNREFUSED', {});
    if (!src.has(copyId)) throw new UpstreamError(crbUrl, 'no such copy', { upstreamStatus: 404 });
    const dst = this.crbs.get(req.targetUrl);
    if (!dst) throw new UpstreamError(crbUrl, 'target unreachable', { upstreamStatus: 502 });
    const targetCopyId = req.targetCopyId ?? copyId;
    dst.add(targetCopyId);
    this.calls.push(`transfer ${crbUrl} -> ${req.targetUrl} ${copyId}`);
    return { copyId, targetUrl: req.targetUrl, targetRepoId: 'default', targetCopyId, size: 10, sha256: 'x' };
  }
}
