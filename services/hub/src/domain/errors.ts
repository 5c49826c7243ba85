import { BadGatewayError, BadRequestError, ConflictError, NotFoundError, OcopeaError, translatePeerFailure, UnavailableError, UpstreamError } from '@ocopea/errors';
import type { HubSite } from './model';

/** Serialisable form of a failed peer call (kept in operation state so the waiting command can answer with it). */
export interface PeerFailure { status: number; message: string }

/** Maps a failed Site/CRB call to the Hub's answer: unreachable/timeout 503, peer 4xx as is (400/404/409), else 502. */
export function peerError(err: unknown, what: string, site?: Pick<HubSite, 'urn' | 'url'>): OcopeaError {
  const who = site ? `site '${site.urn}' (${site.url})` : 'peer';
  return translatePeerFailure(err, {
    passThrough: [400, 404, 409, 422],
    unreachable: 503,
    message: (f, detail) => {
      if (f.kind === 'unreachable') return `${who} is unreachable (${what}): ${detail}`;
      if (f.kind === 'answered') return f.status === 400 || f.status === 422 ? `${who} refused ${what}: ${detail}` : `${who} answered ${f.status} to ${what}: ${detail}`;
      return `${what} failed: ${detail}`;
    },
  });
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
