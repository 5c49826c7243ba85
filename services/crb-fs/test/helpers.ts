import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { TEST_ADMIN_TOKEN } from '@ocopea/testing';

export interface Answer { status: number; headers: IncomingHttpHeaders; body: Buffer; json(): unknown }

/** Who a request is sent as. */
export interface As {
  /**
   * The bearer token sent as `Authorization: Bearer <token>`: by default the admin token every service a test starts
   * accepts (`TEST_ADMIN_TOKEN`); null sends no Authorization header (e.g. with a capability URL).
   */
  token?: string | null;
}

export interface SendOptions extends As { body?: Buffer | Readable | string; headers?: Record<string, string>; trailers?: Record<string, string> }

/**
 * One HTTP request over a real socket; `body` may be a Buffer or a stream. With `trailers` the body goes chunked,
 * the trailer names announced in `Trailer`, and the trailers after the last chunk.
 */
export function send(method: string, url: string, opts: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // The path goes out exactly as written (a WHATWG URL would resolve `%2E%2E` segments before sending).
    const m = /^http:\/\/([^/:]+):(\d+)(\/.*)$/.exec(url);
    if (!m) throw new Error(`not an http URL with a port and path: ${url}`);
    const token = opts.token === undefined ? TEST_ADMIN_TOKEN : opts.token;
    const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...opts.headers };
    if (opts.trailers) Object.assign(headers, { 'transfer-encoding': 'chunked', trailer: Object.keys(opts.trailers).join(', ') });
    const req = http.request({ host: m[1], port: Number(m[2]), path: m[3], method, headers });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    if (opts.body instanceof Readable) {
      opts.body.pipe(req, { end: !opts.trailers });
      if (opts.trailers) opts.body.once('end', () => { req.addTrailers(opts.trailers!); req.end(); });
    } else {
      if (opts.body !== undefined) req.write(opts.body);
      if (opts.trailers) req.addTrailers(opts.trailers);
      req.end();
    }
  });
}

export const json = (method: string, url: string, body?: unknown, as: As = {}) =>
  send(method, url, body === undefined ? as : { ...as, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

export const upload = (url: string, body: Buffer | Readable, headers: Record<string, string> = {}, trailers?: Record<string, string>, as: As = {}) =>
  send('POST', url, { ...as, body, headers: { 'content-type': 'application/octet-stream', ...headers }, trailers });

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** CRC-32 (ISO-HDLC) as 8 hex digits, by node's own zlib: independent of the CRB's implementation. */
export const crc32 = (b: Buffer) => zlibCrc32(b).toString(16).padStart(8, '0');

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; b[i] = x & 0xff; }
  return b;
}

/** Files in `<dataDir>/<sub>` (empty when the folder does not exist). */
export function filesIn(dataDir: string, sub: string): string[] {
  const d = path.join(dataDir, sub);
  return existsSync(d) ? readdirSync(d) : [];
}

/** Polls `probe` until it returns true (or fails after `timeoutMs`). */
export async function eventually(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
