import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { BadGatewayError, ConflictError, OcopeaError, redactCapabilities } from '@ocopea/errors';
import { MAX_QUOTED } from './api-client';
import { announcedDigests, streamDigest, type CopyDigest, type CopyDigestAlgorithm } from './copy-digests';
import { COPY_DATA_PATHS, COPY_HINT_HEADERS, EXPECTED_DIGEST_HEADERS, type CrbLocation } from './copy-protocol';
import { watchIdle } from './idle-watch';
import { peerTlsOptions } from './tls-trust';

/**
 * The one client of copy bytes, for every broker that moves a copy to or from a CRB: DSBs copying and restoring,
 * crb-fs transferring a copy to another CRB. Raw `node:http(s)` rather than the JSON client, for what a stream of
 * hours needs: backpressure, digests sent as trailers, an idle watch that tells a stuck CRB from a slow producer or
 * consumer, and a request destroyed (the CRB keeps nothing) on any failure. TLS trusts `OCOPEA_TLS_CA_FILE`
 * (`peerTlsOptions`); every message quoting the CRB has its `/cap/<token>` credential redacted.
 */

/**
 * How long a CRB may make no progress before a copy or restore fails. A healthy CRB never goes a minute without
 * reading or sending a byte; twice that leaves room for the fsync and rename crb-fs does before it answers, and
 * for the few MB of kernel socket buffers it still has to read after the sender sent its last byte.
 */
export const CRB_IDLE_TIMEOUT_MS = 120_000;

/** Bytes a stream may queue towards a slower consumer before the producer is paused. */
export const IN_FLIGHT = 1024 * 1024;

/** What both directions take. */
export interface CrbDataOptions {
  /** How the CRB is named in messages (default `CRB`; a transfer's says `target CRB`). */
  peer?: string;
  signal?: AbortSignal;
  /** Told of every byte sent or received (a broker's stream reclaimer). */
  onBytes?: (bytes: number) => void;
  /**
   * Fail (502, request destroyed) once the CRB made no progress for this long while it was the one awaited:
   * connecting, reading queued bytes of an upload, answering, sending a download. Idle time, not total time: 100 GB
   * copies take hours. A silent producer (an upload's `source` with nothing queued) or a consumer that stopped
   * reading a download is not the CRB's fault and never times out. An upload's reading is seen when the kernel took
   * a whole write (up to IN_FLIGHT, past socket buffers of a few MB), so a CRB must take a few MB per period:
   * generous at the default. Default `CRB_IDLE_TIMEOUT_MS`; 0 disables.
   */
  idleTimeoutMs?: number;
}

/** What a finished upload proved: bytes sent, their digest, and what the CRB answered. */
export interface CopyUploadResult {
  size: number;
  /** The digest of the bytes sent: computed while streaming (trailer) or known up front (header). */
  digest: CopyDigest;
  /**
   * Whether the CRB confirmed that digest: it announced the same value back (a CRB that checks the expected digest
   * refuses a different one before anything is stored). False for a CRB that neither checks it nor announces it.
   */
  confirmed: boolean;
  crbStatus: number;
  /** The CRB's `X-Ocopea-Sha256` (or `Repr-Digest`) in hex, when it sent one. */
  crbSha256?: string;
}

export interface CopyUploadOptions extends CrbDataOptions {
  crb: CrbLocation;
  copyId: string;
  /** The copy's bytes. */
  source: Readable;
  /**
   * Resolves when the producer of `source` succeeded (e.g. `pg_dump` exited 0), rejects otherwise. The request is
   * ended (the CRB sees a complete stream) only after both the source ended AND this resolved; if it rejects the
   * request is destroyed, so the CRB keeps nothing. Default: the end of `source` is enough (a file).
   */
  sourceSucceeded?: Promise<void>;
  /** Hint headers of orcs DSBs: `dsb`, `copyTimestamp`, `facility`. */
  hints?: { dsb?: string; copyTimestamp?: number | null; facility?: string };
  /**
   * The digest computed while streaming and sent as a trailer for the CRB to check before it keeps the copy
   * (default `crc32`: 0.25 CPU-s per GB against 0.63 for SHA-256, see copy-digests). Unused with `known`.
   */
  digest?: CopyDigestAlgorithm;
  /**
   * Size and digest of `source` when known up front (a stored copy): sent as `Content-Length` and an expected-digest
   * header instead of chunks and a trailer, and nothing is hashed on the way.
   */
  known?: { size: number; digest: CopyDigest };
}

