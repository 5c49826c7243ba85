import { createDsbApp, DsbBroker, InstanceRegistry, type StreamingOptions } from '@ocopea/dsb-common';
import { createLogger, type Logger } from '@ocopea/service-kit';
import path from 'node:path';
import { FsBackend, type FsBackendOptions, type FsInstance } from './domain/fs-backend';

export interface DsbFsDeps {
  /** Holds `instances.json` (the registry), `volumes/<instanceId>` and `tmp/` (restores being extracted). */
  dataDir: string;
  logger?: Logger;
  streaming?: StreamingOptions;
  /** Owner of new and restored volumes (`DSB_FS_VOLUME_OWNER`); default: dsb-fs's own user. */
  volumeOwner?: FsBackendOptions['owner'];
}

export function createDsbFsApp(deps: DsbFsDeps) {
  const log = deps.logger ?? createLogger('dsb-fs');
  const backend = new FsBackend(deps.dataDir, { owner: deps.volumeOwner });
  backend.prepareRoot(); // the volume marker exists before anything is created or any PSB started
  const blocked = backend.unreachableByOwner();
  if (blocked) log.warn({ dir: blocked }, `the volume owner cannot pass through ${blocked}: apps running as it will not reach their volumes`);
  const registry = InstanceRegistry.open<FsInstance>(path.join(deps.dataDir, 'instances.json'));
  const broker = new DsbBroker(backend, registry, log, deps.streaming);
  const svc = createDsbApp('dsb-fs', broker, log);
  return { svc, broker, backend, registry };
}
