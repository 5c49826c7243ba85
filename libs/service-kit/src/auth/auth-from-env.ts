import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Authenticator, type GrantVerifier } from './authenticator';
import { OidcVerifier } from './oidc-verifier';
import { sha256, TokenBook, watchTokensFile, type TokenEntry } from './token-book';
import type { Logger } from '../logger';

/** Shortest static token accepted: a guessable admin token is no lock. */
export const MIN_TOKEN_LENGTH = 16;

export interface AuthEnvOptions {
  service: string;
  /** Where a generated admin token goes (`$OCOPEA_DATA_DIR/admin-token`); resolved only when needed. */
  dataDir: () => string;
  log: Logger;
  grants?: GrantVerifier;
  env?: NodeJS.ProcessEnv;
}

/**
 * Authentication as the environment configures it, the same for every service:
 * - `OCOPEA_AUTH=off`: no checks (development only; `runService` refuses it on anything but loopback);
 * - `OCOPEA_ADMIN_TOKEN` or `OCOPEA_ADMIN_TOKEN_FILE`: one admin token;
 * - `OCOPEA_TOKENS_FILE`: named principals with a role and their token's SHA-256, reloaded on change or SIGHUP;
 * - `OCOPEA_OIDC_ISSUER` (+ `_AUDIENCE`, `_ROLE_CLAIM`, `_JWKS_URL`): JWTs of that issuer;
 * - none of these: an admin token generated into `$OCOPEA_DATA_DIR/admin-token` (0600) on first start, reused after.
 * The sources combine. Bad settings throw, naming the variable: the service must not start half-locked.
 */
export function authFromEnv(o: AuthEnvOptions): Authenticator {
  const env = o.env ?? process.env;
  const mode = (env.OCOPEA_AUTH ?? '').trim().toLowerCase();
  if (mode !== '' && mode !== 'on' && mode !== 'off') throw new Error(`OCOPEA_AUTH must be 'on' or 'off', got '${env.OCOPEA_AUTH}'`);
  if (mode === 'off') return new Authenticator({ mode: 'off', book: new TokenBook(), sources: ['OCOPEA_AUTH=off'] });

  const fixed: TokenEntry[] = [];
  const sources: string[] = [];
  const admin = adminTokenFromEnv(env);
  if (admin) { fixed.push({ name: 'admin', role: 'admin', sha256: sha256(admin.token) }); sources.push(admin.from); }
  const book = new TokenBook(fixed);
  let close: (() => void) | undefined;
  if (env.OCOPEA_TOKENS_FILE) {
    const file = path.resolve(env.OCOPEA_TOKENS_FILE);
    close = watchTokensFile(file, book,
      (n) => o.log.info({ file, principals: n }, 'tokens file reloaded'),
      (err) => o.log.error({ file, err: err.message }, 'tokens file not reloaded: keeping the principals loaded before'));
    sources.push(`OCOPEA_TOKENS_FILE ${file}`);
  }
  let oidc: OidcVerifier | undefined;
  if (env.OCOPEA_OIDC_ISSUER) {
    const issuer = env.OCOPEA_OIDC_ISSUER;
    if (!/^https?:\/\//.test(issuer)) throw new Error(`OCOPEA_OIDC_ISSUER must be an http(s) URL, got '${issuer}'`);
    oidc = new OidcVerifier({ issuer, audience: env.OCOPEA_OIDC_AUDIENCE || undefined, roleClaim: env.OCOPEA_OIDC_ROLE_CLAIM || undefined, jwksUrl: env.OCOPEA_OIDC_JWKS_URL || undefined });
    sources.push(`OIDC issuer ${issuer}`);
  }
  if (!sources.length) {
    const file = path.join(o.dataDir(), 'admin-token');
    const token = generatedAdminToken(file);
    fixed.push({ name: 'admin', role: 'admin', sha256: sha256(token) });
    sources.push(`generated admin token in ${file}`);
    o.log.warn({ file }, `no credentials configured: the admin token is in ${file} (use: curl -H "Authorization: Bearer $(cat ${file})" ...)`);
  }
  return new Authenticator({ mode: 'on', book, oidc, grants: o.grants, sources, close });
}

function adminTokenFromEnv(env: NodeJS.ProcessEnv): { token: string; from: string } | undefined {
  let token: string | undefined;
  let from = '';
  if (env.OCOPEA_ADMIN_TOKEN_FILE) {
    from = `OCOPEA_ADMIN_TOKEN_FILE ${env.OCOPEA_ADMIN_TOKEN_FILE}`;
    try { token = readFileSync(env.OCOPEA_ADMIN_TOKEN_FILE, 'utf8').trim(); } catch (err) { throw new Error(`OCOPEA_ADMIN_TOKEN_FILE: cannot read ${env.OCOPEA_ADMIN_TOKEN_FILE}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`); }
  } else if (env.OCOPEA_ADMIN_TOKEN) {
    token = env.OCOPEA_ADMIN_TOKEN.trim();
    from = 'OCOPEA_ADMIN_TOKEN';
  }
  if (token === undefined) return undefined;
  const name = from.split(' ')[0];
  if (token.length < MIN_TOKEN_LENGTH) throw new Error(`${name} must be at least ${MIN_TOKEN_LENGTH} characters`);
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) throw new Error(`${name} must be a bearer token (letters, digits and -._~+/ only)`);
  return { token, from };
}

/** Reads the generated admin token, or creates it (exclusive create, 0600: two starts cannot write two tokens). */
function generatedAdminToken(file: string): string {
  try { return readFileSync(file, 'utf8').trim(); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; }
  const token = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, token + '\n', { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
