import { envNumber, runService, serviceDataDir, servicePort, streamReclaimerFromEnv } from '@ocopea/service-kit';
import { copyDigestFromEnv } from '@ocopea/dsb-common';
import { createDsbMariadbApp } from './app';
import { ocopea } from '../package.json';

// Environment:
//   DSB_MARIADB_ADMIN_URL    administrative account of the managed server (default mysql://root@127.0.0.1:3306)
//   DSB_MARIADB_PUBLIC_HOST  host written into bindings (default: the admin URL's host)
//   DSB_MARIADB_PUBLIC_PORT  port written into bindings (default: the admin URL's port)
//   DSB_MARIADB_BIN_DIR      folder of the client tools (default: PATH)
//   DSB_MARIADB_DUMP_TOOL    dump tool (default mariadb-dump; mysqldump for MySQL's)
//   DSB_MARIADB_CLIENT_TOOL  client tool restores run through (default mariadb; mysql for MySQL's)
//   DSB_MARIADB_STDIO_BUFFER stdio buffer of mariadb-dump's output through stdbuf (default 1M, 0 = off)
//   DSB_MARIADB_DB_PREFIX    prefix of database/user names (default ocopea_); distinct per broker sharing a server
//   OCOPEA_DATA_DIR          where instances.json (the instance registry) lives; PORT (default 8087)
//   OCOPEA_STREAM_GC_EVERY_MB MiB streamed between two young-generation GCs (0 = never; default: package.json
//                            ocopea.runtime.streamGcEveryMb, 2, as dsb-postgres)
//   DSB_COPY_DIGEST          digest the broker checks copies in transit with: crc32 (default) or sha256
//   DSB_CRB_IDLE_TIMEOUT_MS  a CRB making no progress this long fails the copy or restore (default 120000, 0 = never)
const env = process.env;

const { svc, broker, backend } = createDsbMariadbApp({
  dataDir: serviceDataDir('dsb-mariadb'),
  adminUrl: env.DSB_MARIADB_ADMIN_URL || 'mysql://root@127.0.0.1:3306',
  publicHost: env.DSB_MARIADB_PUBLIC_HOST || undefined,
  publicPort: envNumber('DSB_MARIADB_PUBLIC_PORT', { min: 1, max: 65535 }),
  binDir: env.DSB_MARIADB_BIN_DIR || undefined,
  dumpTool: env.DSB_MARIADB_DUMP_TOOL || undefined,
  clientTool: env.DSB_MARIADB_CLIENT_TOOL || undefined,
  namePrefix: env.DSB_MARIADB_DB_PREFIX || undefined,
  stdioBuffer: env.DSB_MARIADB_STDIO_BUFFER || undefined,
  streaming: { onBytes: streamReclaimerFromEnv(ocopea.runtime.streamGcEveryMb), digest: copyDigestFromEnv(), crbIdleTimeoutMs: envNumber('DSB_CRB_IDLE_TIMEOUT_MS') },
});
broker.recover();
void runService(svc, {
  port: servicePort(8087),
  onClose: async () => { await broker.close(); await backend.close(); },
});
