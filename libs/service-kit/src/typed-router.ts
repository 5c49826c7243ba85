import { Router, type Request, type Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { BodyOf, HttpMethod, OperationOf, PathParamsOf, PathsWith, QueryOf, SuccessOf } from '@ocopea/api';
import type { Logger } from './logger';

/** What a handler receives: the validated, typed parts of the request, plus the raw objects for streaming. */
export interface HandlerContext<O> {
  params: PathParamsOf<O>;
  query: QueryOf<O>;
  body: BodyOf<O>;
  headers: IncomingHttpHeaders;
  req: Request;
  res: Response;
  log: Logger;
}

/**
 * What a handler returns: one of the operation's documented success statuses with its body (sent as JSON, or no
 * body for 204), or nothing when the handler wrote the response itself (byte streams, redirects).
 */
export type HandlerResult<O> = (SuccessOf<O> & { headers?: Record<string, string> }) | void;
export type Handler<O> = (ctx: HandlerContext<O>) => Promise<HandlerResult<O>> | HandlerResult<O>;

/** `/copies/{copyId}/data` → `/copies/:copyId/data` */
export function toExpressPath(specPath: string): string {
  return specPath.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * Registers handlers by spec path and method, typed from the generated `paths` interface. Thin by design: handlers
 * read typed input, call one domain method and return the mapped result; errors are thrown, never written here.
 */
export class TypedRouter<Paths> {
  /** Case-sensitive, like the spec's paths and the authorization that matches them. */
  readonly router = Router({ caseSensitive: true });
  /** `METHOD /spec/path` of every registered handler (for the "every operation is implemented" check). */
  readonly registered = new Set<string>();

  constructor(private readonly log: Logger) {}

  get<P extends PathsWith<Paths, 'get'>>(path: P, h: Handler<OperationOf<Paths, P, 'get'>>): this { return this.on('get', path, h); }
  post<P extends PathsWith<Paths, 'post'>>(path: P, h: Handler<OperationOf<Paths, P, 'post'>>): this { return this.on('post', path, h); }
  put<P extends PathsWith<Paths, 'put'>>(path: P, h: Handler<OperationOf<Paths, P, 'put'>>): this { return this.on('put', path, h); }
  delete<P extends PathsWith<Paths, 'delete'>>(path: P, h: Handler<OperationOf<Paths, P, 'delete'>>): this { return this.on('delete', path, h); }
  patch<P extends PathsWith<Paths, 'patch'>>(path: P, h: Handler<OperationOf<Paths, P, 'patch'>>): this { return this.on('patch', path, h); }

  private on<O>(method: HttpMethod, specPath: string, handler: Handler<O>): this {
    this.registered.add(`${method.toUpperCase()} ${specPath}`);
    this.router[method](toExpressPath(specPath), async (req: Request, res: Response) => {
      const ctx = {
        params: req.params, query: req.query, body: req.body, headers: req.headers, req, res,
        log: (req as { log?: Logger }).log ?? this.log,
      } as unknown as HandlerContext<O>;
      const result = (await handler(ctx)) as { status: number; body?: unknown; headers?: Record<string, string> } | undefined;
      if (!result || res.headersSent) return;
      if (result.headers) res.set(result.headers);
      if (result.body === undefined || result.status === 204) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    });
    return this;
  }
}
