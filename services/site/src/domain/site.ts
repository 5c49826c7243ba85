// The Site's domain, one module per job. compose.ts builds it; the routers call into its parts.
import type { OperationEngine } from '@ocopea/operations';
import { AppCopies } from './app-copies';
import { AppViews } from './app-views';
import { ArtifactRegistries } from './artifact-registries';
import { BrokerRegistry } from './broker-registry';
import type { Brokers } from './brokers';
import type { SiteConfig } from './config';
import { Deployments } from './deployments';
import { OperationViews } from './operation-views';
import { Reconciler } from './reconciler';
import type { SiteRepository } from './site-repository';

export interface Site {
  config: SiteConfig;
  brokers: BrokerRegistry;
  registries: ArtifactRegistries;
  deployments: Deployments;
  copies: AppCopies;
  apps: AppViews;
  operations: OperationViews;
  /** Run once at start (compose.ts), after the engine started. */
  reconciler: Reconciler;
}

export interface SiteDeps { store: SiteRepository; brokers: Brokers; engine: OperationEngine; config: SiteConfig }

export function createSite({ store, brokers, engine, config }: SiteDeps): Site {
  return {
    config,
    brokers: new BrokerRegistry(store, brokers),
    registries: new ArtifactRegistries(store),
    deployments: new Deployments(store, engine),
    copies: new AppCopies(store, brokers, engine),
    apps: new AppViews(store),
    operations: new OperationViews(engine),
    reconciler: new Reconciler(store, engine),
  };
}
