import type { createRemoteJWKSet, errors as JoseErrors, JWTPayload } from 'jose';
import { ForbiddenError, UnauthorizedError, UnavailableError } from '@ocopea/errors';
import { highestRole, type Principal } from './roles';

/** OpenID Connect settings (`OCOPEA_OIDC_*`). */
export interface OidcOptions {
  /** `iss` the tokens must carry; its discovery document names the JWKS. */
  issuer: string;
  /** `aud` the tokens must carry (default: none checked). */
  audience?: string;
  /** Claim holding the role: a name, or a dotted path (`realm_access.roles`); a string or a list (default `ocopea_role`). */
  roleClaim?: string;
  /** JWKS URL, when discovery is not wanted (default: `jwks_uri` of `{issuer}/.well-known/openid-configuration`). */
  jwksUrl?: string;
}

/** jose costs ~8 MiB of RSS once loaded: a service that is never configured for OIDC never loads it. */
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

/** Only asymmetric algorithms: a JWKS never holds a shared secret, and `none` is never accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Verifies JWTs of one issuer with `jose`: signature against the issuer's JWKS (fetched once, cached, refetched when
 * a token names a key it does not know, so key rotation needs no restart), `iss`, `aud`, `exp`/`nbf` with 30 s of
 * clock tolerance. The role comes from `roleClaim`; a valid token without a known role is a 403, not a 401.
 */
export class OidcVerifier {
  private jwks?: Promise<ReturnType<typeof createRemoteJWKSet>>;

  constructor(private readonly o: OidcOptions) {}

  /** Whether `token` looks like a JWT at all (three base64url parts): static tokens are tried otherwise. */
  static looksLikeJwt(token: string): boolean { return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token); }

  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= (async () => {
      let url = this.o.jwksUrl;
      if (!url) {
        const doc = `${this.o.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
        const res = await fetch(doc, { signal: AbortSignal.timeout(5000), redirect: 'error' });
        if (!res.ok) throw new Error(`OIDC discovery ${doc} answered ${res.status}`);
        const body = (await res.json()) as { jwks_uri?: unknown };
        if (typeof body.jwks_uri !== 'string') throw new Error(`OIDC discovery ${doc} names no jwks_uri`);
        url = body.jwks_uri;
      }
      const { createRemoteJWKSet } = await loadJose();
      return createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5000 });
    })().catch((err) => { this.jwks = undefined; throw err; });
    return this.jwks;
  }

  async verify(token: string): Promise<Principal> {
    const { jwtVerify, errors: joseErrors } = await loadJose();
    let payload: JWTPayload;
    try {
      // The keys are asked for only once jose has checked the token's form and algorithm: a token that is refused
      // on sight (alg none, HS256, not a JWT) gets its 401 even while the issuer cannot be reached.
      ({ payload } = await jwtVerify(token, (header, jws) => this.keys().then((keys) => keys(header, jws)), {
        issuer: this.o.issuer, audience: this.o.audience, algorithms: ALGORITHMS, clockTolerance: 30,
      }));
    } catch (err) {
      // The issuer's keys could not be had: not the caller's fault, and trying again later may work.
      if (!(err instanceof joseErrors.JOSEError) || err instanceof joseErrors.JWKSTimeout) {
        throw new UnavailableError(`cannot check the bearer token: identity provider keys unavailable (${(err as Error).message})`);
      }
      throw new UnauthorizedError(`bearer token refused: ${jwtProblem(err, joseErrors)}`, { credentialSent: true });
    }
    const claim = this.o.roleClaim ?? 'ocopea_role';
    const raw = claim.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), payload);
    const role = highestRole(Array.isArray(raw) ? raw : [raw]);
    const name = String(payload.preferred_username ?? payload.email ?? payload.sub ?? 'oidc-user').slice(0, 128);
    if (!role) throw new ForbiddenError(`token of '${name}' carries no role in claim '${claim}' (viewer, operator or admin)`);
    return { name, role, via: 'oidc' };
  }
}

/** What went wrong with a JWT, in words that name no key material and never echo the token. */
function jwtProblem(err: unknown, joseErrors: typeof JoseErrors): string {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim '${err.claim}' ${err.reason === 'check_failed' ? 'does not match' : err.reason}`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'signed by a key the issuer does not publish';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'not a valid JWT';
  return (err as { code?: string }).code ?? 'refused';
}
