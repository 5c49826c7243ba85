import { OperationEngine, operationMigrations } from '@ocopea/operations';
import { openSqlDb, type SqlDb } from '@ocopea/sql-store';
import { HttpSiteGateway } from './peers/http-site-gateway';
import { defaultHubConfig, type HubConfig } from './domain/config';
import { createHub, type Hub } from './domain/hub';
import { registerKinds } from './engine/kinds';
import type { SiteGateway } from './domain/site-gateway';
import { SiteStatusBook } from './domain/site-status';
import { HubStore, hubMigrations } from './store/hub-store';

export interface HubComposeConfig {
  /** PostgreSQL URL (tables in schema `hub`); absent = embedded PGlite in `dataDir` (in memory when that is absent too). */
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL schema of the Hub's tables (default `hub`; tests use a unique one). */
  schema?: string;
  hub?: Partial<HubConfig>;
  /** Interval of the background refresher of site states in ms (0 = off: tests call `hub.refresher.refresh()`). */
  refreshIntervalMs?: number;
  /** Finished operations older than this are purged (default 7 days). */
  operationRetentionMs?: number;
  /** Defaults to the HTTP gateway. */
  gateway?: SiteGateway;
  /** Site call timeout for commands (default 10 000 ms). */
  siteCallTimeoutMs?: number;
  transferTimeoutMs?: number;
}

export interface ComposedHub {
  hub: Hub;
  db: SqlDb;
  engine: OperationEngine;
  store: HubStore;
  config: HubConfig;
  /** Starts the operation engine (resuming open work), the site refresher and the purge of old operations. */
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
  const book = new SiteStatusBook(store);
  await book.load();
  registerKinds({ store, gateway, engine, config, book });
  const hub = createHub({ store, gateway, engine, config, book });
  const retention = c.operationRetentionMs ?? 7 * 24 * 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let purger: NodeJS.Timeout | undefined;
  let beat: Promise<unknown> | undefined;
  return {
    hub, db, engine, store, config,
    async start() {
      await engine.start();
      if (c.refreshIntervalMs) {
        beat = Promise.all([hub.refresher.refresh(), store.purgeOperations(Date.now() - retention).catch(() => undefined)]);
        timer = setInterval(() => { beat = hub.refresher.refresh(); }, c.refreshIntervalMs);
        timer.unref();
        // Hourly: a purge is a write, and the embedded store syncs to disk after every statement.
        purger = setInterval(() => { beat = store.purgeOperations(Date.now() - retention).catch(() => undefined); }, 3_600_000);
        purger.unref();
      }
    },
    async close() {
      clearInterval(timer);
      clearInterval(purger);
      await beat;
      await hub.refresher.idle();
      await engine.stop();
      await db.close();
    },
  };
}
