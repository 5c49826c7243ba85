import { copyDigestFromEnv } from '@ocopea/dsb-common';
import { runService, serviceDataDir, servicePort, streamReclaimerFromEnv } from '@ocopea/service-kit';
import { createDsbFsApp } from './app';

// Environment: OCOPEA_DATA_DIR (registry instances.json, volumes/<instanceId>, tmp/), PORT (default 8084),
// OCOPEA_STREAM_GC_EVERY_MB (MiB streamed between two young-generation GCs; default 8, 0 = never),
// DSB_COPY_DIGEST (digest the broker checks copies in transit with: crc32, the default, or sha256).
const { svc, broker } = createDsbFsApp({
  dataDir: serviceDataDir('dsb-fs'),
  streaming: { onBytes: streamReclaimerFromEnv(), digest: copyDigestFromEnv() },
});
broker.recover();
void runService(svc, { port: servicePort(8084), onClose: () => broker.close() });
