import { performance } from 'node:perf_hooks';

/**
 * Measures wall-clock time during which the Site is waiting on brokers (a broker call in flight, or a poll loop
 * waiting for a broker to become ready). Overlapping waits count once, so `busyMs` never exceeds elapsed time and
 * elapsed − busy is the Site's own overhead (for `pnpm bench:site`).
 */
export class WaitTracker {
  private inflight = 0;
  private since = 0;
  private busy = 0;
  calls = 0;

  async track<T>(fn: () => Promise<T>): Promise<T> {
    this.enter();
    try { return await fn(); } finally { this.exit(); }
  }

  private enter(): void {
    if (this.inflight++ === 0) this.since = performance.now();
    this.calls++;
  }

  private exit(): void {
    if (--this.inflight === 0) this.busy += performance.now() - this.since;
  }

  snapshot(): { calls: number; busyMs: number } {
    return { calls: this.calls, busyMs: this.busy + (this.inflight > 0 ? performance.now() - this.since : 0) };
  }
}
