import { copyDigestFromEnv } from '@ocopea/dsb-common';
import { envNumber, runService, serviceDataDir, servicePort, streamReclaimerFromEnv } from '@ocopea/service-kit';
import { createDsbFsApp } from './app';
import { resolveVolumeOwner, type VolumeOwner } from './domain/volume-owner';
import { ocopea } from '../package.json';

// Environment: OCOPEA_DATA_DIR (registry instances.json, volumes/<instanceId>, tmp/), PORT (default 8084),
// OCOPEA_STREAM_GC_EVERY_MB (MiB streamed between two young-generation GCs, 0 = never; default: package.json
// ocopea.runtime.streamGcEveryMb, 2 — why not the kit's 8: README),
// DSB_COPY_DIGEST (digest the broker checks copies in transit with: crc32, the default, or sha256),
// DSB_CRB_IDLE_TIMEOUT_MS (a CRB making no progress this long fails the copy or restore; default 120000, 0 = never),
// DSB_FS_VOLUME_OWNER (user, uid, user:group or uid:gid owning new and restored volumes; default `nobody` when dsb-fs
// runs as root, as psb-process's PSB_PROCESS_RUN_AS, else dsb-fs's own user).
function volumeOwner(): VolumeOwner | undefined {
  const isRoot = process.getuid?.() === 0;
  const spec = process.env.DSB_FS_VOLUME_OWNER?.trim() || (isRoot ? 'nobody' : undefined);
  if (spec === undefined) return undefined;
  try {
    const owner = resolveVolumeOwner(spec);
    if (!isRoot && owner.uid !== process.getuid?.()) throw new Error(`DSB_FS_VOLUME_OWNER '${spec}' needs dsb-fs to run as root (it runs as uid ${process.getuid?.()})`);
    return owner;
  } catch (err) {
    process.stderr.write(`dsb-fs failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

const { svc, broker } = createDsbFsApp({
  dataDir: serviceDataDir('dsb-fs'),
  volumeOwner: volumeOwner(),
  streaming: { onBytes: streamReclaimerFromEnv(ocopea.runtime.streamGcEveryMb), digest: copyDigestFromEnv(), crbIdleTimeoutMs: envNumber('DSB_CRB_IDLE_TIMEOUT_MS') },
});
broker.recover();
void runService(svc, { port: servicePort(8084), onClose: () => broker.close() });
