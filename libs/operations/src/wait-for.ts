import { backoffDelay, GatewayTimeoutError, sleep } from '@ocopea/errors';

// Polls wait the way retries do (one backoff computation, @ocopea/errors); `sleep` is re-exported for the engines.
export { sleep };

/** Options of `waitFor`. */
export interface WaitOptions {
  /** First delay between probes in ms (default 50): brokers that are ready at once cost almost nothing. */
  initialDelayMs?: number;
  /** Delays double up to this (default 1000). */
  maxDelayMs?: number;
  /** Give up after this many ms (default 10 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** For the timeout message. */
  what?: string;
}

/**
 * Probes until `probe` returns a value other than `undefined`, with exponential backoff. Replaces the fixed 10 s / 5 s
 * polling of the original, which made every deploy take at least 15 s. A poll-until, not a retry: a probe that
 * throws ends the wait (`retry` of @ocopea/errors is for calls that fail).
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, o: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  const backoff = { initialMs: o.initialDelayMs ?? 50, maxMs: o.maxDelayMs ?? 1000 };
  for (let attempt = 0; ; attempt++) {
    o.signal?.throwIfAborted();
    const v = await probe();
    if (v !== undefined) return v;
    const delay = backoffDelay(attempt, backoff);
    if (Date.now() + delay > deadline) throw new GatewayTimeoutError(`gave up waiting for ${o.what ?? 'condition'} after ${o.timeoutMs ?? 600_000} ms`);
    await sleep(delay, o.signal);
  }
}
