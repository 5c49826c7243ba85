import { AsyncLocalStorage } from 'node:async_hooks';

/** What travels with one incoming request through everything it causes (including outgoing calls). */
export interface RequestContext {
  /** Correlation id: taken from the caller's `x-request-id`, or made up; sent on every outgoing call. */
  requestId: string;
  /** Who made the request (`name (role)`), set by the service kit once the caller is authenticated. */
  principal?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current request context (the service kit does this for every request). */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The request context of the code now running, if it was started by a request (or by `runWithRequestContext`). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Header name used to propagate the correlation id. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Who the code now running acts for, as operation records keep it: the authenticated caller of the request that
 * started it (`name (role)`), else `system` (scheduled work, reconciliation after a restart).
 */
export function currentPrincipal(): string {
  return currentRequestContext()?.principal ?? 'system';
}
