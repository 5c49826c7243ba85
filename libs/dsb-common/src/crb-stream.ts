import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { announcedDigests, COPY_DIGEST_HEADERS, peerTlsOptions, streamDigest, type CopyDigestAlgorithm } from '@ocopea/api';
import { BadGatewayError, ConflictError, OcopeaError, redactCapabilities } from '@ocopea/errors';
import type { CrbLocation } from '@ocopea/api';
import { IN_FLIGHT } from './process-stream';

/** A digest of a copy's bytes: which one, and its value in lower-case hex. */
export interface CopyDigest { algorithm: CopyDigestAlgorithm; hex: string }

/** What a finished upload proved: bytes sent, their digest, and what the CRB answered. */
export interface UploadResult {
  size: number;
  /** The digest the broker computed of the bytes it sent. */
  digest: CopyDigest;
  /**
   * Whether the CRB confirmed that digest: it announced the same value back (a CRB that checks the trailer refuses
   * a different one before anything is stored). False for a CRB that neither checks trailers nor announces it.
   */
  confirmed: boolean;
  crbStatus: number;
  /** The CRB's `X-Ocopea-Sha256` (or `Repr-Digest`) in hex, when it sent one. */
  crbSha256?: string;
}

export interface UploadOptions {
  crb: CrbLocation;
  copyId: string;
  /** The dump's bytes. */
  source: Readable;
  /**
   * Resolves when the producer of `source` succeeded (e.g. `pg_dump` exited 0), rejects otherwise. The request is
   * ended (the CRB sees a complete stream) only after both the source ended AND this resolved; if it rejects the
   * request is destroyed, so the CRB keeps nothing.
   */
  sourceSucceeded: Promise<void>;
  /** Hint headers of orcs DSBs: `dsb`, `copyTimestamp`, `facility`. */
  hints?: { dsb?: string; copyTimestamp?: number | null; facility?: string };
  signal?: AbortSignal;
  /** Told of every byte sent (the broker's stream reclaimer). */
  onBytes?: (bytes: number) => void;
  /**
   * The digest computed while streaming and sent as a trailer for the CRB to check before it keeps the copy
   * (default `crc32`: 0.25 CPU-s per GB against 0.63 for SHA-256, see @ocopea/api copy-digests).
   */
  digest?: CopyDigestAlgorithm;
  /**
   * Fail (502, request destroyed) once the CRB made no progress for this long while it was the one awaited:
   * connecting, reading queued bytes of the upload, answering. Idle time, not total time: 100 GB copies take hours.
   * A silent producer (`source` with nothing queued) is not the CRB's fault and never times out. Also covers crb-fs
   * fsyncing and renaming after the last byte, before it answers. Reading is seen when the kernel took a whole
   * write (up to IN_FLIGHT, past socket buffers of a few MB), so a CRB must take a few MB per period: generous at
   * the default. Default `CRB_IDLE_TIMEOUT_MS`; 0 disables.
   */
  idleTimeoutMs?: number;
}

/**
 * How long a CRB may make no progress before a copy or restore fails. A healthy CRB never goes a minute without
 * reading or sending a byte; twice that leaves room for the fsync and rename crb-fs does before it answers, and
 * for the few MB of kernel socket buffers it still has to read after the broker sent its last byte.
 */
export const CRB_IDLE_TIMEOUT_MS = 120_000;

const agentFor = (u: URL) => (u.protocol === 'https:' ? https : http);

const EXPECTED_HEADER = { sha256: COPY_DIGEST_HEADERS.expectedSha256, crc32: COPY_DIGEST_HEADERS.expectedCrc32 } as const;

