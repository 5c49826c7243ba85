/** What a redacted secret reads as: the field stays, so a viewer sees what the binding holds, never the value. */
export const REDACTED = '***';

const SECRET_KEY = /pass(word)?|secret|token|credential|private|(^|_)key$/i;

/**
 * A binding as a `viewer` may see it: values of secret-looking keys (`password`, `secret`, `token`, ...) become
 * `***`, and any URL-shaped value keeps everything but its password (`postgres://u:***@host/db`). Field names and
 * everything else are kept.
 */
export function redactBinding(binding: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(binding)) out[k] = SECRET_KEY.test(k) ? REDACTED : redactUrlPassword(v);
  return out;
}

/** `scheme://user:password@host...` → `scheme://user:***@host...`; anything else unchanged. */
export function redactUrlPassword(v: string): string {
  return v.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/i, `$1:${REDACTED}@`);
}
