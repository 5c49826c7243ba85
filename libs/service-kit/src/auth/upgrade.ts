import type { Duplex } from 'node:stream';
import { UnauthorizedError } from '@ocopea/errors';
import { toErrorResponse } from '../error-middleware';

/**
 * Refuses a websocket upgrade with the `{code, message}` JSON every other error has (401 with
 * `WWW-Authenticate: Bearer`, 403, 404, ...), then closes the socket. Nothing is upgraded before this is decided.
 */
export function refuseUpgrade(socket: Duplex, err: unknown): void {
  const { status, body } = toErrorResponse(err);
  const text = JSON.stringify(body);
  const extra = err instanceof UnauthorizedError ? `WWW-Authenticate: ${wwwAuthenticate(err)}\r\n` : '';
  if (!socket.writable) { socket.destroy(); return; }
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n${extra}`
    + `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

/** The `WWW-Authenticate` value of a 401 (RFC 6750 §3). */
export function wwwAuthenticate(err: UnauthorizedError): string {
  return err.credentialSent ? 'Bearer realm="ocopea", error="invalid_token"' : 'Bearer realm="ocopea"';
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };
