import { COPY_PROTOCOL, COPY_PROTOCOL_VERSION, SUPPORTED_COPY_PROTOCOLS, type CrbLocation } from '@ocopea/api';
import { BadRequestError } from '@ocopea/errors';

// The protocol itself (name, version, paths, header fields) is spelled once, in @ocopea/api copy-protocol; this is
// how a DSB checks the copy and restore requests it is given.

/**
 * Checks the copy protocol of a copy or restore request: `shpanRest` in any case, version `1.0` or absent.
 * An absent protocol is taken as `shpanRest` (orcs clients always send it). Throws 400 naming the supported one.
 */
export function checkCopyProtocol(protocol: string | null | undefined, version: string | null | undefined): void {
  const p = protocol ?? COPY_PROTOCOL;
  const v = version ?? COPY_PROTOCOL_VERSION;
  if (p.toLowerCase() !== COPY_PROTOCOL.toLowerCase() || v !== COPY_PROTOCOL_VERSION) {
    throw new BadRequestError(`unsupported copy protocol '${protocol ?? ''}' ${version ?? ''}; supported: ${SUPPORTED_COPY_PROTOCOLS}`);
  }
}

/** Reads `copyRepoCredentials` of a shpanRest request: `url` (http/https) and `repoId` are required (400). */
export function crbLocation(creds: Record<string, string | undefined> | null | undefined): CrbLocation {
  const url = creds?.url;
  const repoId = creds?.repoId;
  if (!url) throw new BadRequestError('copyRepoCredentials.url is required');
  if (!repoId) throw new BadRequestError('copyRepoCredentials.repoId is required');
  checkCrbId(repoId, 'copyRepoCredentials.repoId');
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw new BadRequestError(`copyRepoCredentials.url '${url}' is not a URL`); }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BadRequestError(`copyRepoCredentials.url '${url}' must be http or https`);
  }
  return { url: url.replace(/\/+$/, ''), repoId };
}

/** The ids a CRB takes (specs/crb.yaml `copyId`/`repoId`): letters, digits, `_`, `.`, `-`; not starting with a dot; ≤ 128. */
const CRB_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Refuses with 400 a copy or repository id no CRB of ours would take, before any dump starts: otherwise the CRB's
 * 400 came back from the DSB as a 502, blaming the CRB for the caller's mistake.
 */
export function checkCrbId(id: string, field: string): void {
  if (!CRB_ID.test(id)) {
    throw new BadRequestError(`${field} ${JSON.stringify(id.length > 140 ? `${id.slice(0, 140)}…` : id)} is not a valid CRB id (letters, digits, '_', '.', '-', at most 128, not starting with '.', '_' or '-')`);
  }
}