/** A copy being downloaded: `stream` yields the bytes and errors at its end when the digest or length is wrong. */
export interface CopyDownload {
  stream: Readable;
  /** The CRB's digest the stream is checked against, if it announced one the client can use (never for a range). */
  expected?: CopyDigest;
  contentLength?: number;
  /** The part of the copy served, for a range request: `Content-Range` (inclusive `end`) and the copy's size. */
  range?: { start: number; end: number; size: number };
  /** Filled once the stream ended (`digest` only when there was one to check). */
  result: { size: number; digest?: CopyDigest };
}

export interface CopyDownloadOptions extends CrbDataOptions {
  /** The CRB's registered URL (…/crb), possibly a grant URL. */
  url: string;
  copyId: string;
  /** The digest checked when the CRB announced it (default `crc32`), else the other one it announced. */
  prefer?: CopyDigestAlgorithm;
  /**
   * Only bytes `start` to `end` (inclusive; default the end of the copy). The CRB must answer 206 with a matching
   * `Content-Range` (or 200 for a range that is the whole copy); the bytes are checked against the length, not
   * against a digest (the CRB's is of the whole copy).
   */
  range?: { start: number; end?: number };
}

const agentFor = (u: URL) => (u.protocol === 'https:' ? https : http);

/** A 502 quoting the CRB, its URL and body with any `/cap/<token>` redacted. */
const badGateway = (message: string, cause?: unknown) => new BadGatewayError(redactCapabilities(message), cause === undefined ? undefined : { cause });

async function readSmallBody(res: http.IncomingMessage, onChunk?: () => void, limit = 16_384): Promise<string> {
  let text = '';
  for await (const chunk of res) { onChunk?.(); if (text.length < limit) text += (chunk as Buffer).toString('utf8'); }
  return text.slice(0, limit);
}

/** The `message` of a JSON error body, else the text itself (trimmed); at most MAX_QUOTED characters. */
function errorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown };
    if (j && typeof j.message === 'string') return j.message.slice(0, MAX_QUOTED);
  } catch { /* plain text */ }
  return text.trim().slice(0, MAX_QUOTED) || '(no body)';
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** Calls `cb` once the request's connection is usable: TCP connected and, for https, the TLS handshake done. */
function whenConnected(req: http.ClientRequest, cb: () => void): void {
  req.once('socket', (socket: Socket) => {
    if (!socket.connecting) cb();
    else socket.once((socket as TLSSocket).encrypted ? 'secureConnect' : 'connect', cb);
  });
}

/**
 * Streams `source` to `POST {crb.url}/repositories/{repoId}/copies/{copyId}/data` with backpressure. The CRB checks
 * the bytes before keeping them: against a digest computed on the way and sent as a trailer (`X-Ocopea-Expected-
 * Crc32` or `-Sha256`, announced in `Trailer`), or against the `known` one sent as a header. Resolves once the
 * producer succeeded, the whole stream was sent and the CRB answered 2xx, with a matching digest when it announced
 * one. Any failure destroys the request (the CRB sees an aborted upload and keeps no partial copy) and rejects: 409
 * `ConflictError` when the CRB already holds the copy id (the caller's conflict), 502 `BadGatewayError` for other
 * CRB refusals, unreachability, digest mismatches and a CRB idle for `idleTimeoutMs`; the producer's own error when
 * `sourceSucceeded` rejects; 503 when `signal` aborts.
 */
