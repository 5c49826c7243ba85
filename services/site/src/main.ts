import { envNumber, runService, serviceDataDir, servicePort } from '@ocopea/service-kit';
import { createSiteApp } from './app';
import { composeSite } from './compose';
import { attachLogSockets } from './http/logs-ws';
import { storeMessageSource } from './http/logs-source';
import { locationFromEnv } from './location-from-env';
import type { SiteConfig } from './domain/config';

/** Reads the environment, composes the Site and serves it (default port 8080). */
async function main(): Promise<void> {
  const config: SiteConfig = {
    name: process.env.OCOPEA_SITE_NAME || 'site',
    version: process.env.OCOPEA_SITE_VERSION || '1.0.0',
    publicDNS: process.env.OCOPEA_PUBLIC_DNS || null,
    location: locationFromEnv(process.env.OCOPEA_SITE_LOCATION),
  };
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const parts = await composeSite({
    config, databaseUrl, dataDir: databaseUrl ? undefined : serviceDataDir('site'), schema: process.env.OCOPEA_SITE_DB_SCHEMA || 'site',
    schedulerTickMs: envNumber('OCOPEA_SITE_SCHEDULER_TICK_MS', { min: 1 }),
    dataServiceCheckMs: envNumber('OCOPEA_SITE_DATA_SERVICE_CHECK_MS'),
    settings: Object.fromEntries(Object.entries({
      pollInitialMs: envNumber('OCOPEA_SITE_POLL_INITIAL_MS', { min: 1 }), pollMaxMs: envNumber('OCOPEA_SITE_POLL_MAX_MS', { min: 1 }),
      dataServiceTimeoutMs: envNumber('OCOPEA_SITE_DATA_SERVICE_TIMEOUT_MS', { min: 1 }), appServiceTimeoutMs: envNumber('OCOPEA_SITE_APP_SERVICE_TIMEOUT_MS', { min: 1 }),
      copyResumeGraceMs: envNumber('OCOPEA_SITE_COPY_RESUME_GRACE_MS'),
    }).filter(([, v]) => v !== undefined)),
  });
  const svc = createSiteApp(parts);
  let detach = () => {};
  const running = await runService(svc, { port: servicePort(8080), onClose: async () => { detach(); await parts.close(); } });
  detach = attachLogSockets(running.server, svc.basePath, { bus: parts.bus, brokers: parts.brokers, source: storeMessageSource(parts.store), authorize: (req) => svc.authorizeUpgrade(req) });
}

main().catch((err) => {
  console.error('site failed to start:', err);
  process.exit(1);
});
