import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamError } from '@ocopea/errors';
import { ApiClient, MAX_QUOTED } from '../src/api-client';

/** A server answering every request with `handler`, counting requests. */
async function serve(handler: http.RequestListener): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let n = 0;
  const s = http.createServer((req, res) => { n++; handler(req, res); });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits: () => n, close: () => new Promise((r) => s.close(() => r())) };
}

describe('ApiClient towards peers', () => {
  it('does not follow a redirect to another URL: the redirect is the error, and the other host sees nothing', async () => {
    const elsewhere = await serve((_req, res) => res.end('{"stolen":true}'));
    const peer = await serve((_req, res) => { res.statusCode = 302; res.setHeader('location', `${elsewhere.url}/steal`); res.end(); });
    try {
      const c = new ApiClient<Record<string, never>>(peer.url, { retries: 0, headers: { authorization: 'Bearer secret-token-for-peer' } });
      const err = await (c as unknown as { call: (m: string, p: string) => Promise<unknown> }).call('get', '/info').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).upstreamStatus).toBe(302);
      expect((err as UpstreamError).message).toMatch(/redirect.*not followed/);
      expect(elsewhere.hits()).toBe(0);
    } finally { await peer.close(); await elsewhere.close(); }
  });

  it('quotes at most MAX_QUOTED characters of a peer\'s error message', async () => {
    const peer = await serve((_req, res) => { res.statusCode = 400; res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ code: 400, message: 'x'.repeat(100_000) })); });
    try {
      const c = new ApiClient<Record<string, never>>(peer.url, { retries: 0 });
      const err = (await (c as unknown as { call: (m: string, p: string) => Promise<unknown> }).call('get', '/info').catch((e: unknown) => e)) as UpstreamError;
      expect(err.message.length).toBeLessThan(MAX_QUOTED + 200);
      expect(err.message).toContain('x'.repeat(MAX_QUOTED));
      expect(err.message).not.toContain('x'.repeat(MAX_QUOTED + 1));
    } finally { await peer.close(); }
  });
});
