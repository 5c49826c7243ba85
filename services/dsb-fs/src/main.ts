import { copyDigestFromEnv } from '@ocopea/dsb-common';
import { envNumber, runService, serviceDataDir, servicePort, streamReclaimerFromEnv } from '@ocopea/service-kit';
import { createDsbFsApp } from './app';

// Environment: OCOPEA_DATA_DIR (registry instances.json, volumes/<instanceId>, tmp/), PORT (default 8084),
// OCOPEA_STREAM_GC_EVERY_MB (MiB streamed between two young-generation GCs; default 2, 0 = never),
// DSB_COPY_DIGEST (digest the broker checks copies in transit with: crc32, the default, or sha256),
// DSB_CRB_IDLE_TIMEOUT_MS (a CRB making no progress this long fails the copy or restore; default 120000, 0 = never).
const { svc, broker } = createDsbFsApp({
  dataDir: serviceDataDir('dsb-fs'),
  // Every 2 MiB, not the kit's 8, as in dsb-postgres: with 8, restores of 1 GB that started after 45 s of idle ran
  // into 6 to 12 mark-compacts (3.9-6.7 CPU-s, 4.8-7.4 s); with 2, none in 4 (3.0-4.6 CPU-s, 3.7-5.6 s).
  streaming: { onBytes: streamReclaimerFromEnv(2), digest: copyDigestFromEnv(), crbIdleTimeoutMs: envNumber('DSB_CRB_IDLE_TIMEOUT_MS') },
});
broker.recover();
void runService(svc, { port: servicePort(8084), onClose: () => broker.close() });
