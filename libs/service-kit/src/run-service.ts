import { readFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServiceApp } from './create-service-app';

/** Runtime options of a started service. */
export interface RunOptions {
  port: number;
  host?: string;
  /** Closes stores, stops engines, kills children. Runs after the last in-flight request has finished. */
  onClose?: () => Promise<void> | void;
  /** After this many ms of draining, remaining connections are cut (default 10 000). */
  shutdownTimeoutMs?: number;
  /** Install SIGTERM/SIGINT handlers that shut down and exit (default true; tests pass false). */
  handleSignals?: boolean;
}

/** A listening service. */
export interface RunningService {
  server: Server;
  port: number;
  /** The URL the API hangs under (`http://127.0.0.1:PORT/crb`): what gets registered. */
  url: string;
  /** Graceful stop: refuse new requests, finish in-flight ones, then `onClose`. Idempotent. */
  close(): Promise<void>;
}

/**
 * What node's HTTP parser refuses before any handler runs (a malformed request line or chunk, a URL or headers over
 * the size limit, a missing Host) gets the same `{code, message}` JSON as every other error, instead of node's bare
 * status line. The connection is then closed: after a parse error, nothing more on it can be trusted.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // As node's own handler: answer only when nothing was written on the connection yet, else just cut it.
  if (!socket.writable || (socket as Socket).bytesWritten > 0) { socket.destroy(); return; }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const reason = tooLarge ? 'request_header_fields_too_large' : 'bad_request';
  const message = tooLarge ? 'request line or headers too large' : `malformed HTTP request: ${err.code ?? err.message}`;
  const body = JSON.stringify({ code: status, message, reason });
  socket.end(`HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Listens and arranges graceful shutdown: on SIGTERM the server stops accepting connections, answers 503 to new
 * requests on open keep-alive connections, lets in-flight requests finish, runs `onClose`, and exits 0
 * (1 if the drain timed out and connections had to be cut).
 */
export async function runService<P>(svc: ServiceApp<P>, opts: RunOptions): Promise<RunningService> {
  // Safe by default: loopback only, unless OCOPEA_HOST (or the caller) says where else to listen.
  const host = opts.host ?? (process.env.OCOPEA_HOST || '127.0.0.1');
  if (!svc.auth.enabled && !isLoopback(host)) {
    throw new Error(`OCOPEA_AUTH=off is refused when listening on ${host}: it is for development on loopback only (set OCOPEA_HOST=127.0.0.1, or configure credentials)`);
  }
  const tls = tlsFromEnv();
  // Headers up to 128 KiB reach the kit, so that an oversized credential gets the kit's 401, not node's bare 431.
  const server: Server = tls ? https.createServer({ ...tls, maxHeaderSize: MAX_HEADER_BYTES }, svc.app) : http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, svc.app);
  server.listen(opts.port, host);
  await new Promise<void>((resolve, reject) => { server.once('listening', resolve); server.once('error', reject); });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 0; // copies stream for as long as they need
  server.on('clientError', answerClientError);
  const port = (server.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const scheme = tls ? 'https' : 'http';
  const url = `${scheme}://${shown}:${port}${svc.basePath === '/' ? '' : svc.basePath}`;
  svc.log.info({ port, url, tls: !!tls, docs: `${scheme}://${shown}:${port}/docs` }, `${svc.spec.info.title} listening`);

  let closing: Promise<void> | undefined;
  let timedOut = false;
  const close = () => closing ??= (async () => {
    svc.draining = true;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => { timedOut = true; server.closeAllConnections(); }, opts.shutdownTimeoutMs ?? 10_000);
    timer.unref();
    await drained;
    clearTimeout(timer);
    await opts.onClose?.();
    svc.auth.o.close?.();
    svc.log.info({ timedOut }, 'stopped');
  })();

  if (opts.handleSignals ?? true) {
    const onSignal = (sig: string) => {
      svc.log.info({ signal: sig }, 'shutting down');
      close().then(() => process.exit(timedOut ? 1 : 0), (err) => { svc.log.error({ err }, 'shutdown failed'); process.exit(1); });
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  return { server, port, url, close };
}

/** Whether `host` is a loopback address or name (what `OCOPEA_AUTH=off` is allowed on). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Largest request line plus headers accepted (node's default is 16 KiB). */
export const MAX_HEADER_BYTES = 128 * 1024;

/**
 * TLS for the listening socket: `OCOPEA_TLS_CERT_FILE` and `OCOPEA_TLS_KEY_FILE` (PEM), both or neither. Clients of
 * ours trust a private CA through `OCOPEA_TLS_CA_FILE`.
 */
export function tlsFromEnv(env: NodeJS.ProcessEnv = process.env): { cert: Buffer; key: Buffer } | undefined {
  const certFile = env.OCOPEA_TLS_CERT_FILE;
  const keyFile = env.OCOPEA_TLS_KEY_FILE;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('OCOPEA_TLS_CERT_FILE and OCOPEA_TLS_KEY_FILE go together: set both, or neither');
  const read = (name: string, f: string) => {
    try { return readFileSync(f); } catch (err) { throw new Error(`${name}: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`); }
  };
  return { cert: read('OCOPEA_TLS_CERT_FILE', certFile), key: read('OCOPEA_TLS_KEY_FILE', keyFile) };
}
