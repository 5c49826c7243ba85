import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { REQUEST_ID_HEADER } from '@ocopea/api';
import { BadRequestError, OcopeaError, RangeNotSatisfiableError, UnauthorizedError } from '@ocopea/errors';
import { wwwAuthenticate } from './auth/upgrade';
import type { Logger } from './logger';

/** The `Error` schema every spec shares. */
export interface ErrorBody {
  code: number;
  message: string;
  reason?: string;
  requestId?: string;
}

const REASONS: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 409: 'conflict',
  413: 'payload_too_large', 415: 'unsupported_media_type', 416: 'range_not_satisfiable', 500: 'internal', 501: 'not_implemented',
  502: 'bad_gateway', 503: 'unavailable', 504: 'timeout', 507: 'insufficient_storage',
};

/** Errors thrown by express-openapi-validator carry `status` and a list of `errors` naming the offending fields. */
interface ValidatorError { status: number; message: string; errors?: { path?: string; message?: string }[] }
/** body-parser errors carry `type` and `status`. */
interface BodyParserError { type: string; status: number; message: string; limit?: number }

/**
 * Maps any thrown value to `{status, body}` — the one place where errors become HTTP. Our error classes keep their
 * status; validator and body-parser failures become 4xx naming the field; everything else is a 500 whose message
 * hides internals (the details go to the log).
 */
export function toErrorResponse(err: unknown, requestId?: string): { status: number; body: ErrorBody; internal: boolean } {
  const body = (status: number, message: string, reason = REASONS[status] ?? (status >= 500 ? 'internal' : 'bad_request')) =>
    ({ status, body: { code: status, message, reason, ...(requestId ? { requestId } : {}) }, internal: false });
  if (err instanceof OcopeaError) return body(err.status, err.message, err.reason);
  const e = err as Partial<BodyParserError & ValidatorError>;
  // http-errors (body-parser's) marks client errors `expose: true`: e.g. a gzip body that does not inflate, whose
  // zlib error body-parser passes on as a 400 without a `type`.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && (e as { expose?: unknown }).expose === true && !('errors' in (e as object)) && typeof e.type !== 'string') {
    return body(e.status, `request body could not be read: ${e.message ?? 'bad request'}`);
  }
  if (typeof e?.type === 'string' && typeof e.status === 'number') {
    if (e.type === 'entity.too.large') return body(413, `request body larger than ${e.limit ?? 'the limit'} bytes`);
    if (e.type === 'entity.parse.failed') return body(400, `request body is not valid JSON: ${e.message}`);
    if (e.status >= 400 && e.status < 500) return body(e.status, e.message ?? 'bad request');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && 'errors' in (e as object)) {
    const fields = (e.errors ?? []).map((x) => `${(x.path ?? '').replace(/^\./, '').replace(/^(body|query|params|headers)\./, '$1/')} ${x.message ?? ''}`.trim());
    const msg = e.status === 404 ? 'no such route' : e.status === 405 ? 'method not allowed on this route' : fields.length ? fields.join('; ') : e.message ?? 'bad request';
    return body(e.status, msg);
  }
  if (typeof e?.status === 'number' && e.status >= 500 && 'errors' in (e as object)) {
    // A response that does not match the spec (response validation runs in tests): our bug, say so plainly.
    return { ...body(500, `response does not match the spec: ${e.message}`), internal: true };
  }
  return { ...body(500, 'internal error'), internal: true };
}

/** Headers the kit sets before a handler runs, which an error answer keeps. */
const KEEP_ON_ERROR = new Set([REQUEST_ID_HEADER.toLowerCase(), 'connection']);

/** Whether a request announced a body (a length above 0, or chunks). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** Terminal error middleware. Logs 5xx with the cause; never sends a stack trace or an HTML page. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    const requestId = (req as { id?: unknown }).id ? String((req as { id?: unknown }).id) : undefined;
    let { status, body, internal } = toErrorResponse(err, requestId);
    if (status === 415 && !req.headers['content-type'] && !hasBody(req)) {
      // The validator's 415 'unsupported media type undefined' for a POST that sent no body at all.
      ({ status, body, internal } = toErrorResponse(new BadRequestError('this operation requires a request body (application/json)'), requestId));
    }
    if (status >= 500) log.error({ err, requestId, url: req.originalUrl }, internal ? 'unhandled error' : body.message);
    if (res.headersSent) {
      // A stream was already under way: the only honest signal left is to cut the connection.
      res.destroy(err instanceof Error ? err : undefined);
      return next === undefined ? undefined : undefined;
    }
    // What a handler set for its success (an octet-stream type, Content-Range, digests of a download that failed
    // before it started) must not describe the error: keep only the kit's own headers.
    for (const h of res.getHeaderNames()) if (!KEEP_ON_ERROR.has(h)) res.removeHeader(h);
    // RFC 9110 §15.5.17: a 416 carries the complete length, which the error's details give.
    if (err instanceof RangeNotSatisfiableError && typeof err.details?.size === 'number') res.setHeader('Content-Range', `bytes */${err.details.size}`);
    if (err instanceof UnauthorizedError) res.setHeader('WWW-Authenticate', wwwAuthenticate(err));
    res.status(status).json(body);
  };
}

/** Answers 404 JSON for any path no route claimed. */
export const notFoundMiddleware: RequestHandler = (req, res) => {
  const requestId = (req as { id?: unknown }).id ? String((req as { id?: unknown }).id) : undefined;
  res.status(404).json({ code: 404, message: `no such route: ${req.method} ${req.path}`, reason: 'not_found', ...(requestId ? { requestId } : {}) });
};
