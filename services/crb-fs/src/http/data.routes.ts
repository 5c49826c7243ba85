import { COPY_DIGEST_HEADERS, EXPECTED_DIGEST_HEADERS, reprDigest, type CrbPaths } from '@ocopea/api';
import { BadRequestError } from '@ocopea/errors';
import type { TypedRouter } from '@ocopea/service-kit';
import type { Request, Response } from 'express';
import type { CrbDeps } from './deps';
import type { Digests } from '../domain/received-digests';

/** Bytes of a refused upload we are willing to read and discard so the client gets our answer; beyond, we cut. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export function dataRoutes(r: TypedRouter<CrbPaths>, deps: CrbDeps): void {
  r.post('/repositories/{repoId}/copies/{copyId}/data', async ({ params, headers, req, res }) => {
    // The domain pipes the body and never destroys it, so a refusal (400, 409, 507) can still be answered on this
    // socket; a client gone midway is seen as an error/close of the request. A late socket error must not go unheard.
    req.on('error', () => undefined);
    const idleMs = deps.uploadIdleTimeoutMs;
    if (idleMs > 0) {
      // Socket inactivity while the body arrives; the domain sees the destroyed request as a sender gone midway.
      req.setTimeout(idleMs, () => req.destroy(new Error(`the sender sent nothing for ${idleMs / 1000} s`)));
      // Once the body is in, the wait is ours (fsync, rename), and the socket may serve further requests.
      req.once('end', () => req.socket.setTimeout(0));
    }
    try {
      const stored = await deps.repo.storeData(params.repoId, params.copyId, req, {
        crbUrl: deps.crbUrl(req),
        expected: digestsIn((name) => header(headers[name])),
        expectedAtEnd: () => trailerDigests(req),
        hints: { dsb: header(headers.dsb), copyTimestamp: header(headers.copytimestamp), facility: header(headers.facility) },
      });
      return {
        status: 200,
        body: `${deps.crbUrl(req)}/copies/${stored.copyId}`,
        headers: { [COPY_DIGEST_HEADERS.reprDigest]: reprDigest(stored.sha256), [COPY_DIGEST_HEADERS.sha256]: stored.sha256, [COPY_DIGEST_HEADERS.crc32]: stored.crc32 },
      };
    } catch (err) {
      await drainRefused(req, res);
      throw err;
    }
  });

  r.get('/copies/{copyId}/data', async ({ params, headers, res }) => {
    // A 416 gets its `Content-Range: bytes */size` from the kit's error mapping (the error's details.size).
    const opened = await deps.repo.openData(params.copyId, header(headers.range));
    res.status(opened.range ? 206 : 200);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(opened.length));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader(COPY_DIGEST_HEADERS.reprDigest, reprDigest(opened.sha256));
    res.setHeader(COPY_DIGEST_HEADERS.sha256, opened.sha256);
    if (opened.crc32) res.setHeader(COPY_DIGEST_HEADERS.crc32, opened.crc32);
    if (opened.range) res.setHeader('Content-Range', `bytes ${opened.range.start}-${opened.range.end}/${opened.size}`);
    if (opened.length === 0) { await opened.close(); res.end(); return; }
    await opened.pipeTo(res);
    res.end();
  });
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The expected digests `get` finds (by lower-case field name), trimmed; absent ones left out. */
function digestsIn(get: (name: string) => string | undefined): Partial<Digests> {
  const out: Partial<Digests> = {};
  for (const alg of ['sha256', 'crc32'] as const) {
    const v = get(EXPECTED_DIGEST_HEADERS[alg])?.trim();
    if (v !== undefined) out[alg] = v;
  }
  return out;
}

/**
 * The expected digests an uploader sent as trailers, once the body ended (an uploader that streams does not know
 * them before). A digest trailer announced in `Trailer` but missing means the sender's own check was lost: refused.
 */
function trailerDigests(req: Request): Partial<Digests> {
  const announced = new Set(String(req.headers.trailer ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
  const trailers = req.trailers as Record<string, string | undefined>;
  for (const name of Object.values(EXPECTED_DIGEST_HEADERS)) {
    if (announced.has(name) && trailers[name] === undefined) {
      throw new BadRequestError(`the upload announced the trailer ${name} but did not send it`);
    }
  }
  return digestsIn((name) => trailers[name]);
}

/**
 * After a refusal: read and discard what the client still sends, so it gets our answer instead of a reset, up to a
 * bound; beyond it, answer with `Connection: close` and stop reading.
 */
function drainRefused(req: Request, res: Response): Promise<void> {
  req.unpipe();
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let n = 0;
    const done = () => { req.off('data', onData); resolve(); };
    const onData = (c: Buffer) => {
      n += c.length;
      if (n > MAX_DRAIN_BYTES) { res.setHeader('Connection', 'close'); req.pause(); done(); }
    };
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    req.resume();
  });
}
