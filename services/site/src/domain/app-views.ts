// The applications on this Site, as recorded.
import { mustApp, type SiteRepository } from './site-repository';
import type { AppInstance } from './types';

export class AppViews {
  constructor(private readonly store: SiteRepository) {}

  async getApp(id: string): Promise<AppInstance> { return mustApp(this.store, id); }
  listApps(): Promise<AppInstance[]> { return this.store.listApps(); }

  async logTags(id: string): Promise<string[]> {
    const app = await mustApp(this.store, id);
    return [...app.appServices.map((s) => s.name), ...app.dataServices.map((d) => d.bindName)];
  }
}
