/** A resolved byte range `[start, end]` (inclusive) of a representation of `size` bytes. */
export interface ByteRange { start: number; end: number }

/**
 * Parses a `Range` header (RFC 9110 §14.2) for a representation of `size` bytes. Only one `bytes` range is honoured:
 * anything else (other units, several ranges, bad syntax) is ignored → `undefined` (serve the whole thing).
 * `'unsatisfiable'` when the single range starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const suffix = Number(b);
    if (!Number.isSafeInteger(suffix)) return undefined;
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const last = b === '' ? size - 1 : Number(b);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(last)) return undefined;
  if (b !== '' && last < start) return undefined; // syntactically invalid: ignore
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}
