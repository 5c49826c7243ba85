import { BadGatewayError, BadRequestError, redactCapabilities } from '@ocopea/errors';
import type { CopyMetadata } from './copy-records';
import type { FsCopyRepository } from './fs-copy-repository';
import { assertSafeId } from './ids';

export interface TransferRequest { targetUrl: string; targetRepoId?: string; targetCopyId?: string }

/** What a transfer did (the wire `TransferResult`); `targetUrl` with any credential redacted. */
export interface TransferResult { copyId: string; targetUrl: string; targetRepoId: string; targetCopyId: string; size: number; sha256: string }

/**
 * Another CRB, reached through its orcs-compatible API (`peers/http-target-crb.ts`). Its failures come out as our
 * errors already: 502 for a target that failed or refused, 409 when it holds the copy's data already.
 */
export interface TargetCrb {
  /** The target's URL as it may be shown: any `/cap/<token>` credential redacted. */
  readonly shown: string;
  /** The id of the first repository the target lists, if any. */
  firstRepository(): Promise<string | undefined>;
  /** Stores the copy's metadata; metadata the target holds already (an earlier attempt) is fine. */
  storeMetadata(copyId: string, metadata: CopyMetadata): Promise<void>;
  /** Streams the data file to the target, which checks it against `sha256` before keeping it. */
  storeData(repoId: string, copyId: string, data: { file: string; size: number; sha256: string }): Promise<void>;
}

/**
 * Pushes a landed copy to another CRB: picks the target repository (the one asked, else the first it lists), posts
 * the metadata, streams the bytes with their SHA-256 for the target to check. The bytes go straight from this CRB's
 * disk to the target socket with backpressure.
 */
export async function transferCopy(repo: FsCopyRepository, copyId: string, req: TransferRequest, connect: (url: string) => TargetCrb): Promise<TransferResult> {
  assertSafeId('copyId', copyId);
  let parsed: URL;
  try { parsed = new URL(req.targetUrl); } catch { throw new BadRequestError(`targetUrl '${redactCapabilities(req.targetUrl).slice(0, 512)}' is not a URL`); }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new BadRequestError('targetUrl must be an http(s) URL');
  // The target URL may carry a scoped credential (`…/cap/<token>`): only its redacted form is quoted or answered.
  const target = connect(req.targetUrl.replace(/\/+$/, ''));
  const targetCopyId = req.targetCopyId ?? copyId;
  assertSafeId('copyId', targetCopyId);
  if (req.targetRepoId !== undefined) assertSafeId('repoId', req.targetRepoId);

  const landed = repo.landed(copyId); // 404 unknown / no data
  const metadata = repo.getMetadata(copyId);
  const file = repo.dataPath(copyId);

  const targetRepoId = req.targetRepoId ?? await target.firstRepository();
  if (!targetRepoId) throw new BadGatewayError(`target CRB ${target.shown} lists no repository`);
  await target.storeMetadata(targetCopyId, { ...metadata, copyId: targetCopyId, repoId: targetRepoId });
  await target.storeData(targetRepoId, targetCopyId, { file, size: landed.size, sha256: landed.sha256 });
  return { copyId, targetUrl: target.shown, targetRepoId, targetCopyId, size: landed.size, sha256: landed.sha256 };
}
