/**
 * The copy protocol between a broker and a CRB, spelled once: its name and version as orcs announces them, the
 * paths of copy data (specs/crb.yaml) and the header fields our extensions add to them. DSBs check requests against
 * it, crb-fs announces it and serves it, the CRB data client speaks it.
 */

/** The only copy protocol our brokers speak: HTTP octet streams to and from a CRB. */
export const COPY_PROTOCOL = 'shpanRest';
export const COPY_PROTOCOL_VERSION = '1.0';
/** As DSBs quote it when they refuse another one. */
export const SUPPORTED_COPY_PROTOCOLS = `${COPY_PROTOCOL} ${COPY_PROTOCOL_VERSION}`;

/** Where a copy lives in a CRB: its registered URL (…/crb, possibly a `/cap/<token>` grant URL) and a repository. */
export interface CrbLocation {
  url: string;
  repoId: string;
}

/** The paths of copy data under a CRB's registered URL (ids encoded). */
export const COPY_DATA_PATHS = {
  /** `POST`: the upload of a copy's bytes into a repository. */
  upload: (repoId: string, copyId: string) => `/repositories/${encodeURIComponent(repoId)}/copies/${encodeURIComponent(copyId)}/data`,
  /** `GET`: a copy's bytes, whole or a `Range`. */
  download: (copyId: string) => `/copies/${encodeURIComponent(copyId)}/data`,
} as const;

/**
 * The digests that travel with copy data between a broker and a CRB (extensions of the orcs contract, all optional),
 * as lower-case field names (how node presents received headers):
 *
 * - `X-Ocopea-Sha256` / `Repr-Digest: sha-256=:…:` — answered by the CRB: SHA-256 of the copy as stored.
 * - `X-Ocopea-Crc32` — answered by the CRB: CRC-32 of the copy as stored.
 * - `X-Ocopea-Expected-Sha256`, `X-Ocopea-Expected-Crc32` — sent by the uploader, as a header when known up front or
 *   as a trailer (announced in `Trailer`) when computed while streaming: the CRB refuses, and keeps nothing, when the
 *   bytes it received digest differently.
 */
export const COPY_DIGEST_HEADERS = {
  sha256: 'x-ocopea-sha256',
  crc32: 'x-ocopea-crc32',
  expectedSha256: 'x-ocopea-expected-sha256',
  expectedCrc32: 'x-ocopea-expected-crc32',
  /** RFC 9530, `sha-256=:<base64>:`. */
  reprDigest: 'repr-digest',
} as const;

/** The expected-digest field of each algorithm (header or trailer). */
export const EXPECTED_DIGEST_HEADERS = { sha256: COPY_DIGEST_HEADERS.expectedSha256, crc32: COPY_DIGEST_HEADERS.expectedCrc32 } as const;

/** Hints an orcs DSB sends with an upload; the CRB uses them when it has to make up the copy's metadata. */
export const COPY_HINT_HEADERS = { dsb: 'dsb', copyTimestamp: 'copyTimestamp', facility: 'facility' } as const;

/** `Repr-Digest` field value of a SHA-256 given in hex. */
export function reprDigest(sha256Hex: string): string {
  return `sha-256=:${Buffer.from(sha256Hex, 'hex').toString('base64')}:`;
}

/** A field name as messages and documents write it: `x-ocopea-expected-crc32` → `X-Ocopea-Expected-Crc32`. */
export function headerDisplayName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}
