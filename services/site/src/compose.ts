import { OperationEngine } from '@ocopea/operations';
import { openSqlDb, type SqlDb } from '@ocopea/sql-store';
import { HttpBrokers } from './peers/http-brokers';
import type { Brokers } from './domain/brokers';
import { WaitTracker } from './domain/wait-tracker';
import { LogBus } from './domain/log-bus';
import type { SiteConfig } from './domain/config';
import { createSite, type Site } from './domain/site';
import { DEFAULT_WORK_SETTINGS, type WorkContext, type WorkSettings } from './engine/context';
import { copyKind, protectKind } from './engine/copy';
import { DataServiceWatch } from './engine/data-watch';
import { deployKind } from './engine/deploy';
import { ProtectionScheduler } from './engine/scheduler';
import { stopKind } from './engine/stop';
import { siteMigrations } from './store/migrations';
import { SiteStore } from './store/site-store';

export interface ComposeOptions {
  config: SiteConfig;
  /** PostgreSQL URL (schema `site`); else the embedded store in `dataDir` (in memory when both absent). */
  databaseUrl?: string;
  dataDir?: string;
  schema?: string;
  /** Broker clients (tests pass in-memory fakes). */
  brokers?: Brokers;
  tracker?: WaitTracker;
  settings?: Partial<WorkSettings>;
  schedulerTickMs?: number;
  /**
   * How often running applications' data services are checked with their DSBs (gone or ERROR → application `error`):
   * once at start, then every this many ms (default 30 000; 0 = only at start).
   */
  dataServiceCheckMs?: number;
  /** Start the engine and scheduler (default true). */
  start?: boolean;
}

/** Everything the Site is made of. */
export interface SiteParts {
  db: SqlDb; store: SiteStore; engine: OperationEngine; site: Site; bus: LogBus; brokers: Brokers; tracker: WaitTracker;
  scheduler: ProtectionScheduler; work: WorkContext; dataWatch: DataServiceWatch;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function composeSite(o: ComposeOptions): Promise<SiteParts> {
  const db = await openSqlDb({ databaseUrl: o.databaseUrl, embeddedDir: o.dataDir, schema: o.schema ?? 'site', migrations: siteMigrations });
  const store = new SiteStore(db);
  const tracker = o.tracker ?? new WaitTracker();
  const brokers = o.brokers ?? new HttpBrokers(tracker);
  for (const c of await store.listBrokerCredentials()) brokers.setToken?.(c.url, c.token);
  const bus = new LogBus();
  const work: WorkContext = { store, brokers, bus, tracker, settings: { ...DEFAULT_WORK_SETTINGS, ...o.settings } };
  const engine = new OperationEngine(db, { exclusive: !o.databaseUrl, onError: (err, id) => console.error('operation engine', id ?? '', err) });
  engine.register(deployKind(work)).register(copyKind(work)).register(protectKind(work)).register(stopKind(work, () => engine));
  const site = createSite({ store, brokers, engine, config: o.config });
  const scheduler = new ProtectionScheduler(store, engine, o.schedulerTickMs ?? 1000);
  const dataWatch = new DataServiceWatch(work, o.dataServiceCheckMs ?? 30_000);
  let started = false;
  const parts: SiteParts = {
    db, store, engine, site, bus, brokers, tracker, scheduler, work, dataWatch,
    start: async () => {
      if (started) return;
      started = true;
      await engine.start();
      await site.reconciler.reconcile();
      scheduler.start();
      dataWatch.start();
    },
    close: async () => {
      await dataWatch.stop();
      await scheduler.stop();
      if (started) await engine.stop();
      await db.close();
    },
  };
  if (o.start ?? true) await parts.start();
  return parts;
}
