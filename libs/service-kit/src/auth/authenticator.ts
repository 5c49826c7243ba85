import { UnauthorizedError } from '@ocopea/errors';
import { OidcVerifier } from './oidc-verifier';
import type { Principal } from './roles';
import { TokenBook } from './token-book';

/** Checks a scoped credential (a CRB copy grant); undefined when `token` is not one of its own. */
export type GrantVerifier = (token: string) => Promise<Principal | undefined>;

/** Longest credential read at all: a JWT with generous claims fits; 100 KB headers are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;
/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface AuthenticatorOptions {
  /** `off` only for development on loopback (`OCOPEA_AUTH=off`): every caller is an admin. */
  mode: 'on' | 'off';
  book: TokenBook;
  oidc?: OidcVerifier;
  grants?: GrantVerifier;
  /** What was configured, for the start-up log line (never a token). */
  sources: string[];
  /** Stops file watching. */
  close?: () => void;
}

/**
 * Turns the credential of a request into a principal: a static token (admin or tokens file), a scoped grant of the
 * service (CRB), or a JWT of the configured OIDC issuer, tried in that order. Anything else is a 401 whose message
 * says what was wrong without repeating what was sent.
 */
export class Authenticator {
  constructor(readonly o: AuthenticatorOptions) {}

  get enabled(): boolean { return this.o.mode === 'on'; }

  /** `authorization`: the header as received; `capability`: a token taken from a `/cap/<token>` path prefix. */
  async authenticate(authorization: string | string[] | undefined, capability?: string): Promise<Principal> {
    if (!this.enabled) return { name: 'anonymous', role: 'admin', via: 'auth-off' };
    if (capability !== undefined) {
      const p = this.wellFormed(capability, true) && this.o.grants ? await this.o.grants(capability) : undefined;
      if (!p) throw new UnauthorizedError('the capability in this URL is not valid here (expired, or not issued by this service)', { credentialSent: true });
      return p;
    }
    if (authorization === undefined || authorization === '') throw new UnauthorizedError('missing credential: send Authorization: Bearer <token>');
    if (Array.isArray(authorization)) throw new UnauthorizedError('more than one Authorization header', { credentialSent: true });
    if (authorization.length > MAX_TOKEN_LENGTH + 7) throw new UnauthorizedError(`credential longer than ${MAX_TOKEN_LENGTH} characters`, { credentialSent: true });
    const m = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!m) throw new UnauthorizedError('malformed Authorization header: expected Bearer <token>', { credentialSent: true });
    const token = m[1];
    this.wellFormed(token, false);
    const known = this.o.book.lookup(token);
    if (known) return known;
    // Scoped grants are the service's own business: whatever their shape (a JWT, an HMAC token, an opaque id).
    const granted = this.o.grants ? await this.o.grants(token) : undefined;
    if (granted) return granted;
    if (this.o.oidc && OidcVerifier.looksLikeJwt(token)) return this.o.oidc.verify(token);
    throw new UnauthorizedError('unknown bearer token', { credentialSent: true });
  }

  private wellFormed(token: string, quiet: boolean): boolean {
    const ok = token.length > 0 && token.length <= MAX_TOKEN_LENGTH && B64TOKEN.test(token);
    if (!ok && !quiet) throw new UnauthorizedError('malformed bearer token', { credentialSent: true });
    return ok;
  }
}