async function readSmallBody(res: http.IncomingMessage, onChunk?: () => void, limit = 16_384): Promise<string> {
  let text = '';
  for await (const chunk of res) { onChunk?.(); if (text.length < limit) text += (chunk as Buffer).toString('utf8'); }
  return text.slice(0, limit);
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** Calls `cb` once the request's connection is usable: TCP connected and, for https, the TLS handshake done. */
function whenConnected(req: http.ClientRequest, cb: () => void): void {
  req.once('socket', (socket: Socket) => {
    if (!socket.connecting) cb();
    else socket.once((socket as TLSSocket).encrypted ? 'secureConnect' : 'connect', cb);
  });
}

interface IdleWatch {
  /** The CRB did something (connected, took or sent bytes): its idle time starts over. */
  progress(): void;
  stop(): void;
}

/**
 * Calls `onIdle` once, after `ms` without `progress()` during which `crbAwaited()` held when looked at. Own timer
 * rather than `req.setTimeout()`: socket inactivity also counts the waits that are not the CRB's (a producer with
 * nothing to send, a restore consumer busy building indexes while the download is paused), `setTimeout` arms only
 * once connected, and the request relays just the first socket 'timeout'. Progress only stamps a time (it is marked
 * per 64 KiB chunk); the timer is unref'd so that it never keeps the process alive.
 */
function watchIdle(ms: number, crbAwaited: () => boolean, onIdle: () => void): IdleWatch {
  if (!(ms > 0)) return { progress: () => undefined, stop: () => undefined };
  let last = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const arm = (delay: number) => { timer = setTimeout(check, delay); timer.unref(); };
  const check = () => {
    timer = undefined;
    const now = performance.now();
    if (now - last < ms) return arm(ms - (now - last));
    // Waiting on our side: the CRB's clock starts over when it is awaited again.
    if (!crbAwaited()) { last = now; return arm(ms); }
    onIdle();
  };
  arm(ms);
  return {
    progress: () => { last = performance.now(); },
    stop: () => { if (timer) clearTimeout(timer); timer = undefined; },
  };
}

/** The `message` of a JSON error body, else the text itself (trimmed). */
function errorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: unknown };
    if (j && typeof j.message === 'string') return j.message;
  } catch { /* plain text */ }
  return text.trim().slice(0, 500) || '(no body)';
}

/**
 * Streams `source` to `POST {crb.url}/repositories/{repoId}/copies/{copyId}/data` with backpressure, digesting it
 * on the way and sending the digest as a trailer (`X-Ocopea-Expected-Crc32` or `-Sha256`, announced in `Trailer`)
 * so the CRB can refuse a copy that arrived different before keeping it. Resolves once the producer succeeded, the
 * whole stream was sent and the CRB answered 2xx, with a matching digest when it announced one. Any failure
 * destroys the request (the CRB sees an aborted upload and keeps no partial copy) and rejects: 502
 * `BadGatewayError` for CRB refusals, unreachability, digest mismatches and a CRB idle for `idleTimeoutMs`; the
 * producer's own error when `sourceSucceeded` rejects.
 */
