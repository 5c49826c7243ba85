import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { currentRequestContext } from '@ocopea/api';
import { ForbiddenError, redactCapabilities } from '@ocopea/errors';
import type { Authenticator } from './authenticator';
import { describePrincipal, roleAtLeast, type Principal, type Role } from './roles';
import type { SpecOperation, SpecOperations } from './spec-operations';
import type { Logger } from '../logger';

/** What the kit attaches to an authenticated request. */
export interface AuthedRequest { principal?: Principal; capability?: string; operation?: SpecOperation; operationParams?: Record<string, string> }

const CAP = /^\/cap\/([^/?#]+)(\/[^?#]*)?(\?.*)?$/;

/**
 * A scoped credential may travel as the first path segments under the base path (`/crb/cap/<token>/copies/...`), so
 * that a broker that knows nothing of tokens can use it (it builds its URLs from `copyRepoCredentials.url`). This
 * runs before anything else, logging included: it takes the token out of the URL (`url` and `originalUrl`), so no
 * log line or error message ever shows it, and leaves it on the request for the authenticator.
 */
export function capabilityPrefix(basePath: string): RequestHandler {
  const base = basePath === '/' ? '' : basePath;
  return (req, _res, next) => {
    if (base && !req.url.startsWith(base + '/cap/')) return next();
    const m = CAP.exec(req.url.slice(base.length));
    if (!m) return next();
    (req as Request & AuthedRequest).capability = m[1];
    req.url = base + (m[2] ?? '/') + (m[3] ?? '');
    req.originalUrl = req.url;
    next();
  };
}

/** The path of `url` relative to `basePath`, or undefined when it is not under it. */
export function relativePath(basePath: string, url: string): string | undefined {
  const p = url.split('?')[0];
  if (basePath === '/') return p;
  if (p === basePath) return '/';
  return p.startsWith(basePath + '/') ? p.slice(basePath.length) : undefined;
}

/** Throws a 403 unless `principal` may call `op` (with these path parameters). */
export function authorize(principal: Principal, op: SpecOperation | undefined, params: Record<string, string>, fallback: Role = 'viewer'): void {
  if (principal.allows) {
    if (op && principal.allows({ operationId: op.operationId, params })) return;
    throw new ForbiddenError(`this credential allows only ${principal.scope ?? 'a scoped operation'}; not ${op ? op.operationId : 'this route'}`);
  }
  const need = op?.role ?? fallback;
  if (!roleAtLeast(principal.role, need)) {
    throw new ForbiddenError(`${op ? op.operationId : 'this route'} needs the role ${need}; principal '${principal.name}' has ${principal.role}`);
  }
}

/**
 * The Authorization header as sent: every value when it came more than once. Node keeps only the first in
 * `req.headers` (it discards duplicates of `authorization`), so a second, different credential went unseen.
 */
export function authorizationHeader(req: IncomingMessage): string | string[] | undefined {
  const values: string[] = [];
  const raw = req.rawHeaders ?? [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === 'authorization') values.push(raw[i + 1]);
  return values.length > 1 ? values : req.headers.authorization;
}

/** Authenticates and authorizes a request (or a websocket upgrade) against the role its spec operation declares. */
export async function checkRequest(auth: Authenticator, ops: SpecOperations, basePath: string, req: IncomingMessage & AuthedRequest, fallback?: Role): Promise<Principal> {
  // The operation first, so that even a refused call is audited under its operation id.
  const rel = relativePath(basePath, req.url ?? '/');
  const m = rel === undefined ? undefined : ops.match(req.method ?? 'GET', rel);
  req.operation = m?.op;
  req.operationParams = m?.params;
  const principal = await auth.authenticate(authorizationHeader(req), req.capability);
  req.principal = principal;
  // A request no spec operation matches ends in a 404 anyway; a mutating one needs admin all the same, so that a
  // router that matched what the spec matcher did not (the case-insensitive routing this kit once had) cannot be
  // reached with a lesser role.
  authorize(principal, m?.op, m?.params ?? {}, fallback ?? (MUTATING.has((req.method ?? 'GET').toUpperCase()) ? 'admin' : 'viewer'));
  return principal;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every request past the kit's public paths: authenticate, authorize against the spec's `x-ocopea-role`, put the
 * principal in the request context (operation records keep it), and write one `audit` log line per mutating call
 * once it is answered (principal, role, operation, target ids, outcome, request id), refused ones included.
 */
export function authMiddleware(auth: Authenticator, ops: SpecOperations, basePath: string, log: Logger): RequestHandler {
  return (req, res, next) => {
    const r = req as Request & AuthedRequest & { id?: unknown };
    if (MUTATING.has(req.method)) {
      res.once('close', () => {
        log.info({
          audit: true, principal: r.principal?.name ?? null, role: r.principal?.role ?? null, via: r.principal?.via ?? null,
          operation: r.operation?.operationId ?? `${req.method} ${req.path}`, targets: targetIds(req),
          outcome: res.writableFinished ? res.statusCode : 'aborted', requestId: r.id === undefined ? undefined : String(r.id),
        }, 'audit');
      });
    }
    checkRequest(auth, ops, basePath, r).then((p) => {
      const ctx = currentRequestContext();
      if (ctx) ctx.principal = describePrincipal(p);
      next();
    }, next);
  };
}

/** Ids a mutating call names: path parameters and top-level `…Id`, `…Urn`, `…Name`, `url` fields of its body (cut short). */
function targetIds(req: Request & AuthedRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.operationParams ?? {})) out[k] = v.slice(0, 200);
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && /(id|urn|name|url)$/i.test(k)) out[k] = redactCapabilities(v).slice(0, 200);
  }
  return out;
}

/** The authenticated caller of a request (undefined before the kit's auth middleware ran). */
export function principalOf(req: IncomingMessage): Principal | undefined {
  return (req as IncomingMessage & AuthedRequest).principal;
}

/**
 * Whether the caller of `req` may see secrets in answers (binding passwords, URIs with passwords): `admin` only
 * (and scoped grants never). Readers with less get them redacted, the field names kept.
 */
export function maySeeSecrets(req: IncomingMessage): boolean {
  const p = principalOf(req);
  return !!p && !p.allows && p.role === 'admin';
}
