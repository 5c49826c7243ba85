import { createDsbApp, DsbBroker, InstanceRegistry, type StreamingOptions } from '@ocopea/dsb-common';
import { createLogger, type Logger } from '@ocopea/service-kit';
import path from 'node:path';
import { PostgresBackend, type PgInstance, type PostgresBackendConfig } from './domain/postgres-backend';

export interface DsbPostgresDeps extends PostgresBackendConfig {
  dataDir: string;
  logger?: Logger;
  streaming?: StreamingOptions;
}

/** The broker over its registry (`<dataDir>/instances.json`) and the PostgreSQL backend, plus the HTTP app. */
export function createDsbPostgresApp(deps: DsbPostgresDeps) {
  const log = deps.logger ?? createLogger('dsb-postgres');
  const backend = new PostgresBackend(deps);
  if (deps.stdioBuffer !== '0' && !backend.stdioBuffered) {
    log.warn({}, 'coreutils stdbuf not found on PATH: pg_dump and pg_restore move 4 KiB per system call (copies cost the broker about twice the CPU)');
  }
  const registry = InstanceRegistry.open<PgInstance>(path.join(deps.dataDir, 'instances.json'));
  const broker = new DsbBroker(backend, registry, log, deps.streaming);
  const svc = createDsbApp('dsb-postgres', broker, log);
  return { svc, broker, backend, registry };
}
