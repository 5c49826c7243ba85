import { runService, serviceDataDir, servicePort } from '@ocopea/service-kit';
import { createDsbFsApp } from './app';

// Environment: OCOPEA_DATA_DIR (registry instances.json, volumes/<instanceId>, tmp/), PORT (default 8084).
const { svc, broker } = createDsbFsApp({ dataDir: serviceDataDir('dsb-fs') });
broker.recover();
void runService(svc, { port: servicePort(8084), onClose: () => broker.close() });
