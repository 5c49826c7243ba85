import path from 'node:path';
import { createDsbApp, DsbBroker, InstanceRegistry, type StreamingOptions } from '@ocopea/dsb-common';
import { createLogger, type Logger } from '@ocopea/service-kit';
import { MariadbBackend, type MariadbBackendConfig, type MariadbInstance } from './domain/mariadb-backend';

export interface DsbMariadbDeps extends MariadbBackendConfig {
  dataDir: string;
  logger?: Logger;
  streaming?: StreamingOptions;
}

/** The broker over its registry (`<dataDir>/instances.json`) and the MariaDB backend, plus the HTTP app. */
export function createDsbMariadbApp(deps: DsbMariadbDeps) {
  const log = deps.logger ?? createLogger('dsb-mariadb');
  const backend = new MariadbBackend(deps);
  if (deps.stdioBuffer !== '0' && !backend.stdioBuffered) {
    log.warn({}, 'coreutils stdbuf not found on PATH: mariadb-dump moves 4 KiB per system call (copies cost the broker more CPU)');
  }
  const registry = InstanceRegistry.open<MariadbInstance>(path.join(deps.dataDir, 'instances.json'));
  const broker = new DsbBroker(backend, registry, log, deps.streaming);
  const svc = createDsbApp('dsb-mariadb', broker, log);
  return { svc, broker, backend, registry };
}
