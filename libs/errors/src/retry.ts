/** How the waits between attempts grow: doubling from `initialMs`, at most `maxMs`, optionally with jitter. */
export interface Backoff {
  /** The first wait, in ms. */
  initialMs: number;
  /** Later waits double up to this (default: no limit); the first one is `initialMs` whatever this says. */
  maxMs?: number;
  /**
   * `half`: each wait is drawn between half of its doubling value and the whole of it, so that the clients a peer's
   * hiccup failed at once do not all come back at once. Default: none (a poll's waits are exact).
   */
  jitter?: 'half';
}

/** The wait before attempt `attempt + 1` (attempt 0 is the first retry): the one backoff computation of the repo. */
export function backoffDelay(attempt: number, b: Backoff): number {
  const doubled = b.initialMs * 2 ** attempt;
  const capped = b.maxMs === undefined || attempt === 0 ? doubled : Math.min(doubled, b.maxMs);
  return b.jitter === 'half' ? capped / 2 + (Math.random() * capped) / 2 : capped;
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Options of `retry`. Give `retries`, `timeoutMs`, or both (whichever runs out first ends the retries). */
export interface RetryOptions {
  backoff: Backoff;
  /** Attempts after the first (default: unlimited, then `timeoutMs` must be given). */
  retries?: number;
  /** No attempt starts after this many ms since the first one. */
  timeoutMs?: number;
  /** Whether a failure is worth another attempt (default: every one). */
  shouldRetry?: (err: unknown) => boolean;
  /** Told of each failure that is retried, with the wait before the next attempt. */
  onRetry?: (err: unknown, delayMs: number, attempt: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs `attempt` until it resolves; a failure is retried (after a backoff wait) while `shouldRetry` says so and
 * retries and time are left, else it is thrown as it is. `attempt` is told its number (0 first) and whether it is
 * the last one allowed by `retries`, so that it can build a full error only when nothing follows.
 */
export async function retry<T>(attempt: (n: number, last: boolean) => Promise<T>, o: RetryOptions): Promise<T> {
  const deadline = o.timeoutMs === undefined ? Infinity : Date.now() + o.timeoutMs;
  const retries = o.retries ?? Infinity;
  for (let n = 0; ; n++) {
    o.signal?.throwIfAborted();
    try {
      return await attempt(n, n >= retries);
    } catch (err) {
      if (n >= retries || Date.now() > deadline || !(o.shouldRetry?.(err) ?? true)) throw err;
      const delay = backoffDelay(n, o.backoff);
      o.onRetry?.(err, delay, n);
      await sleep(delay, o.signal);
    }
  }
}
