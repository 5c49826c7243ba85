import { BadRequestError } from '@ocopea/errors';

/** The id shape of the contract (`resourceId`): it becomes a file name, so it is kept to a safe alphabet. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MAX_ID_LENGTH = 128;

/**
 * Guards an id before it becomes part of a path. The HTTP validator already enforces the pattern; this is the second
 * line of defence for any other caller: no separators, no `..`, no NUL, nothing longer than 128 characters.
 */
export function assertSafeId(kind: 'copyId' | 'repoId', id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new BadRequestError(`${kind} is missing`);
  if (Buffer.byteLength(id, 'utf8') > 255 || id.length > MAX_ID_LENGTH) throw new BadRequestError(`${kind} is longer than ${MAX_ID_LENGTH} characters`);
  if (/[/\\\0]/.test(id) || id.includes('..') || !ID.test(id)) {
    throw new BadRequestError(`${kind} '${printable(id)}' has forbidden characters (allowed: letters, digits, '_', '.', '-'; no '..')`);
  }
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