export function uploadCopy(o: UploadOptions): Promise<UploadResult> {
  const target = new URL(`${o.crb.url}/repositories/${encodeURIComponent(o.crb.repoId)}/copies/${encodeURIComponent(o.copyId)}/data`);
  const where = `POST ${redactCapabilities(target.href)}`; // the URL may carry a scoped credential
  const algorithm = o.digest ?? 'crc32';
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked', accept: 'application/json, */*', trailer: EXPECTED_HEADER[algorithm],
  };
  if (o.hints?.dsb) headers.dsb = o.hints.dsb;
  if (o.hints?.copyTimestamp !== undefined && o.hints.copyTimestamp !== null) headers.copyTimestamp = String(o.hints.copyTimestamp);
  if (o.hints?.facility) headers.facility = o.hints.facility;

  const idleMs = o.idleTimeoutMs ?? CRB_IDLE_TIMEOUT_MS;
  return new Promise<UploadResult>((resolve, reject) => {
    const hash = streamDigest(algorithm);
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
      fail(new BadGatewayError(`CRB at ${where} ${what} for ${seconds(idleMs)} (idle timeout)`));
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

    req.on('error', (err) => fail(new BadGatewayError(`CRB unreachable or connection lost on ${where}: ${err.message}`, { cause: err })));
    req.on('response', (res) => {
      awaited = 'rest';
      status = res.statusCode ?? 0;
      watch.progress();
      readSmallBody(res, watch.progress).then((text) => {
        // A CRB 409 means the caller reused a copy id: the caller's conflict (409), not a broken CRB (502).
        if (status === 409) return fail(new ConflictError(`copy '${o.copyId}' already exists in the CRB (${where}): ${errorMessage(text)}`));
        if (status < 200 || status > 299) return fail(new BadGatewayError(`CRB answered ${status} to ${where}: ${errorMessage(text)}`));
        if (sent === undefined) return fail(new BadGatewayError(`CRB answered ${status} to ${where} before the whole copy was sent`));
        const announced = announcedDigests(res.headers);
        const theirs = announced[algorithm];
        if (theirs !== undefined && theirs !== sent) {
          return fail(new BadGatewayError(`CRB stored a copy with ${algorithm} ${theirs}, the broker sent ${sent} (${size} bytes)`));
        }
        if (settled) return;
        settled = true;
        watch.stop();
        o.signal?.removeEventListener('abort', onAbort);
        resolve({ size, digest: { algorithm, hex: sent }, confirmed: theirs !== undefined, crbStatus: status, crbSha256: announced.sha256 });
      }, (err: Error) => fail(new BadGatewayError(`CRB connection lost while answering ${where}: ${err.message}`, { cause: err })));
    });

    const onBytes = o.onBytes ?? (() => undefined);
    const onData = (chunk: Buffer) => {
      hash.update(chunk);
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
    Promise.all([sourceEnded, o.sourceSucceeded]).then(() => {
      if (settled) return;
      sent = hash.digest();
      req.addTrailers({ [EXPECTED_HEADER[algorithm]]: sent });
      if (req.writableLength === 0) watch.progress(); // as in onData: the last bytes are new work for the CRB
      req.end();
    }, (err: Error) => fail(err));
    // a rejection observed by fail() above; keep the floating promise quiet
    o.sourceSucceeded.catch(() => undefined);
  });
}

/** A copy being downloaded: `stream` yields the bytes and errors at its end when the digest or length is wrong. */
export interface Download {
  stream: Readable;
  /** The CRB's digest the stream is checked against, if it announced one the broker can use. */
  expected?: CopyDigest;
  contentLength?: number;
  /** Filled once the stream ended (`digest` only when there was one to check). */
  result: { size: number; digest?: CopyDigest };
}

/**
 * `GET {url}/copies/{copyId}/data`. Rejects (with a message quoting the CRB) unless it answers 2xx. The returned
 * stream verifies, when it has ended, the byte count against Content-Length and the bytes against the CRB's digest
 * header, and errors instead of ending when either is wrong — consumers must treat a stream error as a failed
 * restore and throw away what they loaded. The digest checked is `prefer` (default `crc32`) when the CRB announced
 * it, else the other one it announced (copies stored before crb-fs computed CRC-32 announce SHA-256 only).
 *
 * A CRB idle for `idleTimeoutMs` (default `CRB_IDLE_TIMEOUT_MS`, 0 disables) while it is awaited fails the download
 * with a `BadGatewayError`: the promise rejects before the answer, the stream errors once it started. A consumer
 * that stops reading (the stream paused by backpressure) is never timed out.
 */
export function downloadCopy(o: {
  url: string; copyId: string; signal?: AbortSignal; onBytes?: (bytes: number) => void; prefer?: CopyDigestAlgorithm;
  /** Longest the CRB may send nothing while the broker waits for it, see `UploadOptions.idleTimeoutMs`. */
  idleTimeoutMs?: number;
}): Promise<Download> {
  const onBytes = o.onBytes ?? (() => undefined);
  const target = new URL(`${o.url.replace(/\/+$/, '')}/copies/${encodeURIComponent(o.copyId)}/data`);
  const where = `GET ${redactCapabilities(target.href)}`;
  const idleMs = o.idleTimeoutMs ?? CRB_IDLE_TIMEOUT_MS;
  return new Promise<Download>((resolve, reject) => {
    const req = agentFor(target).request(target, { method: 'GET', headers: { accept: 'application/octet-stream, application/json' }, signal: o.signal, ...peerTlsOptions() });
    let connected = false;
    // Set once the copy's bytes flow: from then on the stream, not the promise, reports a stall.
    let body: { res: http.IncomingMessage; verifier: Transform; contentLength?: number } | undefined;
    let status = 0;
    const result: Download['result'] = { size: 0 };
    const watch = watchIdle(idleMs, () => !body?.res.isPaused(), () => {
      const idle = `for ${seconds(idleMs)} (idle timeout)`;
      if (body) {
        const of = body.contentLength !== undefined ? ` of ${body.contentLength}` : '';
        body.verifier.destroy(new BadGatewayError(`CRB at ${where} sent no bytes of copy ${o.copyId} ${idle}, after ${result.size}${of} bytes`));
        return;
      }
      const what = !connected ? 'accepted no connection' : status ? `sent nothing more of its ${status} answer` : 'sent no answer';
      const err = new BadGatewayError(`CRB at ${where} ${what} ${idle}`);
      reject(err);
      req.destroy(err);
    });
    whenConnected(req, () => { connected = true; watch.progress(); });
    // Once the copy flows the stream reports failures and the watch ends with it.
    req.on('error', (err) => { if (!body) watch.stop(); reject(new BadGatewayError(`CRB unreachable on ${where}: ${err.message}`, { cause: err })); });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      watch.progress();
      if (status !== 200) {
        readSmallBody(res, watch.progress).then((text) => reject(new BadGatewayError(`CRB answered ${status} to ${where}: ${errorMessage(text)}`)), reject)
          .finally(() => watch.stop());
        return;
      }
      const announced = announcedDigests(res.headers);
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
            return cb(new Error(`copy ${o.copyId} is corrupt: ${expected.algorithm} of the received bytes is ${result.digest.hex}, the CRB announced ${expected.hex}`));
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
      resolve({ stream: verifier, expected, contentLength, result });
    });
    req.end();
  });
}
