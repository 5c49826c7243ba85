/**
 * The roles of every spec, lowest first: a role may do everything the roles before it may. Site and Hub use all
 * three; brokers use `viewer` (reads, secrets redacted) and `admin` (everything: what the Site holds).
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (x: unknown): x is Role => typeof x === 'string' && (ROLES as readonly string[]).includes(x);

/** Whether `have` is `need` or above it. */
export const roleAtLeast = (have: Role, need: Role): boolean => ROLES.indexOf(have) >= ROLES.indexOf(need);

/** The highest role among `xs` that is a role at all (OIDC claims may carry several, or foreign names). */
export function highestRole(xs: unknown[]): Role | undefined {
  let best: Role | undefined;
  for (const x of xs) if (isRole(x) && (!best || roleAtLeast(x, best))) best = x;
  return best;
}

/** Who made a request, once authenticated. */
export interface Principal {
  /** A name for logs and operation records (`admin`, a tokens-file name, an OIDC subject, `grant:<jti>`). */
  name: string;
  role: Role;
  /** How the credential was checked. */
  via: 'token' | 'oidc' | 'grant' | 'auth-off';
  /**
   * A scoped credential (a CRB copy grant) allows exactly what this says, whatever `role` it carries: the kit asks
   * it instead of comparing roles.
   */
  allows?: (op: { operationId: string; params: Record<string, string> }) => boolean;
  /** What the scoped credential is for, said in a 403. */
  scope?: string;
}

/** `name (role)`: how a principal is shown in operation records and audit lines. */
export const describePrincipal = (p: Pick<Principal, 'name' | 'role'>): string => `${p.name} (${p.role})`;