export function uploadCopy(o: CopyUploadOptions): Promise<CopyUploadResult> {
  const peer = o.peer ?? 'CRB';
  const target = new URL(`${o.crb.url.replace(/\/+$/, '')}${COPY_DATA_PATHS.upload(o.crb.repoId, o.copyId)}`);
  const where = `POST ${redactCapabilities(target.href)}`; // the URL may carry a scoped credential
  const algorithm = o.known?.digest.algorithm ?? o.digest ?? 'crc32';
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', accept: 'application/json, */*' };
  if (o.known) {
    headers['content-length'] = String(o.known.size);
    headers[EXPECTED_DIGEST_HEADERS[algorithm]] = o.known.digest.hex;
  } else {
    headers['transfer-encoding'] = 'chunked';
    headers.trailer = EXPECTED_DIGEST_HEADERS[algorithm];
  }
  if (o.hints?.dsb) headers[COPY_HINT_HEADERS.dsb] = o.hints.dsb;
  if (o.hints?.copyTimestamp !== undefined && o.hints.copyTimestamp !== null) headers[COPY_HINT_HEADERS.copyTimestamp] = String(o.hints.copyTimestamp);
  if (o.hints?.facility) headers[COPY_HINT_HEADERS.facility] = o.hints.facility;
  const sourceSucceeded = o.sourceSucceeded ?? Promise.resolve();

  const idleMs = o.idleTimeoutMs ?? CRB_IDLE_TIMEOUT_MS;
  return new Promise<CopyUploadResult>((resolve, reject) => {
    const hash = o.known ? undefined : streamDigest(algorithm);
    let size = 0;
    let settled = false;
    let sent: string | undefined; // hex digest once the request was ended
    let awaited: 'connect' | 'read' | 'answer' | 'rest' = 'connect';
    let status = 0;
    const req = agentFor(target).request(target, { method: 'POST', headers, ...peerTlsOptions() });

    const watch = watchIdle(idleMs, () => awaited !== 'read' || req.writableLength > 0, () => {
      const what = {
        connect: 'accepted no connection',
        read: 'read nothing of the upload',
        answer: 'sent no answer after the whole copy was sent',
        rest: `sent nothing more of its ${status} answer`,
      }[awaited];
      fail(badGateway(`${peer} at ${where} ${what} for ${seconds(idleMs)} (idle timeout)`));
    });
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      watch.stop();
      o.source.off('data', onData);
      o.source.destroy();
      req.destroy(err);
      reject(err);
    };
    const onAbort = () => fail(new OcopeaError(503, 'unavailable', 'copy aborted: the broker is shutting down'));
    o.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (err) => fail(badGateway(`${peer} unreachable or connection lost on ${where}: ${err.message}`, err)));
    req.on('response', (res) => {
      awaited = 'rest';
      status = res.statusCode ?? 0;
      watch.progress();
      readSmallBody(res, watch.progress).then((text) => {
        // A CRB 409 means the caller reused a copy id: the caller's conflict (409), not a broken CRB (502).
        if (status === 409) return fail(new ConflictError(redactCapabilities(`copy '${o.copyId}' already exists in the ${peer} (${where}): ${errorMessage(text)}`)));
        if (status < 200 || status > 299) return fail(badGateway(`${peer} answered ${status} to ${where}: ${errorMessage(text)}`));
        if (sent === undefined) return fail(badGateway(`${peer} answered ${status} to ${where} before the whole copy was sent`));
        const announced = announcedDigests(res.headers);
        const theirs = announced[algorithm];
        if (theirs !== undefined && theirs !== sent) {
          return fail(badGateway(`${peer} stored a copy with ${algorithm} ${theirs}, the broker sent ${sent} (${size} bytes)`));
        }
        if (settled) return;
        settled = true;
        watch.stop();
        o.signal?.removeEventListener('abort', onAbort);
        resolve({ size, digest: { algorithm, hex: sent }, confirmed: theirs !== undefined, crbStatus: status, crbSha256: announced.sha256 });
      }, (err: Error) => fail(badGateway(`${peer} connection lost while answering ${where}: ${err.message}`, err)));
    });

    const onBytes = o.onBytes ?? (() => undefined);
    const onData = (chunk: Buffer) => {
      hash?.update(chunk);
      size += chunk.length;
      onBytes(chunk.length);
      // The CRB is awaited from the moment it has bytes to take, not since it last took some before a silent spell.
      if (req.writableLength === 0) watch.progress();
      // The callback runs once the chunk left for the kernel: the CRB is reading.
      if (!req.write(chunk, watch.progress) && req.writableLength >= IN_FLIGHT) {
        o.source.pause();
        req.once('drain', () => { if (!settled) o.source.resume(); });
      }
    };
    // Start reading only once connected: a ClientRequest written to before its socket connects may never emit
    // 'drain' (the buffered data is flushed without one), which would leave the paused source stuck.
    whenConnected(req, () => {
      if (settled) return;
      if (awaited === 'connect') awaited = 'read';
      watch.progress();
      o.source.on('data', onData);
    });
    // Everything sent, trailer included: what is left is the CRB's answer.
    req.once('finish', () => { if (awaited === 'read') { awaited = 'answer'; watch.progress(); } });
    req.flushHeaders();
    const sourceEnded = new Promise<void>((res, rej) => {
      o.source.once('end', res);
      o.source.once('error', rej);
      o.source.once('close', () => rej(new Error('copy source closed before its end')));
    });
    Promise.all([sourceEnded, sourceSucceeded]).then(() => {
      if (settled) return;
      if (hash) {
        sent = hash.digest();
        req.addTrailers({ [EXPECTED_DIGEST_HEADERS[algorithm]]: sent });
      } else {
        sent = o.known!.digest.hex;
      }
      if (req.writableLength === 0) watch.progress(); // as in onData: the last bytes are new work for the CRB
      req.end();
    }, (err: Error) => fail(err));
    // a rejection observed by fail() above; keep the floating promise quiet
    sourceSucceeded.catch(() => undefined);
  });
}

/**
 * `GET {url}/copies/{copyId}/data`, whole or a `range`. Rejects (with a message quoting the CRB) unless it answers
 * 200, or 206 to a range. The returned stream verifies, when it has ended, the byte count against Content-Length and
 * (whole copies) the bytes against the CRB's digest header, and errors instead of ending when either is wrong —
 * consumers must treat a stream error as a failed restore and throw away what they loaded. The digest checked is
 * `prefer` (default `crc32`) when the CRB announced it, else the other one it announced (copies stored before
 * crb-fs computed CRC-32 announce SHA-256 only).
 *
 * A CRB idle for `idleTimeoutMs` while it is awaited fails the download with a `BadGatewayError`: the promise
 * rejects before the answer, the stream errors once it started. A consumer that stops reading (the stream paused
 * by backpressure) is never timed out.
 */
export function downloadCopy(o: CopyDownloadOptions): Promise<CopyDownload> {
  const peer = o.peer ?? 'CRB';
  const onBytes = o.onBytes ?? (() => undefined);
  const target = new URL(`${o.url.replace(/\/+$/, '')}${COPY_DATA_PATHS.download(o.copyId)}`);
  const where = `GET ${redactCapabilities(target.href)}`;
  const idleMs = o.idleTimeoutMs ?? CRB_IDLE_TIMEOUT_MS;
  const headers: Record<string, string> = { accept: 'application/octet-stream, application/json' };
  if (o.range) headers.range = `bytes=${o.range.start}-${o.range.end ?? ''}`;
  return new Promise<CopyDownload>((resolve, reject) => {
    const req = agentFor(target).request(target, { method: 'GET', headers, signal: o.signal, ...peerTlsOptions() });
    let connected = false;
    // Set once the copy's bytes flow: from then on the stream, not the promise, reports a stall.
    let body: { res: http.IncomingMessage; verifier: Transform; contentLength?: number } | undefined;
    let status = 0;
    const result: CopyDownload['result'] = { size: 0 };
    const watch = watchIdle(idleMs, () => !body?.res.isPaused(), () => {
      const idle = `for ${seconds(idleMs)} (idle timeout)`;
      if (body) {
        const of = body.contentLength !== undefined ? ` of ${body.contentLength}` : '';
        body.verifier.destroy(badGateway(`${peer} at ${where} sent no bytes of copy ${o.copyId} ${idle}, after ${result.size}${of} bytes`));
        return;
      }
      const what = !connected ? 'accepted no connection' : status ? `sent nothing more of its ${status} answer` : 'sent no answer';
      const err = badGateway(`${peer} at ${where} ${what} ${idle}`);
      reject(err);
      req.destroy(err);
    });
    whenConnected(req, () => { connected = true; watch.progress(); });
    // Once the copy flows the stream reports failures and the watch ends with it.
    req.on('error', (err) => { if (!body) watch.stop(); reject(badGateway(`${peer} unreachable on ${where}: ${err.message}`, err)); });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      watch.progress();
      let range: CopyDownload['range'];
      const refuse = (message: string) => {
        res.resume();
        watch.stop();
        reject(badGateway(message));
      };
      if (status === 206 && o.range) {
        range = parseContentRange(res.headers['content-range']);
        if (!range || range.start !== o.range.start) return refuse(`${peer} answered ${where} with ${res.headers['content-range'] ?? 'no Content-Range'}, not the range asked (${headers.range})`);
      } else if (status === 200 && o.range && (o.range.start !== 0 || o.range.end !== undefined)) {
        return refuse(`${peer} answered ${where} with the whole copy, not the range asked (${headers.range})`);
      } else if (status !== 200) {
        readSmallBody(res, watch.progress).then((text) => reject(badGateway(`${peer} answered ${status} to ${where}: ${errorMessage(text)}`)), reject)
          .finally(() => watch.stop());
        return;
      }
      // A range is not the copy its digests describe: only its length is checked.
      const announced = range ? {} : announcedDigests(res.headers);
      const prefer = o.prefer ?? 'crc32';
      const other = prefer === 'crc32' ? 'sha256' : 'crc32';
      const algorithm = announced[prefer] !== undefined ? prefer : announced[other] !== undefined ? other : undefined;
      const expected: CopyDigest | undefined = algorithm ? { algorithm, hex: announced[algorithm]! } : undefined;
      const cl = res.headers['content-length'];
      const contentLength = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
      const hash = expected ? streamDigest(expected.algorithm) : undefined;
      // No buffer of its own (the default high-water mark, a single chunk): the consumer keeps the roomy one, in front
      // of the child it feeds (feedStdin). With 1 MiB here as well, chunks waited long enough for slow pg_restore to
      // be promoted, and a 1 GB restore cost the broker 4.3 to 6 CPU-s with 10 to 26 major GCs; with one chunk,
      // 2.9 to 4.2 CPU-s and 1 to 3 major GCs, at the same speed (pg_restore sets it).
      const verifier = new Transform({
        transform(chunk: Buffer, _enc, cb: TransformCallback) { hash?.update(chunk); result.size += chunk.length; onBytes(chunk.length); cb(null, chunk); },
        flush(cb: TransformCallback) {
          if (hash && expected) result.digest = { algorithm: expected.algorithm, hex: hash.digest() };
          if (contentLength !== undefined && result.size !== contentLength) {
            return cb(new Error(`copy ${o.copyId} is truncated: received ${result.size} of ${contentLength} bytes`));
          }
          if (expected && result.digest && result.digest.hex !== expected.hex) {
            return cb(new Error(`copy ${o.copyId} is corrupt: ${expected.algorithm} of the received bytes is ${result.digest.hex}, the ${peer} announced ${expected.hex}`));
          }
          cb();
        },
      });
      res.on('error', (err) => verifier.destroy(new Error(`download of copy ${o.copyId} broke off: ${err.message}`)));
      res.on('aborted', () => verifier.destroy(new Error(`download of copy ${o.copyId} broke off`)));
      verifier.on('close', () => { watch.stop(); if (!res.complete) res.destroy(); });
      body = { res, verifier, contentLength };
      res.on('data', watch.progress);
      // A consumer back from a pause asks the CRB afresh: its idle time starts now, not at the last byte.
      res.on('resume', watch.progress);
      res.on('end', () => watch.stop());
      res.pipe(verifier);
      resolve({ stream: verifier, expected, contentLength, range, result });
    });
    req.end();
  });
}

