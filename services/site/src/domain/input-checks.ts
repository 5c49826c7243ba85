// Checks of command input shared by the Site's commands (400 when they fail).
import { BadRequestError } from '@ocopea/errors';

export function requireText(fields: Record<string, string | null | undefined>, prefix = ''): void {
  for (const [k, v] of Object.entries(fields)) if (typeof v !== 'string' || v.trim() === '') throw new BadRequestError(`${prefix}Missing ${k}`);
}
export const trimUrl = (u: string) => u.replace(/\/+$/, '');

/** A URL the Site will call must parse and use one of `protocols` (400 otherwise: a malformed URL was a 503). */
export function requireUrl(field: string, url: string, protocols: string[]): void {
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw new BadRequestError(`${field} '${url}' is not a URL`); }
  if (!protocols.includes(parsed.protocol)) throw new BadRequestError(`${field} '${url}' must be ${protocols.map((x) => x.slice(0, -1)).join(' or ')}`);
}
