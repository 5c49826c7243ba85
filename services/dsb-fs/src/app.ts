import { createDsbApp, DsbBroker, InstanceRegistry, type StreamingOptions } from '@ocopea/dsb-common';
import { createLogger, type Logger } from '@ocopea/service-kit';
import path from 'node:path';
import { FsBackend, type FsInstance } from './domain/fs-backend';

export interface DsbFsDeps {
  /** Holds `instances.json` (the registry), `volumes/<instanceId>` and `tmp/` (restores being extracted). */
  dataDir: string;
  logger?: Logger;
  streaming?: StreamingOptions;
}

export function createDsbFsApp(deps: DsbFsDeps) {
  const log = deps.logger ?? createLogger('dsb-fs');
  const backend = new FsBackend(deps.dataDir);
  const registry = InstanceRegistry.open<FsInstance>(path.join(deps.dataDir, 'instances.json'));
  const broker = new DsbBroker(backend, registry, log, deps.streaming);
  const svc = createDsbApp('dsb-fs', broker, log);
  return { svc, broker, backend, registry };
}
