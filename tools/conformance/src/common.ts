import { CheckFailure, CheckSkipped, type HttpClient } from './http';
import type { Report } from './report';

/** Deadlines of a run. */
export interface Timing {
  /** How long an instance or app service may take to become ready (and to go away). */
  readyTimeoutMs: number;
  pollMs: number;
  /** How long one copy request may take. */
  copyTimeoutMs: number;
}

/** Calls `probe` every `pollMs` until it answers true; throws `timeout()` past `readyTimeoutMs`. */
export async function pollUntil(t: Timing, probe: () => Promise<boolean>, timeout: () => Error): Promise<void> {
  const deadline = Date.now() + t.readyTimeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw timeout();
    await new Promise((res) => setTimeout(res, t.pollMs));
  }
}

/** With a token: the broker refuses a request without one (401). Without a token there is nothing to check. */
export async function checkAnonymousRefused(r: Report, client: HttpClient, path: string, token: string | undefined): Promise<void> {
  await r.check(`auth: a request without a token is refused with 401`, { optional: true, consequence: 'anyone who can reach the broker can use it' }, async () => {
    if (!token) throw new CheckSkipped('no --token given: the broker was run without authentication');
    const a = await client.call('GET', path, { anonymous: true });
    if (a.status !== 401) throw new CheckFailure(`expected 401, got ${a.status}`, a.exchange);
  });
}
