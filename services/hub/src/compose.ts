import { OperationEngine, operationMigrations } from '@ocopea/operations';
import { openSqlDb, type SqlDb } from '@ocopea/sql-store';
import { HttpSiteGateway } from './adapters/http-site-gateway';
import { defaultHubConfig, type HubConfig } from './domain/config';
import { HubService } from './domain/hub-service';
import type { SiteGateway } from './domain/site-gateway';
import { HubStore, hubMigrations } from './store/hub-store';

export interface HubComposeConfig {
  /** PostgreSQL URL (tables in schema `hub`); absent = embedded PGlite in `dataDir` (in memory when that is absent too). */
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL schema of the Hub's tables (default `hub`; tests use a unique one). */
  schema?: string;
  hub?: Partial<HubConfig>;
  /** Interval of the background site probe in ms (0 = off); finished operations are purged on the same beat. */
  probeIntervalMs?: number;
  /** Finished operations older than this are purged (default 7 days). */
  operationRetentionMs?: number;
  /** Defaults to the HTTP gateway. */
  gateway?: SiteGateway;
  /** Site call timeout for commands (default 10 000 ms). */
  siteCallTimeoutMs?: number;
  transferTimeoutMs?: number;
}

export interface ComposedHub {
  hub: HubService;
  db: SqlDb;
  engine: OperationEngine;
  store: HubStore;
  config: HubConfig;
  /** Starts the operation engine (resuming open work) and the site prober. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function composeHub(c: HubComposeConfig): Promise<ComposedHub> {
  const db = await openSqlDb({ databaseUrl: c.databaseUrl, embeddedDir: c.dataDir, schema: c.schema ?? 'hub', migrations: [...operationMigrations, ...hubMigrations] });
  const config: HubConfig = { ...defaultHubConfig, ...c.hub };
  const store = new HubStore(db);
  const engine = new OperationEngine(db, { exclusive: !c.databaseUrl, leaseMs: 3000, concurrency: 32 });
  const gateway = c.gateway ?? new HttpSiteGateway({ timeoutMs: c.siteCallTimeoutMs, transferTimeoutMs: c.transferTimeoutMs });
  for (const cr of await store.listSiteCredentials()) gateway.setToken?.(cr.url, cr.token);
  const hub = new HubService(store, gateway, engine, config);
  let timer: NodeJS.Timeout | undefined;
  let probing: Promise<void> | undefined;
  return {
    hub, db, engine, store, config,
    async start() {
      await engine.start();
      if (c.probeIntervalMs) {
        const retention = c.operationRetentionMs ?? 7 * 24 * 3_600_000;
        timer = setInterval(() => {
          probing ??= Promise.all([hub.probeSites(), store.purgeOperations(Date.now() - retention)])
            .then(() => undefined, () => undefined).finally(() => { probing = undefined; });
        }, c.probeIntervalMs);
        timer.unref();
      }
    },
    async close() {
      clearInterval(timer);
      await probing;
      await engine.stop();
      await db.close();
    },
  };
}
