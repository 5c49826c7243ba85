import request from 'supertest';
import http from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createPetsApp } from './fixtures/pets-service';
import express from 'express';
import { OcopeaError, RangeNotSatisfiableError } from '@ocopea/errors';
import { MAX_JSON_DEPTH } from '../src/create-service-app';
import { MAX_HEADER_BYTES } from '../src/run-service';
import { errorMiddleware } from '../src/error-middleware';
import { runService } from '../src/run-service';
import { createLogger } from '../src/logger';

describe('service kit', () => {
  const svc = createPetsApp();
  const app = svc.app;

  it('answers 400 {code, message} naming the field when a body has a wrong type', async () => {
    const res = await request(app).post('/pets-api/pets').send({ name: 'rex', age: 'old' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, reason: 'bad_request' });
    expect(res.body.message).toMatch(/body\/age/);
    expect(res.body.message).toMatch(/integer/);
  });

  it('answers 400 naming a missing required field and a bad query parameter', async () => {
    const missing = await request(app).post('/pets-api/pets').send({ age: 3 });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/name/);
    const q = await request(app).get('/pets-api/pets?limit=0');
    expect(q.status).toBe(400);
    expect(q.body.message).toMatch(/limit/);
    const unknown = await request(app).get('/pets-api/pets?bogus=1');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/bogus/);
  });

  it('answers 400 JSON for a body that is not JSON, and 413 for one over the limit', async () => {
    const bad = await request(app).post('/pets-api/pets').set('content-type', 'application/json').send('{"name":');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 400 });
    const big = await request(app).post('/pets-api/pets').send({ name: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 413, reason: 'payload_too_large' });
  });

  it('answers 400 to a lone UTF-16 surrogate anywhere in a JSON body, and takes a paired one', async () => {
    for (const body of ['{"name":"a\\ud800"}', '{"name":"ok2","tags":{"\\udc00k":"v"}}', '{"name":"ok3","tags":{"k":"x\\udfff\\ud800"}}']) {
      const res = await request(app).post('/pets-api/pets').set('content-type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 400, reason: 'bad_request', message: expect.stringMatching(/unpaired UTF-16 surrogates/) });
    }
    const paired = await request(app).post('/pets-api/pets').set('content-type', 'application/json').send('{"name":"clef \\ud834\\udd1e"}');
    expect(paired.status).toBe(201);
    expect(paired.body.name).toBe('clef \u{1d11e}');
  });

  it('answers 400 (not 500) to a body nested too deep and to a compressed body that does not inflate', async () => {
    for (const depth of [MAX_JSON_DEPTH + 1, 950]) {
      const deep = `{"name":"deep","tags":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      const res = await request(app).post('/pets-api/pets').set('content-type', 'application/json').send(deep);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 400, reason: 'bad_request', message: `request body nested deeper than ${MAX_JSON_DEPTH} levels` });
    }
    const atLimit = `{"name":"deep-ok","tags":{"x":${'['.repeat(MAX_JSON_DEPTH - 3)}${']'.repeat(MAX_JSON_DEPTH - 3)}}}`;
    expect((await request(app).post('/pets-api/pets').set('content-type', 'application/json').send(atLimit)).status).toBe(201);
    for (const encoding of ['gzip', 'deflate']) {
      const res = await request(app).post('/pets-api/pets').set('content-type', 'application/json').set('content-encoding', encoding).send('xxxx');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 400, reason: 'bad_request', message: expect.stringMatching(/^request body could not be read: /) });
    }
  });

  it('answers 400 to a POST without any body, 415 to one in another media type', async () => {
    const none = await request(app).post('/pets-api/pets');
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 400, reason: 'bad_request', message: 'this operation requires a request body (application/json)' });
    const text = await request(app).post('/pets-api/pets').set('content-type', 'text/plain').send('rex');
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({ code: 415, reason: 'unsupported_media_type' });
  });

  it('an error answer drops the headers a handler set for its success; a 416 gets Content-Range bytes */size', async () => {
    const bare = express();
    bare.get('/download', (_req, res, next) => {
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Range', 'bytes 0-10/5000000');
      res.setHeader('X-Ocopea-Sha256', 'ab'.repeat(32));
      next(new OcopeaError(500, 'data_damaged', 'the file is short'));
    });
    bare.get('/past-end', (_req, _res, next) => next(new RangeNotSatisfiableError('past the end', { details: { size: 99 } })));
    bare.use(errorMiddleware(createLogger('t')));
    const damaged = await request(bare).get('/download');
    expect(damaged.status).toBe(500);
    expect(damaged.headers['content-type']).toMatch(/^application\/json/);
    expect(damaged.headers['content-range']).toBeUndefined();
    expect(damaged.headers['x-ocopea-sha256']).toBeUndefined();
    expect(damaged.body).toMatchObject({ code: 500, reason: 'data_damaged', message: 'the file is short' });
    const past = await request(bare).get('/past-end');
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */99');
  });

  it('answers 404 JSON for unknown routes, inside and outside the base path', async () => {
    for (const url of ['/pets-api/nope', '/nope', '/']) {
      const res = await request(app).get(url);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/json/);
      expect(res.body).toMatchObject({ code: 404, reason: 'not_found' });
    }
    const wrongMethod = await request(app).put('/pets-api/pets');
    expect([404, 405]).toContain(wrongMethod.status);
    expect(wrongMethod.body.code).toBe(wrongMethod.status);
  });

  it('maps domain errors once: 201 then 409 conflict, 404 for unknown ids', async () => {
    expect((await request(app).post('/pets-api/pets').send({ name: 'tom', age: 2 })).status).toBe(201);
    const dup = await request(app).post('/pets-api/pets').send({ name: 'tom' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 409, reason: 'conflict', message: "pet 'tom' exists" });
    const missing = await request(app).get('/pets-api/pets/ghost');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe("pet 'ghost' not found");
    expect((await request(app).delete('/pets-api/pets/tom')).status).toBe(204);
  });

  it('answers 400 for a NUL character in the URL or anywhere in a JSON body, before any handler runs', async () => {
    for (const res of [
      await request(app).post('/pets-api/pets').send({ name: 'a\u0000b' }),
      await request(app).post('/pets-api/pets').send({ name: 'ok', tags: { 'k\u0000': 'v' } }),
      await request(app).get('/pets-api/pets/a%00b'),
      await request(app).get('/pets-api/pets?limit=1&x=%00'),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 400, reason: 'bad_request', message: expect.stringMatching(/NUL/) });
    }
    expect((await request(app).get('/pets-api/pets')).body.map((p: { name: string }) => p.name)).not.toContain('a\u0000b');
  });

  it('hides internals of unexpected errors: 500 with no stack and no message detail', async () => {
    const res = await request(app).get('/pets-api/crash');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 500, message: 'internal error', reason: 'internal' });
    expect(JSON.stringify(res.body)).not.toMatch(/secret|at .*\.ts/);
  });

  it('validates responses against the spec in tests', async () => {
    const res = await request(app).get('/pets-api/broken');
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/response/);
  });

  it('streams octet-stream bodies to the handler unparsed', async () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 7); // larger than the JSON limit: bytes are not subject to it
    const res = await request(app).post('/pets-api/pets/rex/photo').set('content-type', 'application/octet-stream').send(payload);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ size: payload.length });
  });

  it('serves the spec at /openapi.json and Swagger UI at /docs that loads it', async () => {
    for (const prefix of ['', '/pets-api']) {
      const spec = await request(app).get(`${prefix}/openapi.json`);
      expect(spec.status).toBe(200);
      expect(spec.body.info.title).toMatch(/Pets/);
      const docs = await request(app).get(`${prefix}/docs/`);
      expect(docs.status).toBe(200);
      expect(docs.text).toMatch(/swagger-ui/i);
      const init = await request(app).get(`${prefix}/docs/swagger-ui-init.js`);
      expect(init.status).toBe(200);
      expect(init.text).toContain('"operationId": "createPet"');
      const css = await request(app).get(`${prefix}/docs/swagger-ui.css`);
      expect(css.status).toBe(200);
    }
  });

  it('reports health and every unhandled operation', async () => {
    const res = await request(app).get('/healthz');
    expect(res.body).toMatchObject({ status: 'ok', service: 'pets' });
    expect(svc.unhandledOperations()).toEqual([]);
  });

  it('propagates the request id to outgoing calls made while handling a request', async () => {
    const seen: string[] = [];
    const downstream = http.createServer((req, res) => {
      seen.push(String(req.headers['x-request-id']));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'rid', name: String(req.headers['x-request-id']) }));
    });
    await new Promise<void>((r) => downstream.listen(0, '127.0.0.1', r));
    const port = (downstream.address() as { port: number }).port;
    const caller = createPetsApp({ downstreamUrl: `http://127.0.0.1:${port}/pets-api` });
    const res = await request(caller.app).get('/pets-api/echo-request-id').set('x-request-id', 'trace-123');
    downstream.close();
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.body.downstream).toBe('trace-123');
    expect(seen).toEqual(['trace-123']);
  });
});

