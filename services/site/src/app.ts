import type { SitePaths } from '@ocopea/api';
import { createServiceApp, type ServiceApp } from '@ocopea/service-kit';
import type { SiteParts } from './compose';
import { brokerRoutes } from './http/brokers.routes';
import { siteRoutes } from './http/site.routes';

/** The Site's HTTP API over composed parts (used by main and by router tests). */
export function createSiteApp(parts: Pick<SiteParts, 'site' | 'tracker'>): ServiceApp<SitePaths> {
  return createServiceApp<SitePaths>({
    name: 'site',
    spec: 'site',
    // Broker wait time is exposed for `pnpm bench:site` (Site overhead = elapsed − waiting on brokers).
    health: () => ({ brokerWait: parts.tracker.snapshot() }),
    routes: (r) => {
      siteRoutes(r, parts.site);
      brokerRoutes(r, parts.site);
    },
  });
}
