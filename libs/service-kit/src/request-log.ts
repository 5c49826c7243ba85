// One log line per request, and the request id, for every service: what pino-http did, for a fraction of its cost.
// pino-http made a child logger and a serializer pass for every request whether or not its line was logged
// (10 % of a Site's CPU answering GET /site/info at LOG_LEVEL=warn, bench:control-plane (a)); here a request whose
// level is off costs a header and one 'finish' listener.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER } from '@ocopea/api';
import type { Logger } from './logger';

const GIVEN_ID = /^[\w.:-]{1,128}$/;

/**
 * Sets `req.id` (the caller's X-Request-Id when it is a plain token, else a new UUID), echoes it in the response,
 * and logs the request when it ends: `error` for 5xx, `warn` for 4xx, `info` otherwise; `/healthz` only when it
 * failed. Headers are logged under `req.headers` / `res.headers`, where the logger's redaction applies.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers[REQUEST_ID_HEADER];
    const id = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
    (req as IncomingMessage & { id?: string }).id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    const started = performance.now();
    const url = req.url; // as routed: a capability prefix has been taken out already
    res.once('finish', () => done(log, req, res, id, url, started, false));
    res.once('close', () => { if (!res.writableFinished) done(log, req, res, id, url, started, true); });
    next();
  };
}

function done(log: Logger, req: IncomingMessage, res: ServerResponse, id: string, url: string | undefined, started: number, aborted: boolean): void {
  const status = res.statusCode;
  const level = aborted || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (url === '/healthz' && level === 'info') return;
  if (!log.isLevelEnabled(level)) return;
  log[level]({
    req: { id, method: req.method, url, headers: req.headers, remoteAddress: req.socket?.remoteAddress },
    res: { statusCode: status, headers: res.getHeaders() },
    responseTime: Math.round(performance.now() - started),
  }, aborted ? 'request aborted' : status >= 500 ? 'request errored' : 'request completed');
}
