import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { REDACT } from '../src/logger';
import { requestLog } from '../src/request-log';

function app(level: string) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, { write: (s: string) => { lines.push(JSON.parse(s)); } });
  const a = express();
  a.use(requestLog(log));
  a.get('/healthz', (_q, r) => { r.json({ status: 'ok' }); });
  a.get('/ok', (_q, r) => { r.json({ ok: true }); });
  a.get('/missing', (_q, r) => { r.status(404).json({}); });
  a.get('/broken', (_q, r) => { r.status(500).json({}); });
  return { a, lines };
}

describe('requestLog', () => {
  it('logs each request once at the level its status calls for, with the credential redacted', async () => {
    const { a, lines } = app('info');
    const res = await request(a).get('/ok').set('authorization', 'Bearer s3cret-token-value');
    await request(a).get('/missing');
    await request(a).get('/broken');
    await request(a).get('/healthz');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.msg, (l.req as { url: string }).url, (l.res as { statusCode: number }).statusCode])).toEqual([
      [30, 'request completed', '/ok', 200], [40, 'request completed', '/missing', 404], [50, 'request errored', '/broken', 500],
    ]);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    expect((lines[0].req as { headers: Record<string, string> }).headers.authorization).toBe('[redacted]');
    expect((lines[0].req as { id: string }).id).toBe(res.headers['x-request-id']);
    expect(typeof lines[0].responseTime).toBe('number');
  });

  it('keeps a plain caller-given request id, replaces anything else, and logs nothing below its level', async () => {
    const { a, lines } = app('warn');
    expect((await request(a).get('/ok').set('x-request-id', 'abc-123.x:y')).headers['x-request-id']).toBe('abc-123.x:y');
    const odd = (await request(a).get('/ok').set('x-request-id', 'no spaces allowed')).headers['x-request-id'];
    expect(odd).toMatch(/^[0-9a-f-]{36}$/);
    await request(a).get('/missing');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['request completed']);
    expect(lines[0].level).toBe(40);
  });
});
