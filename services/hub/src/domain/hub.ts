// The Hub's domain, one module per job. compose.ts builds it; the routers call into its parts.
import type { OperationEngine } from '@ocopea/operations';
import { AppCopies } from './app-copies';
import type { HubConfig } from './config';
import { Deployments } from './deployments';
import type { HubRepository } from './hub-repository';
import { InstanceViews } from './instance-views';
import { OperationViews } from './operation-views';
import { SiteRefresher } from './site-refresher';
import { SiteRegistry } from './site-registry';
import type { SiteGateway } from './site-gateway';
import type { SiteStatusBook } from './site-status';
import { TemplateCatalog } from './template-catalog';

export interface Hub {
  sites: SiteRegistry;
  templates: TemplateCatalog;
  instances: InstanceViews;
  deployments: Deployments;
  copies: AppCopies;
  operations: OperationViews;
  /** Keeps what the views show current; compose.ts runs it on an interval, tests call `refresh()`. */
  refresher: SiteRefresher;
}

export interface HubDeps { store: HubRepository; gateway: SiteGateway; engine: OperationEngine; config: HubConfig; book: SiteStatusBook }

export function createHub({ store, gateway, engine, config, book }: HubDeps): Hub {
  return {
    sites: new SiteRegistry(store, gateway, book),
    templates: new TemplateCatalog(store),
    instances: new InstanceViews(store, book),
    deployments: new Deployments(store, gateway, engine, config),
    copies: new AppCopies(store, gateway, engine),
    operations: new OperationViews(engine),
    refresher: new SiteRefresher(store, gateway, book, config),
  };
}
