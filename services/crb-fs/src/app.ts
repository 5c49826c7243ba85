import path from 'node:path';
import type { CrbPaths } from '@ocopea/api';
import { createServiceApp, type Logger, type ServiceApp } from '@ocopea/service-kit';
import type { FsCopyRepository } from './domain/fs-copy-repository';
import { crbUrlOf } from './http/crb-url';
import { infoRoutes } from './http/info.routes';
import { repositoryRoutes } from './http/repositories.routes';
import { copyRoutes } from './http/copies.routes';
import { dataRoutes } from './http/data.routes';
import { grantRoutes } from './http/grants.routes';
import { CopyGrants } from './domain/copy-grants';
import type { TargetCrb } from './domain/transfer';
import type { CrbDeps } from './http/deps';
import { httpTargetCrb } from './peers/http-target-crb';

export interface CrbAppOptions {
  repo: FsCopyRepository;
  /** Overrides the URL derived from the request's Host header (`OCOPEA_PUBLIC_URL`). */
  publicUrl?: string;
  version?: string;
  build?: string;
  logger?: Logger;
  /**
   * An upload whose sender sends nothing for this long is dropped (nothing kept, the copy id free again); default
   * UPLOAD_IDLE_TIMEOUT_MS, 0 = never (`OCOPEA_CRB_UPLOAD_IDLE_TIMEOUT_MS`).
   */
  uploadIdleTimeoutMs?: number;
  /** Issues and checks scoped copy credentials; default: keyed by `grant-key` in the repository root. */
  grants?: CopyGrants;
  /** The CRB a copy is transferred to, by its URL; default: over HTTP (`httpTargetCrb`). */
  targetCrb?: (url: string) => TargetCrb;
}

/**
 * A sender quiet this long is gone: a DSB streams a dump continuously, and even pg_dump waiting on a lock is far
 * shorter. Without a bound, a client that sent a few bytes and fell silent held the copy id's lock for as long as
 * its connection stayed open (the server's own request timeout is off: uploads of 100 GB take hours).
 */
export const UPLOAD_IDLE_TIMEOUT_MS = 120_000;

/** The CRB's HTTP face over a filesystem copy repository. */
export function createCrbApp(opts: CrbAppOptions): ServiceApp<CrbPaths> {
  let basePath = '/crb';
  const deps: CrbDeps = {
    repo: opts.repo,
    root: opts.repo.root,
    version: opts.version ?? '0.1.0',
    build: opts.build ?? opts.version ?? '0.1.0',
    crbUrl: (req) => crbUrlOf(req, basePath, opts.publicUrl),
    uploadIdleTimeoutMs: opts.uploadIdleTimeoutMs ?? UPLOAD_IDLE_TIMEOUT_MS,
    grants: opts.grants ?? CopyGrants.open(path.join(opts.repo.root, 'grant-key')),
    targetCrb: opts.targetCrb ?? httpTargetCrb,
  };
  const svc = createServiceApp<CrbPaths>({
    name: 'crb-fs',
    spec: 'crb',
    logger: opts.logger,
    health: () => opts.repo.summary(),
    grants: deps.grants.verify,
    routes: (r) => {
      grantRoutes(r, deps);
      infoRoutes(r, deps);
      repositoryRoutes(r, deps);
      copyRoutes(r, deps);
      dataRoutes(r, deps);
    },
  });
  basePath = svc.basePath;
  return svc;
}
