/**
 * Base of every error a service raises on purpose. Domain code throws these and knows nothing of HTTP frameworks;
 * the service kit turns `status`, `reason` and `message` into the `{code, message, reason}` body of the specs.
 */
export class OcopeaError extends Error {
  /** HTTP status the kit answers with. */
  readonly status: number;
  /** Stable machine-readable kind, sent as `reason`. */
  readonly reason: string;
  /** Optional details safe to show a client (never secrets, never stack traces). */
  readonly details?: Record<string, unknown>;

  constructor(status: number, reason: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.status = status;
    this.reason = reason;
    this.details = options?.details;
  }
}

type Options = { cause?: unknown; details?: Record<string, unknown> };

/** The request is malformed or names something that does not fit (unknown plan, bad id, unknown protocol). 400 */
export class BadRequestError extends OcopeaError {
  constructor(message: string, options?: Options) { super(400, 'bad_request', message, options); }
}

/** The addressed resource does not exist. 404 */
export class NotFoundError extends OcopeaError {
  constructor(message: string, options?: Options) { super(404, 'not_found', message, options); }
}

/** The resource exists already or is in a state that forbids the request (duplicate id, broker in use). 409 */
export class ConflictError extends OcopeaError {
  constructor(message: string, options?: Options) { super(409, 'conflict', message, options); }
}

/** The request body is larger than allowed. 413 */
export class PayloadTooLargeError extends OcopeaError {
  constructor(message: string, options?: Options) { super(413, 'payload_too_large', message, options); }
}

/** A byte range cannot be served. 416 */
export class RangeNotSatisfiableError extends OcopeaError {
  constructor(message: string, options?: Options) { super(416, 'range_not_satisfiable', message, options); }
}

/** Something this service depends on (a broker, a site, a database) answered badly. 502 */
export class BadGatewayError extends OcopeaError {
  constructor(message: string, options?: Options) { super(502, 'bad_gateway', message, options); }
}

/** A dependency cannot be reached, or the service is shutting down. 503 */
export class UnavailableError extends OcopeaError {
  constructor(message: string, options?: Options) { super(503, 'unavailable', message, options); }
}

/** A dependency did not answer in time. 504 */
export class GatewayTimeoutError extends OcopeaError {
  constructor(message: string, options?: Options) { super(504, 'timeout', message, options); }
}

/** No space left to store what was sent. 507 */
export class InsufficientStorageError extends OcopeaError {
  constructor(message: string, options?: Options) { super(507, 'insufficient_storage', message, options); }
}

/** An operation the contract lists but this implementation does not offer. 501 */
export class NotImplementedError extends OcopeaError {
  constructor(message: string, options?: Options) { super(501, 'not_implemented', message, options); }
}

/** No credential, or one the service does not know (bad, expired, of another issuer or audience). 401 */
export class UnauthorizedError extends OcopeaError {
  /** Whether a credential was sent (then `WWW-Authenticate` says `error="invalid_token"`, RFC 6750 §3.1). */
  readonly credentialSent: boolean;
  constructor(message: string, options?: Options & { credentialSent?: boolean }) {
    super(401, 'unauthorized', message, options);
    this.credentialSent = options?.credentialSent ?? false;
  }
}

/** A known caller whose role, or whose scoped credential, does not allow the request. 403 */
export class ForbiddenError extends OcopeaError {
  constructor(message: string, options?: Options) { super(403, 'forbidden', message, options); }
}
