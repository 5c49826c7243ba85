import { GatewayTimeoutError } from '@ocopea/errors';

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
 * polling of the original, which made every deploy take at least 15 s.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, o: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  let delay = o.initialDelayMs ?? 50;
  for (;;) {
    o.signal?.throwIfAborted();
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() + delay > deadline) throw new GatewayTimeoutError(`gave up waiting for ${o.what ?? 'condition'} after ${o.timeoutMs ?? 600_000} ms`);
    await sleep(delay, o.signal);
    delay = Math.min(delay * 2, o.maxDelayMs ?? 1000);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
