import {
  BadGatewayError, BadRequestError, ConflictError, GatewayTimeoutError, NotFoundError, OcopeaError, UnavailableError,
} from './ocopea-error';
import { defaultPeerStatus, redactCapabilities, UpstreamError } from './upstream-error';

/**
 * How a call to a peer (a broker, a Site, another CRB) failed, as far as our answer is concerned:
 * - `unreachable`: no answer at all (refused, reset, DNS, TLS; `timedOut` when it did not answer in time);
 * - `answered`: the peer answered an error status (`status`);
 * - `ours`: one of our own errors was raised while calling (e.g. a 409 or 502 the byte client decided);
 * - `other`: anything else (a programming error, a plain `Error`).
 */
export type PeerFault =
  | { kind: 'unreachable'; timedOut: boolean }
  | { kind: 'answered'; status: number }
  | { kind: 'ours'; error: OcopeaError }
  | { kind: 'other' };

/** What a failed peer call was. */
export function peerFault(err: unknown): PeerFault {
  if (err instanceof UpstreamError) {
    return err.upstreamStatus === undefined ? { kind: 'unreachable', timedOut: err.status === 504 } : { kind: 'answered', status: err.upstreamStatus };
  }
  if (err instanceof OcopeaError) return { kind: 'ours', error: err };
  return { kind: 'other' };
}

/**
 * One caller's policy for translating a failed peer call into our error. Every caller that talks to peers decides
 * the same three things, differently: which of the peer's refusals are the *caller's* fault and pass through with
 * their status (a Hub passes a Site's 404), what an unreachable peer is (503, or part of a 502 "the target failed"),
 * and how the message reads.
 */
export interface PeerFailurePolicy {
  /**
   * Peer statuses answered with the same status (e.g. `[400, 404, 409]`); `422` listed here is answered as 400.
   * Default: none (a peer's refusal is our 502).
   */
  passThrough?: readonly number[];
  /** Status when the peer was unreachable or timed out. Default: 503, or 504 when it timed out. */
  unreachable?: number;
  /** Status of a peer's answer not passed through, and of plain errors. Default 502. */
  otherwise?: number;
  /** Whether our own errors pass unchanged (default: yes). `false` translates them like `other` faults. */
  keepOurs?: boolean | ((e: OcopeaError) => boolean);
  /** The message of the translated error, from the fault and the failure's own message (already redacted). */
  message(fault: PeerFault, detail: string): string;
}

const CLASS_BY_STATUS: Record<number, new (message: string, options?: { cause?: unknown }) => OcopeaError> = {
  400: BadRequestError, 404: NotFoundError, 409: ConflictError, 502: BadGatewayError, 503: UnavailableError, 504: GatewayTimeoutError,
};

/**
 * Translates a failed peer call into the error this service answers, by `policy`. Messages quoting the peer are
 * redacted (a peer URL may carry a `/cap/<token>` credential). The failure stays the `cause`.
 */
export function translatePeerFailure(err: unknown, policy: PeerFailurePolicy): OcopeaError {
  const fault = peerFault(err);
  if (fault.kind === 'ours') {
    const keep = typeof policy.keepOurs === 'function' ? policy.keepOurs(fault.error) : policy.keepOurs !== false;
    if (keep) return fault.error;
  }
  let status: number;
  if (fault.kind === 'unreachable') status = policy.unreachable ?? defaultPeerStatus(fault);
  else if (fault.kind === 'answered' && policy.passThrough?.includes(fault.status)) status = fault.status === 422 ? 400 : fault.status;
  else status = policy.otherwise ?? 502;
  const detail = redactCapabilities(err instanceof Error ? err.message : String(err));
  const Class = CLASS_BY_STATUS[status];
  const message = redactCapabilities(policy.message(fault, detail));
  return Class ? new Class(message, { cause: err }) : new OcopeaError(status, 'bad_gateway', message, { cause: err });
}
