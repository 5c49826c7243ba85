// SiteGateway over HTTP: `siteClient(url)` for Sites, `crbClient(url)` for CRB-to-CRB transfers. Maps the wire
// types (generated from the specs) to the domain's.
import { crbClient, siteClient, type ApiClientOptions } from '@ocopea/api';
import { orUndefinedOn404, UpstreamError } from '@ocopea/errors';
import type {
  CallOpts, SiteAppCopy, SiteAppInstance, SiteArtifactRegistry, SiteCopyRepo, SiteDeployManifest, SiteDsb, SiteGateway, SiteInfo, SitePsb, TransferResult,
} from '../domain/site-gateway';

export interface HttpGatewayOptions {
  /** Timeout of ordinary Site calls (default 10 000 ms). */
  timeoutMs?: number;
  /** Timeout of one CRB-to-CRB transfer, which answers only when done (default 1 h). */
  transferTimeoutMs?: number;
}

type WireCopy = {
  copyId: string; timeStamp: number; state: SiteAppCopy['state'];
  dataServiceCopies: { copyId: string; dsbUrn: string; bindName: string; repoId?: string | null; facility?: string | null; copyRepositoryURN?: string | null;
    copyRepositoryProtocol?: string | null; copyRepositoryProtocolVersion?: string | null; size?: number; status?: string }[];
};

const toCopy = (c: WireCopy): SiteAppCopy => ({
  copyId: c.copyId, timeStamp: c.timeStamp, state: c.state,
  dataServiceCopies: (c.dataServiceCopies ?? []).map((d) => ({
    copyId: d.copyId, dsbUrn: d.dsbUrn, bindName: d.bindName, repoId: d.repoId ?? null, facility: d.facility ?? null,
    copyRepositoryURN: d.copyRepositoryURN ?? null, copyRepositoryProtocol: d.copyRepositoryProtocol ?? null,
    copyRepositoryProtocolVersion: d.copyRepositoryProtocolVersion ?? null, size: d.size ?? 0, status: d.status ?? 'created',
  })),
});

const toApp = (a: { id: string; name: string; state: SiteAppInstance['state']; stateMessage?: string | null; entryPointURL?: string | null }): SiteAppInstance =>
  ({ id: a.id, name: a.name, state: a.state, stateMessage: a.stateMessage ?? null, entryPointURL: a.entryPointURL ?? null });


export class HttpSiteGateway implements SiteGateway {
  /** Bearer tokens by Site URL, given with add-site (the store keeps them across restarts). */
  private readonly tokens = new Map<string, string>();

  constructor(private readonly o: HttpGatewayOptions = {}) {}

  setToken(url: string, token: string | undefined): void {
    if (token === undefined) this.tokens.delete(url.replace(/\/+$/, '')); else this.tokens.set(url.replace(/\/+$/, ''), token);
  }

  private site(url: string, c?: CallOpts) {
    const token = this.tokens.get(url.replace(/\/+$/, ''));
    const opts: ApiClientOptions = { timeoutMs: c?.timeoutMs ?? this.o.timeoutMs ?? 10_000, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) };
    if (c?.retries !== undefined) opts.retries = c.retries;
    return siteClient(url, opts);
  }

  async info(url: string, c?: CallOpts): Promise<SiteInfo> {
    const { data } = await this.site(url, c).get('/site/info');
    if (!data || typeof data !== 'object') throw new UpstreamError(url, `site/info of ${url} is not a JSON object`, { upstreamStatus: 200 });
    return { name: data.name ?? null, version: data.version ?? null, publicDNS: data.publicDNS ?? null, location: data.location ?? null };
  }
  async listAppInstances(url: string, c?: CallOpts): Promise<SiteAppInstance[]> {
    const { data } = await this.site(url, c).get('/site/app-instance');
    return (data ?? []).map(toApp);
  }
  async getAppInstance(url: string, id: string, c?: CallOpts): Promise<SiteAppInstance | undefined> {
    const r = await orUndefinedOn404(this.site(url, c).get('/site/app-instance/{appInstanceId}', { path: { appInstanceId: id } }));
    return r && toApp(r.data);
  }
  async deployApplication(url: string, manifest: SiteDeployManifest): Promise<void> {
    await this.site(url).post('/site/commands/deploy-application', { body: manifest });
  }
  async createAppCopy(url: string, appInstanceId: string): Promise<string> {
    const { data } = await this.site(url).post('/site/commands/create-app-copy', { body: { appInstanceId } });
    return String(data);
  }
  async getCopy(url: string, copyId: string, c?: CallOpts): Promise<SiteAppCopy | undefined> {
    const r = await orUndefinedOn404(this.site(url, c).get('/site/copy/{copyId}', { path: { copyId } }));
    return r && toCopy(r.data as WireCopy);
  }
  async copyHistory(url: string, appInstanceId: string): Promise<SiteAppCopy[] | undefined> {
    const r = await orUndefinedOn404(this.site(url).get('/site/app-instance/{appInstanceId}/copy-history', { path: { appInstanceId } }));
    return r && (r.data as WireCopy[]).map(toCopy);
  }
  async stopApp(url: string, appInstanceId: string): Promise<void> {
    await this.site(url).post('/site/commands/stop-app', { body: { appInstanceId } });
  }
  async listPsbs(url: string): Promise<SitePsb[]> {
    const { data } = await this.site(url).get('/site/psb-detailed');
    return (data ?? []).map((p) => ({ urn: p.urn, name: p.name, type: p.type, spaces: (p.spaces ?? []).map((s) => ({ name: s.name })) }));
  }
  async dsbCatalog(url: string): Promise<SiteDsb[]> {
    const { data } = await this.site(url).get('/dsb/catalog');
    return (data ?? []).map((d) => ({
      urn: d.urn, name: d.name, type: d.type,
      plans: (d.plans ?? []).map((p) => ({
        id: p.id, name: p.name, dsbSettings: p.dsbSettings ?? null,
        supportedProtocols: (p.supportedProtocols ?? []).map((sp) => ({ protocolName: sp.protocolName, protocolVersion: sp.protocolVersion ?? null })),
      })),
    }));
  }
  async artifactRegistries(url: string): Promise<SiteArtifactRegistry[]> {
    const { data } = await this.site(url).get('/site/artifact-registry');
    return (data ?? []).map((r) => ({ name: r.name, type: r.type }));
  }
  async copyRepos(url: string): Promise<SiteCopyRepo[]> {
    const { data } = await this.site(url).get('/site/copy-repo');
    return (data ?? []).map((r) => ({ urn: r.urn, url: r.url, name: r.name, type: r.type, version: r.version }));
  }
  async grantCopyAccess(url: string, req: { copyRepoURN: string; copyId: string; access: 'read' | 'write' | 'transfer'; repoId?: string }): Promise<{ url: string; repoId: string | null }> {
    const { data } = await this.site(url).post('/site/commands/grant-copy-access', { body: req, idempotent: true });
    return { url: data.url, repoId: data.repoId ?? null };
  }
  async transferCopy(crbUrl: string, copyId: string, req: { targetUrl: string; targetRepoId?: string; targetCopyId?: string }): Promise<TransferResult> {
    const client = crbClient(crbUrl, { timeoutMs: this.o.transferTimeoutMs ?? 3_600_000 });
    const { data } = await client.post('/copies/{copyId}/transfer', { path: { copyId }, body: req });
    return data as TransferResult;
  }
}
