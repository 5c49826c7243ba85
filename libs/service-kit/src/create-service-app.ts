import type { IncomingMessage } from 'node:http';
import express, { type Express, type Request, type RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { runWithRequestContext } from '@ocopea/api';
import { errorMiddleware, notFoundMiddleware } from './error-middleware';
import { BadRequestError } from '@ocopea/errors';
import { requestLog } from './request-log';
import { createLogger, type Logger } from './logger';
import { loadSpec, type OpenApiDocument } from './load-spec';
import { TypedRouter } from './typed-router';
import { authFromEnv, authMiddleware, capabilityPrefix, checkRequest, SpecOperations, type Authenticator, type AuthedRequest, type GrantVerifier, type Principal, type Role } from './auth';
import { instanceIdFromEnv, privateByDefault, serviceDataDir } from './service-config';

/** How to build one service. */
export interface ServiceOptions<Paths> {
  /** Service name for logs and health (`crb-fs`, `site`, ...). */
  name: string;
  /** Spec name in `specs/` (`crb`) or a loaded document. */
  spec: string | OpenApiDocument;
  /** Registers the handlers, by spec path. */
  routes: (router: TypedRouter<Paths>) => void;
  /** Where the API is mounted; defaults to the spec's first server URL (`/crb`, `/site-api`, `/`). */
  basePath?: string;
  /** Extra facts for `GET /healthz`; throw to report the service unhealthy (503). */
  health?: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
  /** Largest JSON body accepted (default `1mb`). Byte streams are not parsed and have no limit here. */
  jsonLimit?: string;
  /** Validate responses against the spec too. Default: on under jest (NODE_ENV=test) or OCOPEA_VALIDATE_RESPONSES=1. */
  validateResponses?: boolean;
  logger?: Logger;
  /** Paths under basePath the validator must not see (e.g. websocket endpoints that are not in the spec). */
  unvalidatedPaths?: RegExp;
  /** How callers are authenticated. Default: `authFromEnv` (the same OCOPEA_* settings for every service). */
  auth?: Authenticator;
  /** Scoped credentials this service issues itself (crb-fs copy grants), accepted besides the configured ones. */
  grants?: GrantVerifier;
  /** The id `/healthz` answers every caller with (default: `instanceIdFromEnv()`; none: not answered). */
  instance?: string;
}

/** A built service: the express app (usable with supertest) and what `runService` needs. */
export interface ServiceApp<Paths> {
  app: Express;
  log: Logger;
  spec: OpenApiDocument;
  basePath: string;
  router: TypedRouter<Paths>;
  /** Operations of the spec with no handler (`GET /path`). Empty when the service implements the whole contract. */
  unhandledOperations(): string[];
  /** Set while shutting down: new requests get 503, /healthz reports draining. */
  draining: boolean;
  auth: Authenticator;
  /** The spec's operations with their roles (the source of every authorization decision). */
  operations: SpecOperations;
  /**
   * Authenticates and authorizes a websocket upgrade before it happens: the operation of the spec its path
   * matches decides the role, else `role` (default viewer). Throws 401/403 (answer with `refuseUpgrade`).
   */
  authorizeUpgrade(req: IncomingMessage, role?: Role): Promise<Principal>;
}

const KIT_PATHS = /^\/(healthz|openapi\.json|docs)(\/|$)/;

/**
 * Turns a spec plus handlers into an express app, the same way for every service: request ids and structured logs,
 * JSON body limits, express-openapi-validator on every request (and on responses in tests), typed routes under the
 * base path, 404 JSON for unknown routes, one error mapping, `/healthz`, `/openapi.json` and Swagger UI at `/docs`
 * (both at the root and under the base path).
 */
export function createServiceApp<Paths>(opts: ServiceOptions<Paths>): ServiceApp<Paths> {
  privateByDefault();
  const spec = typeof opts.spec === 'string' ? loadSpec(opts.spec) : opts.spec;
  const basePath = normalizeBase(opts.basePath ?? spec.servers?.[0]?.url ?? '/');
  const log = opts.logger ?? createLogger(opts.name);
  const instance = 'instance' in opts ? opts.instance : instanceIdFromEnv();
  const validateResponses = opts.validateResponses ?? (process.env.NODE_ENV === 'test' || process.env.OCOPEA_VALIDATE_RESPONSES === '1');
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  // Routes match the spec's paths exactly, as authorization (SpecOperations) and the validator do: with express's
  // default case-insensitive matching, `POST /PETS-API/PETS` reached createPet as an unclassified route (viewer
  // enough) and skipped validation.
  app.set('case sensitive routing', true);

  const typed = new TypedRouter<Paths>(log);
  const operations = new SpecOperations(spec);
  const auth = opts.auth ?? authFromEnv({ service: opts.name, dataDir: () => serviceDataDir(opts.name), log, grants: opts.grants });
  if (!auth.enabled) log.warn('OCOPEA_AUTH=off: every caller is treated as admin; for development on loopback only');
  else log.info({ auth: auth.o.sources }, 'authentication on');
  const built: ServiceApp<Paths> = {
    app, log, spec, basePath, router: typed, draining: false, auth, operations,
    unhandledOperations: () => listOperations(spec).filter((op) => !typed.registered.has(op)),
    authorizeUpgrade: (req, role) => checkRequest(auth, operations, basePath, req as IncomingMessage & AuthedRequest, role),
  };

  // First of all: a capability in the URL leaves it before anything (the request log included) can see it.
  app.use(capabilityPrefix(basePath));
  app.use(requestLog(log));
  const withContext: RequestHandler = (req, _res, next) => runWithRequestContext({ requestId: String((req as Request & { id: unknown }).id) }, next);
  app.use(withContext);
  const prefixes = basePath === '/' ? [''] : ['', basePath];
  const healthzPaths = new Set(prefixes.map((prefix) => `${prefix}/healthz`));
  app.use((req, res, next) => {
    if (!built.draining) return next();
    res.setHeader('connection', 'close');
    // /healthz answers for itself while draining (503 `draining`, with the service and instance id): a starter can
    // tell a process that is stopping from one that is gone or broken.
    if ((req.method === 'GET' || req.method === 'HEAD') && healthzPaths.has(req.path)) return next();
    res.status(503).json({ code: 503, message: `${opts.name} is shutting down`, reason: 'unavailable' });
  });

  const healthz: RequestHandler = async (req, res) => {
    // The starter's instance id, to anyone: it proves which process answers (see instanceIdFromEnv).
    const id = instance === undefined ? {} : { instance };
    if (built.draining) { res.status(503).json({ status: 'draining', service: opts.name, ...id }); return; }
    // Liveness for anyone; names, counts and versions only for a caller with a credential.
    const known = await auth.authenticate(req.headers.authorization).then(() => true, () => false);
    if (!known) { res.json({ status: 'ok', ...id }); return; }
    try {
      const extra = (await opts.health?.()) ?? {};
      res.json({ status: 'ok', service: opts.name, ...id, ...extra });
    } catch (err) {
      res.status(503).json({ status: 'unhealthy', service: opts.name, ...id, message: (err as Error).message });
    }
  };
  const specJson: RequestHandler = (_req, res) => { res.json(spec); };
  // Swagger UI is loaded on the first /docs request: ~8 MiB of RSS every service would otherwise hold from start.
  let docsRouter: Promise<express.Router> | undefined;
  const docs: RequestHandler = (req, res, next) => {
    docsRouter ??= import('swagger-ui-express').then((m) => {
      const swaggerUi = m.default;
      const r = express.Router();
      r.use(swaggerUi.serveFiles(spec, {}), swaggerUi.setup(spec, { customSiteTitle: `${spec.info.title} — Ocopea` }));
      return r;
    });
    docsRouter.then((r) => r(req, res, next), next);
  };
  for (const prefix of prefixes) {
    app.get(`${prefix}/healthz`, healthz);
    app.get(`${prefix}/openapi.json`, specJson);
    app.use(`${prefix}/docs`, docs);
  }

  // Past the public paths, nothing is read (not even the body) before the caller is known and allowed.
  app.use(authMiddleware(auth, operations, basePath, log));
  app.use(express.json({ limit: opts.jsonLimit ?? '1mb', type: ['application/json', 'application/*+json'], strict: false }));
  app.use(refuseUnstorableText);
  app.use(OpenApiValidator.middleware({
    apiSpec: structuredClone(spec) as never,
    validateRequests: { allowUnknownQueryParameters: false },
    validateResponses: validateResponses ? { removeAdditional: false } : false,
    validateApiSpec: false,
    validateSecurity: false, // the kit's auth middleware enforces the spec's roles

    ignoreUndocumented: false,
    fileUploader: false,
    ignorePaths: (path: string) => {
      const rel = basePath === '/' ? path : path.startsWith(basePath) ? path.slice(basePath.length) || '/' : null;
      if (rel === null) return true;
      return KIT_PATHS.test(rel) || (opts.unvalidatedPaths?.test(rel) ?? false);
    },
  }));

  opts.routes(typed);
  app.use(basePath, typed.router);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware(log));
  return built;
}

