import { createReadStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { COPY_DIGEST_HEADERS, crbClient, peerTlsOptions, type crb } from '@ocopea/api';
import { BadGatewayError, BadRequestError, ConflictError, OcopeaError, redactCapabilities, UpstreamError } from '@ocopea/errors';
import { assertSafeId } from './domain/ids';
import type { FsCopyRepository } from './domain/fs-copy-repository';

export interface TransferRequest { targetUrl: string; targetRepoId?: string; targetCopyId?: string }
export type TransferResult = crb.components['schemas']['TransferResult'];

/** How long the target may stay silent (no bytes accepted, no answer) before the transfer is given up. */
const IDLE_TIMEOUT_MS = 120_000;

/**
 * Pushes a landed copy to another CRB through its orcs-compatible API: picks the target repository, posts the
 * metadata (tolerating 409), streams the bytes with `X-Ocopea-Expected-Sha256` and checks the digest the target
 * answers. The bytes go straight from this CRB's disk to the target socket with backpressure.
 */
export async function transferCopy(repo: FsCopyRepository, copyId: string, req: TransferRequest): Promise<TransferResult> {
  assertSafeId('copyId', copyId);
  let target: URL;
  try { target = new URL(req.targetUrl); } catch { throw new BadRequestError(`targetUrl '${redactCapabilities(req.targetUrl).slice(0, 512)}' is not a URL`); }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new BadRequestError('targetUrl must be an http(s) URL');
  const targetUrl = req.targetUrl.replace(/\/+$/, '');
  // The target URL may carry a scoped credential (`…/cap/<token>`): only its redacted form is quoted or answered.
  const shown = redactCapabilities(targetUrl);
  const targetCopyId = req.targetCopyId ?? copyId;
  assertSafeId('copyId', targetCopyId);
  if (req.targetRepoId !== undefined) assertSafeId('repoId', req.targetRepoId);

  const landed = repo.landed(copyId); // 404 unknown / no data
  const metadata = repo.getMetadata(copyId);
  const file = repo.dataPath(copyId);
  const client = crbClient(targetUrl, { timeoutMs: 30_000 });

  // 1. the target repository
  let targetRepoId = req.targetRepoId;
  if (!targetRepoId) {
    const list = await upstream(() => client.get('/repositories'), shown);
    const first = Array.isArray(list.data) ? list.data[0]?.repoId : undefined;
    if (!first) throw new BadGatewayError(`target CRB ${shown} lists no repository`);
    targetRepoId = first;
  }

  // 2. the metadata (an earlier attempt may have left it: 409 is fine)
  try {
    await client.post('/copies/{copyId}', {
      path: { copyId: targetCopyId },
      body: { ...(metadata as crb.components['schemas']['CopyMetaData']), copyId: targetCopyId, repoId: targetRepoId },
    });
  } catch (err) {
    if (!(err instanceof UpstreamError && err.isConflict)) throw toBadGateway(err, shown);
  }

  // 3. the bytes
  const url = new URL(`${targetUrl}/repositories/${encodeURIComponent(targetRepoId)}/copies/${encodeURIComponent(targetCopyId)}/data`);
  const res = await streamTo(url, file, landed.size, landed.sha256);
  const text = await readSome(res, 64 * 1024);
  const status = res.statusCode ?? 0;
  if (status === 409) throw new ConflictError(`target CRB ${shown} already holds data for copy '${targetCopyId}'`);
  if (status < 200 || status >= 300) {
    throw new BadGatewayError(`target CRB ${shown} answered ${status}: ${errorMessage(text)}`);
  }
  const theirs = String(res.headers[COPY_DIGEST_HEADERS.sha256] ?? '').toLowerCase();
  if (theirs && theirs !== landed.sha256) {
    throw new BadGatewayError(`target CRB ${shown} stored data with sha256 ${theirs}, expected ${landed.sha256}`);
  }
  return { copyId, targetUrl: shown, targetRepoId, targetCopyId, size: landed.size, sha256: landed.sha256 };
}

/** POSTs the file to `url` and resolves with the response (which may come early, e.g. a 409 before all was sent). */
function streamTo(url: URL, file: string, size: number, sha256: string): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const out = lib.request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(size),
        [COPY_DIGEST_HEADERS.expectedSha256]: sha256,
        accept: 'application/json, */*',
      },
      ...peerTlsOptions(),
    });
    let answered = false;
    out.setTimeout(IDLE_TIMEOUT_MS, () => out.destroy(new Error(`no progress for ${IDLE_TIMEOUT_MS / 1000} s`)));
    out.once('response', (res) => { answered = true; resolve(res); });
    out.once('error', (err) => { if (!answered) reject(new BadGatewayError(`target CRB ${url.origin} failed during the upload: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err })); });
    const src = createReadStream(file, { highWaterMark: 1024 * 1024 });
    // An early answer (the target refused) ends the send; its status is what counts, so send errors are ignored then.
    pipeline(src, out).catch((err) => { if (!answered) out.destroy(err as Error); });
  });
}

async function readSome(res: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of res) {
      if (n < limit) { chunks.push(c as Buffer); n += (c as Buffer).length; }
    }
  } catch { /* a cut answer: what arrived is enough for a message */ }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

function errorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown };
    if (j && typeof j === 'object' && 'message' in j) return String(j.message);
  } catch { /* plain text */ }
  return text.slice(0, 500) || '(no body)';
}

async function upstream<T>(call: () => Promise<T>, shown: string): Promise<T> {
  try { return await call(); } catch (err) { throw toBadGateway(err, shown); }
}

function toBadGateway(err: unknown, shown: string): OcopeaError {
  if (err instanceof BadGatewayError) return err;
  const msg = redactCapabilities(err instanceof Error ? err.message : String(err));
  return new BadGatewayError(`target CRB ${shown}: ${msg}`, { cause: err });
}
