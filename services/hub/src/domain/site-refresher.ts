// The Hub's background view of its Sites: asks each Site for its instances and records what it says, so that the
// Hub's views answer from the store at once and never wait on a Site.
import type { HubConfig } from './config';
import { forEachBounded, withTimeout } from './concurrency';
import { hubStateOf } from './operation-inputs';
import type { AppInstance, HubSite, InstanceState } from './model';
import { webEntryUrl } from './planning';
import type { SiteAppInstance, SiteGateway } from './site-gateway';
import type { SiteStatusBook } from './site-status';

/** The part of the store the refresher reads and writes. */
export interface RefresherStore {
  listSites(): Promise<HubSite[]>;
  listInstances(): Promise<AppInstance[]>;
  setInstanceState(id: string, state: InstanceState, o?: { message?: string | null; url?: string | null }): Promise<unknown>;
}

export class SiteRefresher {
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: RefresherStore,
    private readonly gateway: SiteGateway,
    private readonly book: SiteStatusBook,
    private readonly config: Pick<HubConfig, 'siteTimeoutMs' | 'refreshConcurrency'>,
  ) {}

  /**
   * One pass over every Site: `GET site/app-instance` within the per-site timeout, at most `refreshConcurrency` in
   * flight. A call made while a pass runs joins that pass (so a slow pass never stacks up behind the interval).
   */
  refresh(): Promise<void> {
    // Never rejects: a pass that cannot read the store is retried by the next one (the views keep what they had).
    this.running ??= this.pass().catch(() => undefined).finally(() => { this.running = undefined; });
    return this.running;
  }

  /** Resolves when no pass is running (at close). */
  async idle(): Promise<void> { await this.running; }

  private async pass(): Promise<void> {
    const [sites, instances] = await Promise.all([this.store.listSites(), this.store.listInstances()]);
    const bySite = new Map<string, AppInstance[]>();
    for (const i of instances) if (i.state !== 'stopped') bySite.set(i.siteId, [...(bySite.get(i.siteId) ?? []), i]);
    await forEachBounded(sites, this.config.refreshConcurrency, async (site) => {
      let apps: SiteAppInstance[];
      try {
        const t = this.config.siteTimeoutMs;
        apps = await withTimeout(this.gateway.listAppInstances(site.url, { timeoutMs: t, retries: 0 }), t);
      } catch {
        await this.book.lost(site.id).catch(() => undefined);
        return;
      }
      await this.book.confirmed(site.id).catch(() => undefined);
      const byId = new Map(apps.map((a) => [a.id, a]));
      for (const i of bySite.get(site.id) ?? []) {
        const app = byId.get(i.id);
        if (app) await applySiteState(this.store, i, app, site).catch(() => undefined);
      }
    });
  }
}

/** Takes a Site-reported state into the Hub record; writes only when it changes what the Hub shows. */
export async function applySiteState(store: Pick<RefresherStore, 'setInstanceState'>, i: AppInstance, app: SiteAppInstance, site: HubSite): Promise<void> {
  const state = hubStateOf(app.state);
  if (state === i.state && (state !== 'running' || i.webEntryPointURL)) return;
  const url = state === 'running' ? webEntryUrl(app.entryPointURL, site.publicDns ?? site.url, i.entryPointPath) : state === 'stopped' ? null : undefined;
  const msg = state === 'error' || state === 'unknown' ? app.stateMessage : null;
  await store.setInstanceState(i.id, state, { message: msg, url });
}
