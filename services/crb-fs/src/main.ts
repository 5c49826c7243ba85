import { createLogger, envNumber, runService, serviceDataDir, servicePort, streamReclaimerFromEnv } from '@ocopea/service-kit';
import { createCrbApp } from './app';
import { AlignedBlockPool } from './domain/aligned-block-pool';
import { DIRECT_BLOCKS_PER_STREAM } from './domain/direct-file-writer';
import { FsCopyRepository } from './domain/fs-copy-repository';
import { ocopea } from '../package.json';

/** Env → compose → run. The only file that reads process.env. */
async function main(): Promise<void> {
  const root = serviceDataDir('crb-fs');
  const version = process.env.npm_package_version ?? '0.1.0';
  const logger = createLogger('crb-fs');
  // OCOPEA_CRB_DIRECT_IO_STREAMS: how many uploads and downloads at once use O_DIRECT (default 8; 0 = never). Each
  // holds 3 MiB of aligned blocks while it runs; further streams at the same time go through the page cache.
  const directStreams = envNumber('OCOPEA_CRB_DIRECT_IO_STREAMS') ?? 8;
  // OCOPEA_CRB_SYNC_EVERY_MB: MiB an upload writes between two background fdatasyncs (default 32; 0 = only at the end).
  const syncMb = envNumber('OCOPEA_CRB_SYNC_EVERY_MB', { integer: false });
  const repo = await FsCopyRepository.open({
    root,
    log: (msg, fields) => logger.warn(fields ?? {}, msg),
    // OCOPEA_STREAM_GC_EVERY_MB: how often streaming nudges a young-generation GC (0 = never; default: package.json
    // ocopea.runtime.streamGcEveryMb, beside the node flags, see README).
    onBytes: streamReclaimerFromEnv(ocopea.runtime.streamGcEveryMb),
    blockPool: directStreams > 0 ? new AlignedBlockPool(directStreams * DIRECT_BLOCKS_PER_STREAM) : undefined,
    syncEveryBytes: syncMb === undefined ? undefined : Math.round(syncMb * 1024 * 1024),
  });
  const svc = createCrbApp({
    repo, logger, publicUrl: process.env.OCOPEA_PUBLIC_URL || undefined, version, build: process.env.OCOPEA_BUILD || version,
    // OCOPEA_CRB_UPLOAD_IDLE_TIMEOUT_MS: an upload whose sender is silent this long is dropped (default 120000; 0 = never).
    uploadIdleTimeoutMs: envNumber('OCOPEA_CRB_UPLOAD_IDLE_TIMEOUT_MS'),
  });
  await runService(svc, { port: servicePort(8082) });
}

main().catch((err) => {
  process.stderr.write(`crb-fs failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
