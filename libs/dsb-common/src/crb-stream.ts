import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { BadGatewayError, ConflictError, OcopeaError } from '@ocopea/errors';
import type { CrbLocation } from './copy-protocol';
import { IN_FLIGHT } from './process-stream';

/** What a finished upload proved: bytes sent, their SHA-256, and what the CRB answered. */
export interface UploadResult {
  size: number;
  /** 64 lower-case hex digits. */
  sha256: string;
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
}

const agentFor = (u: URL) => (u.protocol === 'https:' ? https : http);

/** `sha-256=:<base64>:` (RFC 9530) or 64 hex digits → lower-case hex; undefined when absent or unparsable. */
export function digestFromHeaders(headers: http.IncomingHttpHeaders): string | undefined {
  const hex = headers['x-ocopea-sha256'];
  if (typeof hex === 'string' && /^[0-9a-fA-F]{64}$/.test(hex.trim())) return hex.trim().toLowerCase();
  const repr = headers['repr-digest'];
  if (typeof repr === 'string') {
    const m = /sha-256=:([A-Za-z0-9+/=]+):/.exec(repr);
    if (m) {
      const buf = Buffer.from(m[1], 'base64');
      if (buf.length === 32) return buf.toString('hex');
    }
  }
  return undefined;
}

async function readSmallBody(res: http.IncomingMessage, limit = 16_384): Promise<string> {
  let text = '';
  for await (const chunk of res) { if (text.length < limit) text += (chunk as Buffer).toString('utf8'); }
  return text.slice(0, limit);
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
 * Streams `source` to `POST {crb.url}/repositories/{repoId}/copies/{copyId}/data` with backpressure, hashing it
 * on the way, and resolves once the producer succeeded, the whole stream was sent and the CRB answered 2xx with a
 * matching digest (when it sent one). Any failure destroys the request (the CRB sees an aborted upload and keeps
 * no partial copy) and rejects: 502 `BadGatewayError` for CRB refusals, unreachability and digest mismatches; the
 * producer's own error when `sourceSucceeded` rejects.
 */
export function uploadCopy(o: UploadOptions): Promise<UploadResult> {
  const target = new URL(`${o.crb.url}/repositories/${encodeURIComponent(o.crb.repoId)}/copies/${encodeURIComponent(o.copyId)}/data`);
  const where = `POST ${target.href}`;
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked', accept: 'application/json, */*' };
  if (o.hints?.dsb) headers.dsb = o.hints.dsb;
  if (o.hints?.copyTimestamp !== undefined && o.hints.copyTimestamp !== null) headers.copyTimestamp = String(o.hints.copyTimestamp);
  if (o.hints?.facility) headers.facility = o.hints.facility;

  return new Promise<UploadResult>((resolve, reject) => {
    const hash = createHash('sha256');
    let size = 0;
    let settled = false;
    let sent: string | undefined; // hex digest once the request was ended
    const req = agentFor(target).request(target, { method: 'POST', headers });

    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      o.source.off('data', onData);
      o.source.destroy();
      req.destroy(err);
      reject(err);
    };
    const onAbort = () => fail(new OcopeaError(503, 'unavailable', 'copy aborted: the broker is shutting down'));
    o.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (err) => fail(new BadGatewayError(`CRB unreachable or connection lost on ${where}: ${err.message}`, { cause: err })));
    req.on('response', (res) => {
      readSmallBody(res).then((text) => {
        const status = res.statusCode ?? 0;
        // A CRB 409 means the caller reused a copy id: the caller's conflict (409), not a broken CRB (502).
        if (status === 409) return fail(new ConflictError(`copy '${o.copyId}' already exists in the CRB (${where}): ${errorMessage(text)}`));
        if (status < 200 || status > 299) return fail(new BadGatewayError(`CRB answered ${status} to ${where}: ${errorMessage(text)}`));
        if (sent === undefined) return fail(new BadGatewayError(`CRB answered ${status} to ${where} before the whole copy was sent`));
        const crbSha256 = digestFromHeaders(res.headers);
        if (crbSha256 !== undefined && crbSha256 !== sent) {
          return fail(new BadGatewayError(`CRB stored a copy with sha256 ${crbSha256}, the broker sent ${sent} (${size} bytes)`));
        }
        if (settled) return;
        settled = true;
        o.signal?.removeEventListener('abort', onAbort);
        resolve({ size, sha256: sent, crbStatus: status, crbSha256 });
      }, (err: Error) => fail(new BadGatewayError(`CRB connection lost while answering ${where}: ${err.message}`, { cause: err })));
    });

    const onBytes = o.onBytes ?? (() => undefined);
    const onData = (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      onBytes(chunk.length);
      if (!req.write(chunk) && req.writableLength >= IN_FLIGHT) {
        o.source.pause();
        req.once('drain', () => { if (!settled) o.source.resume(); });
      }
    };
    // Start reading only once connected: a ClientRequest written to before its socket connects may never emit
    // 'drain' (the buffered data is flushed without one), which would leave the paused source stuck.
    const start = () => { if (!settled) o.source.on('data', onData); };
    req.once('socket', (socket) => { if (socket.connecting) socket.once('connect', start); else start(); });
    req.flushHeaders();
    const sourceEnded = new Promise<void>((res, rej) => {
      o.source.once('end', res);
      o.source.once('error', rej);
      o.source.once('close', () => rej(new Error('copy source closed before its end')));
    });
    Promise.all([sourceEnded, o.sourceSucceeded]).then(() => {
      if (settled) return;
      sent = hash.digest('hex');
      req.end();
    }, (err: Error) => fail(err));
    // a rejection observed by fail() above; keep the floating promise quiet
    o.sourceSucceeded.catch(() => undefined);
  });
}

/** A copy being downloaded: `stream` yields the bytes and errors at its end when the digest or length is wrong. */
export interface Download {
  stream: Readable;
  /** Hex digest announced by the CRB (X-Ocopea-Sha256 or Repr-Digest), if any. */
  expectedSha256?: string;
  contentLength?: number;
  /** Filled once the stream ended. */
  result: { size: number; sha256?: string };
}

/**
 * `GET {url}/copies/{copyId}/data`. Rejects (with a message quoting the CRB) unless it answers 2xx. The returned
 * stream verifies, when it has ended, the byte count against Content-Length and the SHA-256 against the CRB's
 * digest header, and errors instead of ending when either is wrong — consumers must treat a stream error as a
 * failed restore and throw away what they loaded.
 */
export function downloadCopy(o: { url: string; copyId: string; signal?: AbortSignal; onBytes?: (bytes: number) => void }): Promise<Download> {
  const onBytes = o.onBytes ?? (() => undefined);
  const target = new URL(`${o.url.replace(/\/+$/, '')}/copies/${encodeURIComponent(o.copyId)}/data`);
  const where = `GET ${target.href}`;
  return new Promise<Download>((resolve, reject) => {
    const req = agentFor(target).request(target, { method: 'GET', headers: { accept: 'application/octet-stream, application/json' }, signal: o.signal });
    req.on('error', (err) => reject(new BadGatewayError(`CRB unreachable on ${where}: ${err.message}`, { cause: err })));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        readSmallBody(res).then((text) => reject(new BadGatewayError(`CRB answered ${status} to ${where}: ${errorMessage(text)}`)), reject);
        return;
      }
      const expectedSha256 = digestFromHeaders(res.headers);
      const cl = res.headers['content-length'];
      const contentLength = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
      const result: Download['result'] = { size: 0 };
      const hash = createHash('sha256');
      // No buffer of its own (the default high-water mark, a single chunk): the consumer keeps the roomy one, in front
      // of the child it feeds (feedStdin). With 1 MiB here as well, chunks waited long enough for slow pg_restore to
      // be promoted, and a 1 GB restore cost the broker 4.3 to 6 CPU-s with 10 to 26 major GCs; with one chunk,
      // 2.9 to 4.2 CPU-s and 1 to 3 major GCs, at the same speed (pg_restore sets it).
      const verifier = new Transform({
        transform(chunk: Buffer, _enc, cb: TransformCallback) { hash.update(chunk); result.size += chunk.length; onBytes(chunk.length); cb(null, chunk); },
        flush(cb: TransformCallback) {
          result.sha256 = hash.digest('hex');
          if (contentLength !== undefined && result.size !== contentLength) {
            return cb(new Error(`copy ${o.copyId} is truncated: received ${result.size} of ${contentLength} bytes`));
          }
          if (expectedSha256 !== undefined && result.sha256 !== expectedSha256) {
            return cb(new Error(`copy ${o.copyId} is corrupt: sha256 of the received bytes is ${result.sha256}, the CRB announced ${expectedSha256}`));
          }
          cb();
        },
      });
      res.on('error', (err) => verifier.destroy(new Error(`download of copy ${o.copyId} broke off: ${err.message}`)));
      res.on('aborted', () => verifier.destroy(new Error(`download of copy ${o.copyId} broke off`)));
      verifier.on('close', () => { if (!res.complete) res.destroy(); });
      res.pipe(verifier);
      resolve({ stream: verifier, expectedSha256, contentLength, result });
    });
    req.end();
  });
}
