import { BadGatewayError, BadRequestError, ConflictError, NotFoundError, OcopeaError, UnavailableError, UpstreamError } from '@ocopea/errors';
import type { HubSite } from './model';

/** Serialisable form of a failed peer call (kept in operation state so the waiting command can answer with it). */
export interface PeerFailure { status: number; message: string }

/** Maps a failed Site/CRB call to the Hub's answer: unreachable/timeout 503, peer 4xx as is (400/404/409), else 502. */
export function peerError(err: unknown, what: string, site?: Pick<HubSite, 'urn' | 'url'>): OcopeaError {
  const who = site ? `site '${site.urn}' (${site.url})` : 'peer';
  if (err instanceof UpstreamError) {
    const s = err.upstreamStatus;
    if (s === undefined) return new UnavailableError(`${who} is unreachable (${what}): ${err.message}`, { cause: err });
    if (s === 400 || s === 422) return new BadRequestError(`${who} refused ${what}: ${err.message}`, { cause: err });
    if (s === 404) return new NotFoundError(`${who} answered 404 to ${what}: ${err.message}`, { cause: err });
    if (s === 409) return new ConflictError(`${who} answered 409 to ${what}: ${err.message}`, { cause: err });
    return new BadGatewayError(`${who} answered ${s} to ${what}: ${err.message}`, { cause: err });
  }
  if (err instanceof OcopeaError) return err;
  return new BadGatewayError(`${what} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

export function toFailure(e: OcopeaError): PeerFailure { return { status: e.status, message: e.message }; }

export function fromFailure(f: PeerFailure): OcopeaError {
  switch (f.status) {
    case 400: return new BadRequestError(f.message);
    case 404: return new NotFoundError(f.message);
    case 409: return new ConflictError(f.message);
    case 503: return new UnavailableError(f.message);
    default: return new BadGatewayError(f.message);
  }
}

/** True when the peer could not be reached at all (or timed out). */
export function isUnreachable(err: unknown): boolean {
  return err instanceof UpstreamError && err.upstreamStatus === undefined;
}
