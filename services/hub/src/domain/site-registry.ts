// Sites connected to the Hub: adding one (checked by asking it), listing them as the Hub knows them now.
import { randomUUID } from 'node:crypto';
import { BadGatewayError, BadRequestError, ConflictError, NotFoundError, UpstreamError } from '@ocopea/errors';
import { peerError } from './errors';
import type { HubRepository } from './hub-repository';
import type { HubSite } from './model';
import type { SiteGateway } from './site-gateway';
import type { SiteStatusBook } from './site-status';

export class SiteRegistry {
  constructor(
    private readonly store: HubRepository,
    private readonly gateway: SiteGateway,
    private readonly book: SiteStatusBook,
  ) {}

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
    this.book.track(site);
    if (token !== undefined) await this.store.setSiteCredential(site.id, clean, token);
    return site.id;
  }

  async listSites(): Promise<HubSite[]> { return (await this.store.listSites()).map((s) => this.book.view(s)); }

  async getSite(id: string): Promise<HubSite> {
    const s = await this.store.getSite(id);
    if (!s) throw new NotFoundError(`site '${id}' not found`);
    return this.book.view(s);
  }
}
