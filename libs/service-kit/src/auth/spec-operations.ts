import { isRole, type Role } from './roles';
import type { OpenApiDocument } from '../load-spec';

/** One operation of a spec, as authorization sees it. */
export interface SpecOperation {
  method: string;
  /** The spec's path template (`/copies/{copyId}/data`). */
  path: string;
  operationId: string;
  /** `x-ocopea-role`: the least role that may call it. */
  role: Role;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Every operation of a spec with the role it declares (`x-ocopea-role`), and a matcher from a request's method and
 * path (relative to the base path) to the operation and its path parameters. Throws at start-up for an operation
 * without a valid role: the spec is the source of truth, and a route nobody classified must not be served.
 */
export class SpecOperations {
  readonly all: SpecOperation[] = [];
  private readonly matchers: { op: SpecOperation; re: RegExp; keys: string[] }[] = [];

  constructor(spec: OpenApiDocument) {
    for (const [p, item] of Object.entries(spec.paths ?? {})) {
      for (const m of METHODS) {
        const raw = (item as Record<string, { operationId?: string; 'x-ocopea-role'?: unknown } | undefined>)[m];
        if (!raw) continue;
        const role = raw['x-ocopea-role'];
        if (!isRole(role)) throw new Error(`${spec.info.title}: ${m.toUpperCase()} ${p} declares no x-ocopea-role (viewer, operator or admin)`);
        const op: SpecOperation = { method: m.toUpperCase(), path: p, operationId: raw.operationId ?? `${m} ${p}`, role };
        this.all.push(op);
        const keys: string[] = [];
        const re = new RegExp('^' + p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_s, k: string) => { keys.push(k); return '([^/]+)'; }) + '/?$');
        this.matchers.push({ op, re, keys });
      }
    }
    // Literal paths before templated ones (`/app/instance-state` is not `/app/instance/{id}` with id `-state`).
    this.matchers.sort((a, b) => a.keys.length - b.keys.length);
  }

  /** The operation a request addresses, with its decoded path parameters; undefined for a route not in the spec. */
  match(method: string, relPath: string): { op: SpecOperation; params: Record<string, string> } | undefined {
    const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    for (const { op, re, keys } of this.matchers) {
      if (op.method !== m) continue;
      const r = re.exec(relPath);
      if (!r) continue;
      const params: Record<string, string> = {};
      try { keys.forEach((k, i) => { params[k] = decodeURIComponent(r[i + 1]); }); } catch { return { op, params: {} }; }
      return { op, params };
    }
    return undefined;
  }
}
