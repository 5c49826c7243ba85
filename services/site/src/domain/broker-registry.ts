// The brokers this Site knows: registering and removing DSBs, PSBs and CRBs (with their credentials), scoped copy
// grants at a CRB, repositories at a CRB, and the broker catalog views.
import { randomUUID } from 'node:crypto';
import { COPY_PROTOCOL, COPY_PROTOCOL_VERSION } from '@ocopea/api';
import { BadRequestError, ConflictError, NotFoundError, translatePeerFailure, UnavailableError } from '@ocopea/errors';
import { NotABrokerError, type Brokers } from './brokers';
import { requireText, requireUrl, trimUrl } from './input-checks';
import { mustCrb, type SiteRepository } from './site-repository';
import type { CrbRecord, DsbRecord, PsbRecord } from './types';

export class BrokerRegistry {
  constructor(
    private readonly store: SiteRepository,
    private readonly brokers: Brokers,
  ) {}

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
    const crb = await mustCrb(this.store, crbUrn);
    const id = randomUUID();
    const protocol = props.addr
      ? { protocol: 'nfs', version: '4.1', endpoint: { addr: props.addr, endPointAdditionalInfo: {} },
        credentials: { user: props.user ?? '', password: props.password ?? '', credentialsAdditionalInfo: {} }, copyLocation: { path: props.addr, copyLocationAdditionalInfo: {} } }
      : { protocol: COPY_PROTOCOL, version: COPY_PROTOCOL_VERSION, endpoint: { addr: crb.url, endPointAdditionalInfo: {} }, credentials: { credentialsAdditionalInfo: {} } };
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
}

/** Maps broker failures at registration: not a broker of that kind → 400; unreachable or error → 503. */
async function brokerCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try { return await fn(); } catch (err) {
    if (err instanceof NotABrokerError) throw new BadRequestError(err.message);
    // Whatever else went wrong, the broker cannot be used now: 503 (the orcs Site's answer), its message quoted.
    throw translatePeerFailure(err, { unreachable: 503, otherwise: 503, keepOurs: false, message: (_f, detail) => `failed connecting to ${what}: ${detail}` });
  }
}
