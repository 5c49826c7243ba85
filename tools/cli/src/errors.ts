import { UpstreamError } from '@ocopea/errors';

/** A failure the CLI reports as one line `error: …` and exits with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) { super(message); }
}

/**
 * One line for a failed Hub call: the service's `{code, message}` as `<message> (HTTP <code>)`; a 401 says to log in;
 * a Hub that does not answer names the URL that failed.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof UpstreamError) {
    const status = err.upstreamStatus;
    if (status === undefined) {
      const why = err.reason === 'timeout' ? 'timed out' : (err.cause as { code?: string } | undefined)?.code ?? 'unreachable';
      return `cannot reach the Hub at ${err.url} (${why})`;
    }
    // ApiClient quotes the peer as "<METHOD> <url> answered <status>: <service message>": keep the service's part.
    const marker = ` answered ${status}: `;
    const at = err.message.indexOf(marker);
    const message = at >= 0 ? err.message.slice(at + marker.length) : err.message;
    if (status === 401) return `${message} (HTTP 401); run \`ocopea login --hub URL --token-file FILE\``;
    return `${message} (HTTP ${status})`;
  }
  return err instanceof Error ? err.message : String(err);
}
