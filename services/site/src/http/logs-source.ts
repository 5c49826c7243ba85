import type { SiteRepository } from '../domain/site-repository';

/** What the log socket needs to know about an application (undefined = unknown application). */
export interface SiteMessageSource {
  appServices(appId: string): Promise<{ name: string; psbUrl: string; space: string; psbAppServiceId: string; state: string; appState: string }[] | undefined>;
}

export function storeMessageSource(store: SiteRepository): SiteMessageSource {
  return {
    appServices: async (id) => {
      const app = await store.getApp(id);
      if (!app) return undefined;
      const psbs = new Map((await store.listPsbs()).map((p) => [p.urn, p.url]));
      return app.appServices.map((s) => ({
        name: s.name, psbUrl: psbs.get(s.spec.psbUrn) ?? s.spec.psbUrl, space: s.spec.space, psbAppServiceId: s.spec.psbAppServiceId, state: s.state, appState: app.state,
      }));
    },
  };
}