/** `bytes 10-19/100` → `{start: 10, end: 19, size: 100}`; undefined when absent or malformed. */
function parseContentRange(v: string | undefined): CopyDownload['range'] {
  const m = v ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(v.trim()) : null;
  return m ? { start: Number(m[1]), end: Number(m[2]), size: Number(m[3]) } : undefined;
}

/** What a CRB says of a stored copy without sending it: whether it holds it, its size and the digests it announces. */
export type CopyProbe =
  | { found: false }
  | { found: true; size?: number; digests: Partial<Record<CopyDigestAlgorithm, string>> };

/**
 * Asks the CRB for the first byte of a copy (`Range: bytes=0-0`) and reads what the answer says of the whole copy:
 * its digests (which always describe the whole copy) and its size (`Content-Range`, or `Content-Length` of a CRB
 * that ignores ranges — whose body is then not read). A broker keeping a local golden copy of a CRB copy asks this
 * before every clone: a copy that is gone or holds other bytes (another digest) must not be cloned from a stale
 * golden. `{found: false}` on 404; a 502 `BadGatewayError` for anything else the CRB answers or when it cannot be
 * reached within `idleTimeoutMs` (default 10 s: a probe is small, and a clone waits on it).
 */
export function probeCopy(o: { url: string; copyId: string; signal?: AbortSignal; idleTimeoutMs?: number; peer?: string }): Promise<CopyProbe> {
  const peer = o.peer ?? 'CRB';
  const target = new URL(`${o.url.replace(/\/+$/, '')}${COPY_DATA_PATHS.download(o.copyId)}`);
  const where = `GET ${redactCapabilities(target.href)}`;
  return new Promise<CopyProbe>((resolve, reject) => {
    const req = agentFor(target).request(target, {
      method: 'GET', headers: { accept: 'application/octet-stream, application/json', range: 'bytes=0-0' }, signal: o.signal, ...peerTlsOptions(),
      timeout: o.idleTimeoutMs ?? 10_000,
    });
    req.on('timeout', () => req.destroy(badGateway(`${peer} at ${where} did not answer within ${seconds(o.idleTimeoutMs ?? 10_000)}`)));
    req.on('error', (err) => reject(err instanceof OcopeaError ? err : badGateway(`${peer} unreachable on ${where}: ${err.message}`, err)));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status === 404) { res.resume(); resolve({ found: false }); return; }
      if (status !== 200 && status !== 206) {
        readSmallBody(res).then((text) => reject(badGateway(`${peer} answered ${status} to ${where}: ${errorMessage(text)}`)), reject);
        return;
      }
      const range = status === 206 ? parseContentRange(res.headers['content-range']) : undefined;
      const cl = res.headers['content-length'];
      const size = range ? range.size : cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
      // Only the headers matter: a 206 body is one byte, a 200 (a CRB ignoring ranges) is not worth reading.
      res.destroy();
      resolve({ found: true, size, digests: announcedDigests(res.headers) });
    });
    req.end();
  });
}
