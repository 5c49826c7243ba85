import { OcopeaError } from './ocopea-error';

/**
 * A scoped copy credential travels as a path segment (`…/crb/cap/<token>/copies/…`, like a presigned URL), so any
 * URL of a peer may hold one: every message and URL that quotes a peer goes through this before it is stored,
 * answered or logged.
 */
export function redactCapabilities(text: string): string {
  return text.replace(/\/cap\/[^/\s?#"']+/g, '/cap/***');
}

/**
 * A call to another service (broker, site) failed. `upstreamStatus` is the status the other side answered
 * (undefined when it could not be reached). Handlers usually let it through: it maps to 502, or 503 when the
 * peer was unreachable, 504 when it timed out.
 */
export class UpstreamError extends OcopeaError {
  readonly upstreamStatus?: number;
  readonly upstreamReason?: string;
  readonly url: string;

  constructor(url: string, message: string, opts: { upstreamStatus?: number; upstreamReason?: string; timedOut?: boolean; cause?: unknown }) {
    const status = defaultPeerStatus(opts.timedOut || opts.upstreamStatus === undefined ? { kind: 'unreachable', timedOut: !!opts.timedOut } : { kind: 'answered' });
    super(status, opts.timedOut ? 'timeout' : opts.upstreamStatus === undefined ? 'unavailable' : 'bad_gateway', redactCapabilities(message), { cause: opts.cause });
    this.url = redactCapabilities(url);
    this.upstreamStatus = opts.upstreamStatus;
    this.upstreamReason = opts.upstreamReason;
  }

  /** True when the peer answered 404 (e.g. probing whether a service instance exists). */
  get isNotFound(): boolean { return this.upstreamStatus === 404; }
  /** True when the peer answered 409. */
  get isConflict(): boolean { return this.upstreamStatus === 409; }
}

/**
 * The status of our answer when a peer call failed and the caller has no policy of its own (see
 * `translatePeerFailure`): unreachable 503, timed out 504, answered an error 502.
 */
export function defaultPeerStatus(fault: { kind: 'unreachable'; timedOut: boolean } | { kind: 'answered' }): number {
  return fault.kind === 'unreachable' ? (fault.timedOut ? 504 : 503) : 502;
}

/** The answer, or undefined when the peer said 404 (it has no such thing); every other failure is thrown on. */
export async function orUndefinedOn404<T>(p: Promise<T>): Promise<T | undefined> {
  try { return await p; } catch (err) { if (err instanceof UpstreamError && err.isNotFound) return undefined; throw err; }
}
