import { performance } from 'node:perf_hooks';

export interface IdleWatch {
  /** The CRB did something (connected, took or sent bytes): its idle time starts over. */
  progress(): void;
  stop(): void;
}

/**
 * Calls `onIdle` once, after `ms` without `progress()` during which `crbAwaited()` held when looked at. Own timer
 * rather than `req.setTimeout()`: socket inactivity also counts the waits that are not the CRB's (a producer with
 * nothing to send, a restore consumer busy building indexes while the download is paused), `setTimeout` arms only
 * once connected, and the request relays just the first socket 'timeout'. Progress only stamps a time (it is marked
 * per 64 KiB chunk); the timer is unref'd so that it never keeps the process alive.
 */
export function watchIdle(ms: number, crbAwaited: () => boolean, onIdle: () => void): IdleWatch {
  if (!(ms > 0)) return { progress: () => undefined, stop: () => undefined };
  let last = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const arm = (delay: number) => { timer = setTimeout(check, delay); timer.unref(); };
  const check = () => {
    timer = undefined;
    const now = performance.now();
    if (now - last < ms) return arm(ms - (now - last));
    // Waiting on our side: the CRB's clock starts over when it is awaited again.
    if (!crbAwaited()) { last = now; return arm(ms); }
    onIdle();
  };
  arm(ms);
  return {
    progress: () => { last = performance.now(); },
    stop: () => { if (timer) clearTimeout(timer); timer = undefined; },
  };
}