function normalizeBase(p: string): string {
  const s = '/' + p.replace(/^https?:\/\/[^/]+/, '').replace(/^\/+|\/+$/g, '');
  return s;
}

/** `METHOD /path` of every operation in the spec. */
export function listOperations(spec: OpenApiDocument): string[] {
  const out: string[] = [];
  for (const [p, item] of Object.entries(spec.paths ?? {})) {
    for (const m of ['get', 'put', 'post', 'delete', 'patch']) if ((item as Record<string, unknown>)[m]) out.push(`${m.toUpperCase()} ${p}`);
  }
  return out;
}

/** Deeper JSON than any request of ours needs; deeper bodies are refused before anything recurses into them. */
export const MAX_JSON_DEPTH = 64;

/** A UTF-16 surrogate without its other half: JSON can carry one (`"\ud800"`), UTF-8 and PostgreSQL cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What no string of ours may hold, if any string or key of `v` does: a NUL, or a lone surrogate. Throws a 400 past
 * MAX_JSON_DEPTH levels. Iterative: a 10 KB body of 5000 nested arrays overflowed the stack of the recursive
 * version (a 500), and the validator recurses too.
 */
function unstorableText(v: unknown): 'nul' | 'surrogate' | undefined {
  const bad = (t: string) => (t.includes('\u0000') ? 'nul' : LONE_SURROGATE.test(t) ? 'surrogate' : undefined);
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, depth] = stack.pop()!;
    if (typeof x === 'string') { const b = bad(x); if (b) return b; continue; }
    if (!x || typeof x !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw new BadRequestError(`request body nested deeper than ${MAX_JSON_DEPTH} levels`);
    for (const [k, y] of Object.entries(x)) {
      const b = bad(k);
      if (b) return b;
      stack.push([y, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Refuses with a 400 a NUL character in the URL (`%00`) or in a JSON body, and a lone UTF-16 surrogate in a JSON
 * body: no id, name or setting of ours may hold one. PostgreSQL text and json, file names and process environments
 * cannot, and they failed deep down as 500s, some after part of the work was stored (a Hub instance left
 * `deploying` for ever, a Site copy taken for an image that was never saved).
 */
const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  try {
    const found = /%00/.test(req.originalUrl) ? 'nul' : unstorableText(req.body);
    if (found === 'nul') return next(new BadRequestError('NUL characters (\\u0000, %00) are not allowed in the URL or the request body'));
    if (found === 'surrogate') return next(new BadRequestError('unpaired UTF-16 surrogates (such as \\ud800) are not allowed in the request body: they have no UTF-8 form'));
  } catch (err) {
    return next(err);
  }
  next();
};
