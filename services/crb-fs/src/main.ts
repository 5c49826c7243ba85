import { createLogger, runService, serviceDataDir, servicePort } from '@ocopea/service-kit';
import { createCrbApp } from './app';
import { FsCopyRepository } from './domain/fs-copy-repository';
import { minorGc } from './memory';

/** Env → compose → run. The only file that reads process.env. */
async function main(): Promise<void> {
  const root = serviceDataDir('crb-fs');
  const version = process.env.npm_package_version ?? '0.1.0';
  const logger = createLogger('crb-fs');
  // OCOPEA_CRB_GC_EVERY_MB: how often streaming nudges a young-generation GC (0 = never; default 8).
  const gcEveryMb = Number(process.env.OCOPEA_CRB_GC_EVERY_MB ?? 8);
  const repo = await FsCopyRepository.open({
    root,
    log: (msg, fields) => logger.warn(fields ?? {}, msg),
    reclaim: gcEveryMb > 0 ? minorGc() : undefined,
    reclaimEveryBytes: (gcEveryMb > 0 ? gcEveryMb : 8) * 1024 * 1024,
  });
  const svc = createCrbApp({ repo, logger, publicUrl: process.env.OCOPEA_PUBLIC_URL || undefined, version, build: process.env.OCOPEA_BUILD || version });
  await runService(svc, { port: servicePort(8082), host: process.env.HOST || undefined });
}

main().catch((err) => {
  process.stderr.write(`crb-fs failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
