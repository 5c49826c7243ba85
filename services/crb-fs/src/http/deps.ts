import type { Request } from 'express';
import type { CopyGrants } from '../domain/copy-grants';
import type { FsCopyRepository } from '../domain/fs-copy-repository';
import type { TargetCrb } from '../domain/transfer';

/** What the handlers use (composed by `createCrbApp`). */
export interface CrbDeps {
  repo: FsCopyRepository;
  root: string;
  version: string;
  build: string;
  crbUrl(req: Request): string;
  uploadIdleTimeoutMs: number;
  grants: CopyGrants;
  /** The CRB a copy is transferred to, by its URL. */
  targetCrb(url: string): TargetCrb;
}
