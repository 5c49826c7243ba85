import type { Request } from 'express';
import type { CrbPaths } from '@ocopea/api';
import { createServiceApp, type Logger, type ServiceApp } from '@ocopea/service-kit';
import type { FsCopyRepository } from './domain/fs-copy-repository';
import { crbUrlOf } from './http/crb-url';
import { infoRoutes } from './http/info.routes';
import { repositoryRoutes } from './http/repositories.routes';
import { copyRoutes } from './http/copies.routes';
import { dataRoutes } from './http/data.routes';

export interface CrbAppOptions {
  repo: FsCopyRepository;
  /** Overrides the URL derived from the request's Host header (`OCOPEA_PUBLIC_URL`). */
  publicUrl?: string;
  version?: string;
  build?: string;
  logger?: Logger;
}

/** What the handlers use. */
export interface CrbDeps {
  repo: FsCopyRepository;
  root: string;
  version: string;
  build: string;
  crbUrl(req: Request): string;
}

/** The CRB's HTTP face over a filesystem copy repository. */
export function createCrbApp(opts: CrbAppOptions): ServiceApp<CrbPaths> {
  let basePath = '/crb';
  const deps: CrbDeps = {
    repo: opts.repo,
    root: opts.repo.root,
    version: opts.version ?? '0.1.0',
    build: opts.build ?? opts.version ?? '0.1.0',
    crbUrl: (req) => crbUrlOf(req, basePath, opts.publicUrl),
  };
  const svc = createServiceApp<CrbPaths>({
    name: 'crb-fs',
    spec: 'crb',
    logger: opts.logger,
    health: () => opts.repo.summary(),
    routes: (r) => {
      infoRoutes(r, deps);
      repositoryRoutes(r, deps);
      copyRoutes(r, deps);
      dataRoutes(r, deps);
    },
  });
  basePath = svc.basePath;
  return svc;
}
