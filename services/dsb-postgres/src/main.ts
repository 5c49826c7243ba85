import { envNumber, runService, serviceDataDir, servicePort, streamReclaimerFromEnv } from '@ocopea/service-kit';
import { copyDigestFromEnv } from '@ocopea/dsb-common';
import { createDsbPostgresApp } from './app';
import { ocopea } from '../package.json';

// Environment:
//   DSB_POSTGRES_ADMIN_URL    superuser URL of the managed server (default postgres://postgres@127.0.0.1:5432/postgres)
//   DSB_POSTGRES_PUBLIC_HOST  host written into bindings (default: the admin URL's host)
//   DSB_POSTGRES_PUBLIC_PORT  port written into bindings (default: the admin URL's port)
//   DSB_POSTGRES_BIN_DIR      folder of pg_dump / pg_restore (default: PATH)
//   DSB_POSTGRES_DUMP_COMPRESSION  pg_dump --compress level 0-9 (default 0)
//   DSB_POSTGRES_STDIO_BUFFER stdio buffer of pg_dump output / pg_restore input through stdbuf (default 1M, 0 = off)
//   DSB_POSTGRES_DB_PREFIX    prefix of database/role names (default ocopea_); distinct per broker sharing a server
//   DSB_POSTGRES_GOLDEN_BUDGET_MB  disk budget of golden copies (one template database per restored copy, later
//                             restores of it are cloned locally), MiB; default 10240, 0 = off
//   OCOPEA_DATA_DIR           where instances.json (the instance registry) lives; PORT (default 8083)
//   OCOPEA_STREAM_GC_EVERY_MB MiB streamed between two young-generation GCs (0 = never; default: package.json
//                             ocopea.runtime.streamGcEveryMb, 2 — why not the kit's 8: README)
//   DSB_COPY_DIGEST           digest the broker checks copies in transit with: crc32 (default) or sha256
//   DSB_CRB_IDLE_TIMEOUT_MS   a CRB making no progress this long fails the copy or restore (default 120000, 0 = never)
const env = process.env;

const { svc, broker, backend } = createDsbPostgresApp({
  dataDir: serviceDataDir('dsb-postgres'),
  adminUrl: env.DSB_POSTGRES_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  publicHost: env.DSB_POSTGRES_PUBLIC_HOST || undefined,
  publicPort: envNumber('DSB_POSTGRES_PUBLIC_PORT', { min: 1, max: 65535 }),
  binDir: env.DSB_POSTGRES_BIN_DIR || undefined,
  dumpCompression: envNumber('DSB_POSTGRES_DUMP_COMPRESSION', { max: 9 }),
  namePrefix: env.DSB_POSTGRES_DB_PREFIX || undefined,
  stdioBuffer: env.DSB_POSTGRES_STDIO_BUFFER || undefined,
  goldenBudgetMb: envNumber('DSB_POSTGRES_GOLDEN_BUDGET_MB'),
  streaming: { onBytes: streamReclaimerFromEnv(ocopea.runtime.streamGcEveryMb), digest: copyDigestFromEnv(), crbIdleTimeoutMs: envNumber('DSB_CRB_IDLE_TIMEOUT_MS') },
});
broker.recover();
void runService(svc, {
  port: servicePort(8083),
  onClose: async () => { await broker.close(); await backend.close(); },
});