describe('requests node refuses before any handler', () => {
  it('answer {code, message} JSON: 400 for a malformed request, 431 for an oversized request line', async () => {
    const running = await runService(createPetsApp(), { port: 0, host: '127.0.0.1', handleSignals: false });
    const raw = (text: string) => new Promise<string>((resolve, reject) => {
      const sock = net.connect(running.port, '127.0.0.1', () => sock.write(text));
      let got = '';
      sock.on('data', (d) => { got += d.toString(); });
      sock.on('error', reject);
      sock.on('close', () => resolve(got));
    });
    try {
      const bad = await raw('GET /pets-api/pets HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
      expect(bad).toMatch(/^HTTP\/1\.1 400 /);
      expect(bad).toMatch(/content-type: application\/json/i);
      expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 400, reason: 'bad_request', message: expect.stringMatching(/^malformed HTTP request/) });
      const big = await raw(`GET /pets-api/pets?x=${'a'.repeat(MAX_HEADER_BYTES + 10)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(big).toMatch(/^HTTP\/1\.1 431 /);
      expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 431, reason: 'request_header_fields_too_large' });
    } finally {
      await running.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM finishes the in-flight request, refuses new work, runs onClose and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/pets-service.ts')], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 20_000);
      child.stdout.on('data', () => { const m = /listening (\d+)/.exec(out); if (m) { clearTimeout(t); resolve(Number(m[1])); } });
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const inflight = fetchJson(`http://127.0.0.1:${port}/pets-api/slow?ms=800`);
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const slow = await inflight;
    expect(slow).toEqual({ status: 200, body: { waited: 800 } });
    expect(await exited).toBe(0);
    expect(out).toContain('onClose');
    await expect(fetchJson(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 30_000);
});

function fetchJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    }).on('error', reject);
  });
}
void Readable;
