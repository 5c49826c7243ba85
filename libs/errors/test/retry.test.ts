// The one backoff computation and retry helper: exact doubling for polls, jittered doubling for retries, and
// retries that stop on the first failure not worth another attempt, when attempts or time run out, or on abort.
import { backoffDelay, retry, sleep } from '../src';

describe('backoffDelay', () => {
  it('doubles from the first wait up to the most, the first wait as given', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, { initialMs: 50, maxMs: 1000 }))).toEqual([50, 100, 200, 400, 800, 1000]);
    expect([0, 1, 2].map((n) => backoffDelay(n, { initialMs: 50, maxMs: 10 }))).toEqual([50, 10, 10]);
    expect(backoffDelay(10, { initialMs: 1 })).toBe(1024);
  });
  it('draws jittered waits between half and the whole of the doubled wait', () => {
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, { initialMs: 100, jitter: 'half' });
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});

describe('retry', () => {
  it('returns the first success, telling each attempt its number and whether it is the last', async () => {
    const seen: [number, boolean][] = [];
    const v = await retry(async (n, last) => { seen.push([n, last]); if (n < 2) throw new Error(`fail ${n}`); return 'ok'; }, { retries: 3, backoff: { initialMs: 1 } });
    expect(v).toBe('ok');
    expect(seen).toEqual([[0, false], [1, false], [2, false]]);
  });

  it('throws the last failure once the retries are spent, and at once a failure not worth retrying', async () => {
    let n = 0;
    await expect(retry(async () => { n++; throw new Error(`fail ${n}`); }, { retries: 2, backoff: { initialMs: 1 } })).rejects.toThrow('fail 3');
    n = 0;
    await expect(retry(async () => { n++; throw new Error('fatal'); }, { retries: 5, backoff: { initialMs: 1 }, shouldRetry: () => false })).rejects.toThrow('fatal');
    expect(n).toBe(1);
  });

  it('gives up after timeoutMs, reporting each retried failure with its wait', async () => {
    const waits: number[] = [];
    const started = Date.now();
    await expect(retry(async () => { throw new Error('down'); }, { timeoutMs: 100, backoff: { initialMs: 10, maxMs: 40 }, onRetry: (_e, d) => waits.push(d) })).rejects.toThrow('down');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(waits.slice(0, 3)).toEqual([10, 20, 40]);
  });

  it('stops waiting when its signal aborts', async () => {
    const ac = new AbortController();
    const p = retry(async () => { throw new Error('down'); }, { backoff: { initialMs: 10_000 }, retries: 3, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stopped')), 20);
    await expect(p).rejects.toThrow('stopped');
    await expect(sleep(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
