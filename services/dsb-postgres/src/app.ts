import { createDsbApp, DsbBroker, GoldenCopies, GoldenRegistry, InstanceRegistry, type StreamingOptions } from '@ocopea/dsb-common';
import { createLogger, type Logger } from '@ocopea/service-kit';
import path from 'node:path';
import { PostgresBackend, type PgInstance, type PostgresBackendConfig } from './domain/postgres-backend';

export interface DsbPostgresDeps extends PostgresBackendConfig {
  dataDir: string;
  logger?: Logger;
  streaming?: StreamingOptions;
  /**
   * Disk budget of the golden copies, MiB (default 10240): one database per copy restored here, which later
   * restores of the same copy are cloned from (`CREATE DATABASE … TEMPLATE`). 0 turns them off.
   */
  goldenBudgetMb?: number;
}

export const DEFAULT_GOLDEN_BUDGET_MB = 10_240;

/** The broker over its registry (`<dataDir>/instances.json`) and the PostgreSQL backend, plus the HTTP app. */
export function createDsbPostgresApp(deps: DsbPostgresDeps) {
  const log = deps.logger ?? createLogger('dsb-postgres');
  const backend = new PostgresBackend(deps);
  if (deps.stdioBuffer !== '0' && !backend.stdioBuffered) {
    log.warn({}, 'coreutils stdbuf not found on PATH: pg_dump and pg_restore move 4 KiB per system call (copies cost the broker about twice the CPU)');
  }
  const registry = InstanceRegistry.open<PgInstance>(path.join(deps.dataDir, 'instances.json'));
  const goldens = new GoldenCopies<PgInstance>(backend, GoldenRegistry.open(path.join(deps.dataDir, 'goldens.json')),
    { budgetBytes: (deps.goldenBudgetMb ?? DEFAULT_GOLDEN_BUDGET_MB) * 1024 * 1024 }, log);
  const broker = new DsbBroker(backend, registry, log, deps.streaming, goldens);
  const svc = createDsbApp('dsb-postgres', broker, log);
  return { svc, broker, backend, registry, goldens };
}
