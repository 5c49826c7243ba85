import type { StartedService } from './start-service';

/** What a crb-fs copy grant allows (`createGrant` in specs/crb.yaml). */
export interface CrbGrantRequest {
  access: 'read' | 'write' | 'transfer';
  copyId: string;
  /** Required for `write`. */
  repoId?: string;
  /** Lifetime (default: the CRB's, 3600 s). */
  ttlSeconds?: number;
}

/** A grant as `POST /grants` answers it. */
export interface CrbGrant { token: string; pathPrefix: string; expiresAt: number }

/**
 * Mints a scoped grant from a crb-fs a test started (`POST {url}/grants` with its admin token), as the Site does
 * before it hands a DSB `copyRepoCredentials`. Throws with the CRB's answer unless it is a 200.
 */
export async function mintCrbGrant(crb: Pick<StartedService, 'url' | 'headers'>, g: CrbGrantRequest): Promise<CrbGrant> {
  const res = await fetch(`${crb.url}/grants`, {
    method: 'POST', headers: { ...crb.headers, 'content-type': 'application/json' }, body: JSON.stringify(g),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${crb.url}/grants (${g.access} of ${g.copyId}) answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as CrbGrant;
}

/**
 * The URL a DSB gets as `copyRepoCredentials.url`: the CRB's URL with the capability prefix of a grant for exactly
 * one copy (`{url}/cap/<token>`), never the CRB's admin token. A DSB builds its requests under it unchanged.
 */
export async function scopedCrbUrl(crb: Pick<StartedService, 'url' | 'headers'>, g: CrbGrantRequest): Promise<string> {
  return crb.url + (await mintCrbGrant(crb, g)).pathPrefix;
}
