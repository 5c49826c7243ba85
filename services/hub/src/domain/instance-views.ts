// Read views of app instances across Sites. Answered from the store and the status book at once: no Site call, no
// write (the background refresher and the operations keep what they read current).
import { mustInstance, type HubRepository } from './hub-repository';
import type { AppInstance } from './model';
import type { SiteStatusBook } from './site-status';

export interface InstanceView extends AppInstance {
  siteReachable: boolean;
  /** When the instance's Site last answered the Hub (epoch ms), null if never. */
  asOf: number | null;
}
export interface DownstreamTree { siteId: string; appInstanceId: string; deploymentType: string | null; downStreamInstances: DownstreamTree[] }

export class InstanceViews {
  constructor(
    private readonly store: HubRepository,
    private readonly book: SiteStatusBook,
  ) {}

  /** Every instance with its state as last confirmed by its Site (both the `instance` and `instance-state` views). */
  async listInstances(): Promise<InstanceView[]> {
    return (await this.store.listInstances()).map((i) => this.view(i));
  }

  async getInstance(id: string): Promise<InstanceView> {
    return this.view(await mustInstance(this.store, id));
  }

  async downstream(id: string): Promise<DownstreamTree> {
    const root = await mustInstance(this.store, id);
    const build = async (i: AppInstance, seen: Set<string>): Promise<DownstreamTree> => {
      seen.add(i.id);
      const kids = (await this.store.listChildren(i.id)).filter((k) => !seen.has(k.id));
      return { siteId: i.siteId, appInstanceId: i.id, deploymentType: i.deploymentType, downStreamInstances: await Promise.all(kids.map((k) => build(k, seen))) };
    };
    return build(root, new Set());
  }

  private view(i: AppInstance): InstanceView {
    return { ...i, siteReachable: this.book.reachable(i.siteId), asOf: this.book.lastSeen(i.siteId) };
  }
}
