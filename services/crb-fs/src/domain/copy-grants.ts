import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { BadRequestError } from '@ocopea/errors';
import type { GrantVerifier, Principal } from '@ocopea/service-kit';

/** jose costs ~8 MiB of RSS once loaded: a CRB that is never handed a grant never loads it. */
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

/** What a copy grant allows (see `createGrant` in specs/crb.yaml). */
export type GrantAccess = 'read' | 'write' | 'transfer';
export interface GrantRequest { access: GrantAccess; copyId: string; repoId?: string; ttlSeconds?: number }

/** Default lifetime: long enough for a deploy's data-service timeout and a slow start of the DSB's first request. */
export const DEFAULT_GRANT_TTL_S = 3600;
const AUDIENCE = 'ocopea-crb-grant';

/** The operations each kind of grant allows, on its copy id (and repository, for writes) only. */
const ALLOWED: Record<GrantAccess, ReadonlySet<string>> = {
  read: new Set(['getCopyMetaData', 'retrieveCopy']),
  write: new Set(['getCopyMetaData', 'storeCopyMetaData', 'createCopyInRepo']),
  transfer: new Set(['getCopyMetaData', 'retrieveCopy', 'transferCopy']),
};

/**
 * Scoped, short-lived credentials for one copy: HS256 JWTs (through jose) signed with a 256-bit key only this CRB
 * holds (`grant-key` in its data dir, 0600). HMAC rather than a key pair because the CRB is the only party that
 * ever verifies them: the Site asks the CRB to mint one (`POST /grants`, admin), so no key has to be shared or
 * distributed, and rotating it (deleting the file) revokes every grant at once.
 */
export class CopyGrants {
  private constructor(private readonly key: Uint8Array) {}

  static open(keyFile: string): CopyGrants {
    let key: Buffer;
    try {
      key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64url');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      key = randomBytes(32);
      try { writeFileSync(keyFile, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' }); } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64url');
      }
    }
    if (key.length < 32) throw new Error(`${keyFile}: the grant key must hold at least 32 bytes (base64url)`);
    return new CopyGrants(key);
  }

  async mint(r: GrantRequest, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    if (r.access === 'write' && !r.repoId) throw new BadRequestError('a write grant needs repoId');
    const ttl = r.ttlSeconds ?? DEFAULT_GRANT_TTL_S;
    const exp = Math.floor(now / 1000) + ttl;
    const { SignJWT } = await loadJose();
    const token = await new SignJWT({ acc: r.access, cid: r.copyId, ...(r.access === 'write' ? { rid: r.repoId } : {}) })
      .setProtectedHeader({ alg: 'HS256' }).setAudience(AUDIENCE).setJti(randomUUID()).setIssuedAt(Math.floor(now / 1000)).setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The kit's grant verifier: a principal allowed exactly what the grant says, or undefined for any other token. */
  readonly verify: GrantVerifier = async (token) => {
    let claims: { acc?: unknown; cid?: unknown; rid?: unknown; jti?: unknown };
    try {
      const { jwtVerify } = await loadJose();
      ({ payload: claims } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: AUDIENCE }));
    } catch {
      return undefined;
    }
    const access = claims.acc as GrantAccess;
    const allowed = ALLOWED[access];
    if (!allowed || typeof claims.cid !== 'string') return undefined;
    const copyId = claims.cid;
    const repoId = typeof claims.rid === 'string' ? claims.rid : undefined;
    const p: Principal = {
      name: `grant:${String(claims.jti ?? '?').slice(0, 36)}`, role: 'viewer', via: 'grant',
      scope: `${access} of copy '${copyId}'${repoId ? ` in repository '${repoId}'` : ''}`,
      allows: ({ operationId, params }) => allowed.has(operationId) && params.copyId === copyId && (params.repoId === undefined || params.repoId === repoId),
    };
    return p;
  };
}
