import type { HubPaths } from '@ocopea/api';
import { createServiceApp, type ServiceApp } from '@ocopea/service-kit';
import type { Hub } from './domain/hub';
import { hubRoutes } from './http/hub.routes';

export interface HubAppDeps {
  hub: Hub;
  health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** The Hub's HTTP app (used by main.ts and by router tests). */
export function createHubApp(deps: HubAppDeps): ServiceApp<HubPaths> {
  return createServiceApp<HubPaths>({
    name: 'hub',
    spec: 'hub',
    health: deps.health,
    routes: (r) => hubRoutes(r, deps.hub),
  });
}
