import { getEventListeners } from 'node:events';
import { GatewayTimeoutError } from '@ocopea/errors';
import { sleep, waitFor } from '../src';

/** A probe that answers `undefined` until its `n`-th call, recording when each call came (ms since creation). */
function probe<T>(n: number, value: T) {
  const t0 = Date.now();
  const at: number[] = [];
  return {
    at,
    gaps: () => at.slice(1).map((t, i) => t - at[i]),
    run: async () => { at.push(Date.now() - t0); return at.length >= n ? value : undefined; },
  };
}

describe('waitFor', () => {
  it('returns the first value that is not undefined, falsy ones included', async () => {
    for (const value of [0, '', null, false, { ready: true }]) {
      const p = probe(3, value);
      await expect(waitFor(p.run, { initialDelayMs: 1 })).resolves.toBe(value);
      expect(p.at).toHaveLength(3);
    }
  });

  it('probes at once, then backs off doubling from initialDelayMs up to maxDelayMs', async () => {
    const p = probe(6, 'up');
    const t0 = Date.now();
    await waitFor(p.run, { initialDelayMs: 10, maxDelayMs: 40 });
    expect(p.at[0]).toBeLessThan(10);
    const want = [10, 20, 40, 40, 40];
    p.gaps().forEach((g, i) => expect(g).toBeGreaterThanOrEqual(want[i] - 2)); // timers may fire a ms early, never later-is-wrong
    expect(Date.now() - t0).toBeLessThan(400); // capped at 40: uncapped doubling would take 610 ms
  });

  it('starts at 50 ms and doubles by default', async () => {
    const p = probe(3, 'up');
    await waitFor(p.run);
    const [first, second] = p.gaps();
    expect(first).toBeGreaterThanOrEqual(48);
    expect(second).toBeGreaterThanOrEqual(98);
  });

  it('doubles up to 1 s by default when only the first delay is given', async () => {
    const p = probe(4, 'up');
    await waitFor(p.run, { initialDelayMs: 10 });
    expect(p.gaps().map((g) => g >= 8)).toEqual([true, true, true]);
    expect(p.gaps()[2]).toBeGreaterThanOrEqual(38);
  });

  it('caps the doubling at 1 s by default', async () => {
    const at: number[] = [];
    const t0 = Date.now();
    await waitFor(async () => { at.push(Date.now() - t0); return at.length >= 4 ? 'up' : undefined; }, { initialDelayMs: 300 });
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    expect(gaps[1]).toBeGreaterThanOrEqual(590);
    expect(gaps[2]).toBeGreaterThanOrEqual(990);
    expect(gaps[2]).toBeLessThan(1_150);
  });

  it('gives up with a 504 before sleeping past its deadline', async () => {
    const p = probe(Infinity, 'never');
    const t0 = Date.now();
    const err = await waitFor(p.run, { initialDelayMs: 50, timeoutMs: 250, what: 'the broker' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayTimeoutError);
    expect(err).toMatchObject({ status: 504, message: 'gave up waiting for the broker after 250 ms' });
    // Probes at 0, 50 and 150 ms; the next would come at 350, past the deadline, so it stops there.
    expect(p.at).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    await expect(waitFor(async () => undefined, { initialDelayMs: 30, timeoutMs: 10 })).rejects.toThrow('gave up waiting for condition after 10 ms');
  });

  it('stops when its signal is aborted, before probing or while sleeping', async () => {
    const before = new AbortController();
    before.abort(new Error('shutting down'));
    const calls = probe(Infinity, 'x');
    await expect(waitFor(calls.run, { signal: before.signal })).rejects.toThrow('shutting down');
    expect(calls.at).toHaveLength(0);

    const during = new AbortController();
    const slow = probe(Infinity, 'x');
    const t0 = Date.now();
    setTimeout(() => during.abort(new Error('stop now')), 30);
    await expect(waitFor(slow.run, { signal: during.signal, initialDelayMs: 5_000 })).rejects.toThrow('stop now');
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(slow.at).toHaveLength(1);
  });
});

describe('sleep', () => {
  it('resolves after the delay and leaves no listener on the signal', async () => {
    const c = new AbortController();
    const t0 = Date.now();
    await sleep(30, c.signal);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(28);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
    await sleep(1); // without a signal
  });

  it('rejects with the abort reason, at once when already aborted, and cancels its timer', async () => {
    const done = new AbortController();
    done.abort(new Error('already'));
    await expect(sleep(10_000, done.signal)).rejects.toThrow('already');

    const c = new AbortController();
    const t0 = Date.now();
    const slept = sleep(10_000, c.signal);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(1);
    c.abort(new Error('later'));
    await expect(slept).rejects.toThrow('later');
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0); // a one-shot listener
  });

  it('an abort clears the pending timer (nothing keeps the process alive)', async () => {
    jest.useFakeTimers();
    try {
      const c = new AbortController();
      const slept = sleep(10_000, c.signal);
      expect(jest.getTimerCount()).toBe(1);
      c.abort(new Error('gone'));
      await expect(slept).rejects.toThrow('gone');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
