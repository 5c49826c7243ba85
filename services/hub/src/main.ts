// The Hub process. Environment:
//   PORT (default 8090), OCOPEA_DATA_DIR (embedded store; default .data/hub), DATABASE_URL (PostgreSQL, schema `hub`),
//   HUB_SITE_TIMEOUT_MS (per-site timeout of the refresher's calls, 2000), HUB_REFRESH_INTERVAL_MS (how often every Site
//   is asked for its instances, 5000; 0 = off; HUB_PROBE_INTERVAL_MS is its old name), HUB_REFRESH_CONCURRENCY (16),
//   HUB_DEPLOY_TIMEOUT_MS (30 min cap → `unknown`), HUB_SITE_UNREACHABLE_MS (5 min unreachable → `unknown`),
//   HUB_COPY_TIMEOUT_MS (30 min), HUB_POLL_MAX_DELAY_MS (2000), HUB_SITE_CALL_TIMEOUT_MS (10000),
//   HUB_TRANSFER_TIMEOUT_MS (1 h), HUB_OPERATION_RETENTION_MS (finished operations kept, 7 days).
import path from 'node:path';
import { envNumber, runService, serviceDataDir, servicePort } from '@ocopea/service-kit';
import { createHubApp } from './app';
import { composeHub } from './compose';

/** Durations in ms; fractions were always accepted, so they still are. */
const envMs = (name: string): number | undefined => envNumber(name, { integer: false });

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : path.join(serviceDataDir('hub'), 'db');
  const hubCfg = Object.fromEntries(Object.entries({
    siteTimeoutMs: envMs('HUB_SITE_TIMEOUT_MS'), deployTimeoutMs: envMs('HUB_DEPLOY_TIMEOUT_MS'), siteUnreachableMs: envMs('HUB_SITE_UNREACHABLE_MS'),
    copyTimeoutMs: envMs('HUB_COPY_TIMEOUT_MS'), pollMaxDelayMs: envMs('HUB_POLL_MAX_DELAY_MS'),
    refreshConcurrency: envNumber('HUB_REFRESH_CONCURRENCY'),
  }).filter(([, v]) => v !== undefined));
  const composed = await composeHub({
    databaseUrl, dataDir, hub: hubCfg, refreshIntervalMs: envMs('HUB_REFRESH_INTERVAL_MS') ?? envMs('HUB_PROBE_INTERVAL_MS') ?? 5_000,
    siteCallTimeoutMs: envMs('HUB_SITE_CALL_TIMEOUT_MS'), operationRetentionMs: envMs('HUB_OPERATION_RETENTION_MS'), transferTimeoutMs: envMs('HUB_TRANSFER_TIMEOUT_MS'),
  });
  await composed.start();
  const svc = createHubApp({
    hub: composed.hub,
    health: () => ({ store: composed.db.kind }),
  });
  await runService(svc, { port: servicePort(8090), onClose: () => composed.close() });
}

main().catch((err) => {
  console.error('hub failed to start:', err);
  process.exit(1);
});
