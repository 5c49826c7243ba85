// The kit's plumbing one piece at a time: the error mapping (every branch of toErrorResponse, the terminal
// middleware), answers to what node refuses, where and how a service listens (loopback, TLS, the URL it shows,
// shutdown with and without signals), draining, /healthz, request ids and log levels, typed routes, streamed
// arrays, spec loading, the logger's redaction and the data dir.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { Duplex } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { ConflictError, OcopeaError, RangeNotSatisfiableError, UnauthorizedError, UnavailableError } from '@ocopea/errors';
import {
  answerClientError, createLogger, instanceIdFromEnv, createServiceApp, errorMiddleware, isLoopback, listOperations, loadSpec, minorGc,
  MAX_HEADER_BYTES, notFoundMiddleware, REDACT, runService, serviceDataDir, specsDir, streamJsonArray, streamReclaimerFromEnv, tlsFromEnv,
  toErrorResponse, toExpressPath, PRIVATE_UMASK, type OpenApiDocument,
} from '../src';
import { authPets, BASE, memoryLogger, PETS_SPEC, tempDir } from './fixtures/auth-pets';
import { createPetsApp } from './fixtures/pets-service';

const ADMIN = 'admin-token-0123456789abcdef';

describe('toErrorResponse', () => {
  it('our errors keep status, message and reason; requestId only when there is one', () => {
    expect(toErrorResponse(new ConflictError('taken'), 'rid-1')).toEqual({ status: 409, body: { code: 409, message: 'taken', reason: 'conflict', requestId: 'rid-1' }, internal: false });
    expect(toErrorResponse(new ConflictError('taken'))).toEqual({ status: 409, body: { code: 409, message: 'taken', reason: 'conflict' }, internal: false });
    expect(toErrorResponse(new ConflictError('taken'), '').body).not.toHaveProperty('requestId');
  });

  it('a status without a reason of its own: the table, else internal for 5xx and bad_request below', () => {
    expect(toErrorResponse(new OcopeaError(507, undefined as never, 'full')).body.reason).toBe('insufficient_storage');
    expect(toErrorResponse(new OcopeaError(599, undefined as never, 'odd')).body.reason).toBe('internal');
    expect(toErrorResponse(new OcopeaError(500, undefined as never, 'odd')).body.reason).toBe('internal');
    expect(toErrorResponse(new OcopeaError(499, undefined as never, 'odd')).body.reason).toBe('bad_request');
    expect(toErrorResponse({ status: 422, errors: [{ path: '.body.x', message: 'bad' }] }).body).toEqual({ code: 422, message: 'body/x bad', reason: 'bad_request' });
  });

  it('an exposed client error of http-errors (no type, no errors): "request body could not be read"', () => {
    expect(toErrorResponse({ status: 400, expose: true, message: 'incorrect header check' }).body).toEqual({ code: 400, message: 'request body could not be read: incorrect header check', reason: 'bad_request' });
    expect(toErrorResponse({ status: 499, expose: true }).body.message).toBe('request body could not be read: bad request');
    // Not exposed, a server status, with errors or with a type: not this branch.
    expect(toErrorResponse({ status: 400, expose: false, message: 'm' })).toMatchObject({ status: 500, internal: true });
    expect(toErrorResponse({ status: 500, expose: true, message: 'm' })).toMatchObject({ status: 500, internal: true, body: { message: 'internal error' } });
    expect(toErrorResponse({ status: 399, expose: true, message: 'm' })).toMatchObject({ status: 500, internal: true });
    expect(toErrorResponse({ status: 400, expose: true, message: 'm', errors: [] }).body.message).toBe('m');
    expect(toErrorResponse({ status: 415, expose: true, message: 'm', type: 'encoding.unsupported' }).body.message).toBe('m');
  });

  it('body-parser errors by type: too large (with or without the limit), not JSON, other 4xx; a 5xx is internal', () => {
    expect(toErrorResponse({ type: 'entity.too.large', status: 413, limit: 2048 }).body).toEqual({ code: 413, message: 'request body larger than 2048 bytes', reason: 'payload_too_large' });
    expect(toErrorResponse({ type: 'entity.too.large', status: 413 }).body.message).toBe('request body larger than the limit bytes');
    expect(toErrorResponse({ type: 'entity.parse.failed', status: 400, message: 'Unexpected end' }).body).toEqual({ code: 400, message: 'request body is not valid JSON: Unexpected end', reason: 'bad_request' });
    expect(toErrorResponse({ type: 'charset.unsupported', status: 415, message: 'unsupported charset' }).body).toEqual({ code: 415, message: 'unsupported charset', reason: 'unsupported_media_type' });
    expect(toErrorResponse({ type: 'x', status: 400 }).body.message).toBe('bad request');
    expect(toErrorResponse({ type: 'stream.not.readable', status: 500, message: 'inner' })).toEqual({ status: 500, body: { code: 500, message: 'internal error', reason: 'internal' }, internal: true });
    expect(toErrorResponse({ type: 'x', status: 399, message: 'm' })).toMatchObject({ status: 500, internal: true });
    expect(toErrorResponse({ type: 'x', status: '400', message: 'm' })).toMatchObject({ status: 500, internal: true });
  });

  it('validator errors: every field as <where>/<name> <problem>, joined; 404 and 405 in words; no field: its message', () => {
    const v = toErrorResponse({ status: 400, message: 'request/body/age must be integer', errors: [
      { path: '.body.age', message: 'must be integer' }, { path: '.query.limit', message: 'must be >= 1' }, { path: 'params.id', message: 'bad' },
      { path: '.headers.x-a', message: 'missing' }, { path: '.other.x', message: 'odd' }, { message: 'no path' }, { path: '.body.n' },
    ] });
    expect(v).toEqual({ status: 400, internal: false, body: { code: 400, reason: 'bad_request',
      message: 'body/age must be integer; query/limit must be >= 1; params/id bad; headers/x-a missing; other.x odd; no path; body/n' } });
    expect(toErrorResponse({ status: 404, message: 'not found', errors: [{ path: '/x', message: 'not found' }] }).body).toEqual({ code: 404, message: 'no such route', reason: 'not_found' });
    expect(toErrorResponse({ status: 405, message: 'm', errors: [] }).body).toEqual({ code: 405, message: 'method not allowed on this route', reason: 'method_not_allowed' });
    expect(toErrorResponse({ status: 415, message: 'unsupported media type', errors: [] }).body.message).toBe('unsupported media type');
    expect(toErrorResponse({ status: 400, errors: [] }).body.message).toBe('bad request');
    expect(toErrorResponse({ status: 400, message: 'm', errors: undefined }).body.message).toBe('m');
    expect(toErrorResponse({ status: 399, message: 'm', errors: [] })).toMatchObject({ status: 500, internal: true });
  });

  it('a response the spec does not allow (validator 5xx): our bug, said plainly; anything else hides its message', () => {
    expect(toErrorResponse({ status: 500, message: '.response.id should be string', errors: [] }, 'r')).toEqual({
      status: 500, internal: true, body: { code: 500, message: 'response does not match the spec: .response.id should be string', reason: 'internal', requestId: 'r' },
    });
    expect(toErrorResponse({ status: 499, message: 'm', errors: [] }).internal).toBe(false);
    for (const x of [new Error('secret'), null, undefined, 'text', { status: 500, message: 'no errors list' }]) {
      expect(toErrorResponse(x)).toEqual({ status: 500, body: { code: 500, message: 'internal error', reason: 'internal' }, internal: true });
    }
  });
});

/** A minimal express response for the terminal middleware. */
function fakeRes(preset: Record<string, string> = {}, headersSent = false) {
  const headers = new Map(Object.entries(preset));
  return {
    headersSent, headers, statusCode: 0, body: undefined as unknown, destroyed: undefined as unknown,
    getHeaderNames() { return [...headers.keys()]; },
    removeHeader(h: string) { headers.delete(h); },
    setHeader(h: string, v: string) { headers.set(h.toLowerCase(), v); },
    status(s: number) { this.statusCode = s; return this; },
    json(b: unknown) { this.body = b; return this; },
    destroy(e?: unknown) { this.destroyed = e ?? 'no error'; },
  };
}

describe('errorMiddleware', () => {
  const run = (err: unknown, req: Record<string, unknown> = {}, res = fakeRes()) => {
    const logs = memoryLogger();
    errorMiddleware(logs.log)(err, { headers: {}, originalUrl: '/u', ...req } as never, res as never, () => undefined);
    return { res, logs };
  };

  it('answers the mapped status and body with the request id; keeps only the kit headers', () => {
    const { res } = run(new ConflictError('taken'), { id: 'rid-9' }, fakeRes({ 'x-request-id': 'rid-9', connection: 'close', 'content-type': 'application/octet-stream', 'content-range': 'bytes 0-1/2' }));
    expect(res.statusCode).toBe(409);
    expect(res.body).toEqual({ code: 409, message: 'taken', reason: 'conflict', requestId: 'rid-9' });
    expect([...res.headers.keys()].sort()).toEqual(['connection', 'x-request-id']);
    expect(run(new ConflictError('taken')).res.body).not.toHaveProperty('requestId');
  });

  it('416 says the complete length only when the error knows it; 401 says how to authenticate', () => {
    expect(run(new RangeNotSatisfiableError('r', { details: { size: 10 } })).res.headers.get('content-range')).toBe('bytes */10');
    expect(run(new RangeNotSatisfiableError('r', { details: { size: '10' } })).res.headers.has('content-range')).toBe(false);
    expect(run(new RangeNotSatisfiableError('r')).res.headers.has('content-range')).toBe(false);
    expect(run(new UnauthorizedError('who')).res.headers.get('www-authenticate')).toBe('Bearer realm="ocopea"');
    expect(run(new ConflictError('c')).res.headers.has('www-authenticate')).toBe(false);
  });

  it('logs 5xx only: "unhandled error" for an unexpected one, its own message for ours, with request id and URL', () => {
    const a = run(new Error('boom'), { id: 'r1', originalUrl: '/pets-api/x' });
    expect(a.logs.lines).toEqual([expect.objectContaining({ level: 50, msg: 'unhandled error', requestId: 'r1', url: '/pets-api/x', err: expect.objectContaining({ message: 'boom' }) })]);
    const b = run(new UnavailableError('db down'));
    expect(b.logs.lines).toEqual([expect.objectContaining({ level: 50, msg: 'db down' })]);
    expect(run(new ConflictError('c')).logs.lines).toEqual([]);
  });

  it("the validator's 415 for a request with no body at all becomes a 400 asking for one; with a body it stays 415", () => {
    const e415 = { status: 415, message: 'unsupported media type undefined', errors: [] };
    const ask = { code: 400, message: 'this operation requires a request body (application/json)', reason: 'bad_request' };
    expect(run(e415).res.body).toEqual(ask);
    expect(run(e415, { headers: { 'content-length': '0' } }).res.body).toEqual(ask);
    expect(run(e415, { headers: { 'content-length': '3' } }).res.statusCode).toBe(415);
    expect(run(e415, { headers: { 'transfer-encoding': 'chunked' } }).res.statusCode).toBe(415);
    expect(run(e415, { headers: { 'content-type': 'text/plain' } }).res.statusCode).toBe(415);
    expect(run(e415, { id: 'q' }).res.body).toEqual({ ...ask, requestId: 'q' });
  });

  it('once a stream is under way: the connection is cut (with the error when it is one), nothing answered', () => {
    const err = new Error('mid-stream');
    const a = run(err, {}, fakeRes({}, true));
    expect(a.res.destroyed).toBe(err);
    expect(a.res.statusCode).toBe(0);
    const b = run('not an Error', {}, fakeRes({}, true));
    expect(b.res.destroyed).toBe('no error');
  });

  it('notFoundMiddleware: 404 naming method and path, with the request id when there is one', () => {
    const res = fakeRes();
    notFoundMiddleware({ method: 'GET', path: '/nowhere', id: 'r7' } as never, res as never, () => undefined);
    expect(res.statusCode).toBe(404);
    expect(res.body).toEqual({ code: 404, message: 'no such route: GET /nowhere', reason: 'not_found', requestId: 'r7' });
    const res2 = fakeRes();
    notFoundMiddleware({ method: 'PUT', path: '/n' } as never, res2 as never, () => undefined);
    expect(res2.body).toEqual({ code: 404, message: 'no such route: PUT /n', reason: 'not_found' });
  });
});

describe('answerClientError', () => {
  const answer = (err: Partial<NodeJS.ErrnoException>, bytesWritten = 0) => {
    const socket = new PassThrough();
    (socket as unknown as { bytesWritten: number }).bytesWritten = bytesWritten;
    let text = '';
    socket.on('data', (d: Buffer) => { text += d.toString(); });
    const destroy = jest.spyOn(socket, 'destroy');
    answerClientError(err as NodeJS.ErrnoException, socket as unknown as Duplex);
    return { text: () => text, destroy, socket };
  };
  const raw = (status: string, body: object) => {
    const text = JSON.stringify(body);
    return `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${text.length}\r\nConnection: close\r\n\r\n${text}`;
  };

  it('headers too large: 431 JSON; any other parse error: 400 naming its code, else its message', async () => {
    const big = answer({ code: 'HPE_HEADER_OVERFLOW', message: 'x' });
    await new Promise((r) => big.socket.on('end', r));
    expect(big.text()).toBe(raw('431 Request Header Fields Too Large', { code: 431, message: 'request line or headers too large', reason: 'request_header_fields_too_large' }));
    const bad = answer({ code: 'HPE_INVALID_METHOD', message: 'Invalid method' });
    await new Promise((r) => bad.socket.on('end', r));
    expect(bad.text()).toBe(raw('400 Bad Request', { code: 400, message: 'malformed HTTP request: HPE_INVALID_METHOD', reason: 'bad_request' }));
    const nocode = answer({ message: 'Parse Error' });
    await new Promise((r) => nocode.socket.on('end', r));
    expect(JSON.parse(nocode.text().split('\r\n\r\n')[1])).toEqual({ code: 400, message: 'malformed HTTP request: Parse Error', reason: 'bad_request' });
  });

  it('after bytes were written, or on a closed socket: cut, nothing written', () => {
    const sent = answer({ code: 'HPE_INVALID_METHOD' }, 1);
    expect(sent.destroy).toHaveBeenCalled();
    expect(sent.text()).toBe('');
    const socket = new PassThrough();
    socket.end();
    const destroy = jest.spyOn(socket, 'destroy');
    answerClientError({ code: 'X' } as NodeJS.ErrnoException, socket as unknown as Duplex);
    expect(destroy).toHaveBeenCalled();
  });
});

describe('where and how a service listens', () => {
  it('isLoopback: localhost, ::1 and 127.x.y.z only', () => {
    for (const h of ['localhost', '::1', '127.0.0.1', '127.10.20.30']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'x127.0.0.1', '127.0.0.1.nip.io', '127.0.0', 'localhost.example', '128.0.0.1']) expect(isLoopback(h)).toBe(false);
  });

  it('tlsFromEnv: neither is plain HTTP; one alone is refused; unreadable files are named with the error code', () => {
    const dir = tempDir();
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    writeFileSync(cert, 'CERT');
    writeFileSync(key, 'KEY');
    expect(tlsFromEnv({})).toBeUndefined();
    expect(tlsFromEnv({ OCOPEA_TLS_CERT_FILE: '', OCOPEA_TLS_KEY_FILE: '' })).toBeUndefined();
    const together = 'OCOPEA_TLS_CERT_FILE and OCOPEA_TLS_KEY_FILE go together: set both, or neither';
    expect(() => tlsFromEnv({ OCOPEA_TLS_CERT_FILE: cert })).toThrow(together);
    expect(() => tlsFromEnv({ OCOPEA_TLS_KEY_FILE: key })).toThrow(together);
    expect(tlsFromEnv({ OCOPEA_TLS_CERT_FILE: cert, OCOPEA_TLS_KEY_FILE: key })).toEqual({ cert: Buffer.from('CERT'), key: Buffer.from('KEY') });
    const missing = path.join(dir, 'missing.pem');
    expect(() => tlsFromEnv({ OCOPEA_TLS_CERT_FILE: missing, OCOPEA_TLS_KEY_FILE: key })).toThrow(`OCOPEA_TLS_CERT_FILE: cannot read ${missing}: ENOENT`);
    expect(() => tlsFromEnv({ OCOPEA_TLS_CERT_FILE: cert, OCOPEA_TLS_KEY_FILE: missing })).toThrow(`OCOPEA_TLS_KEY_FILE: cannot read ${missing}: ENOENT`);
  });

  it('runService: the URL names a reachable host and the base path; timeouts set; close is idempotent and runs onClose once', async () => {
    const p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } });
    let closed = 0;
    const s = await runService(p.svc, { port: 0, host: '0.0.0.0', handleSignals: false, onClose: () => { closed++; } });
    try {
      expect(s.url).toBe(`http://127.0.0.1:${s.port}/pets-api`);
      expect(s.server.keepAliveTimeout).toBe(5_000);
      expect(s.server.requestTimeout).toBe(0);
      expect((s.server as unknown as { maxHeaderSize: number }).maxHeaderSize).toBe(MAX_HEADER_BYTES);
      expect(p.logs.lines).toContainEqual(expect.objectContaining({ msg: 'Pets (service-kit fixture) listening', port: s.port, url: s.url, tls: false, docs: `http://127.0.0.1:${s.port}/docs` }));
    } finally {
      const a = s.close();
      expect(s.close()).toBe(a);
      await a;
    }
    expect(closed).toBe(1);
    expect(p.svc.draining).toBe(true);
    expect(p.logs.lines).toContainEqual(expect.objectContaining({ msg: 'stopped', timedOut: false }));
  });

  it('runService on a named loopback host shows it; on a root base path the URL has no suffix', async () => {
    const spec = loadSpec(PETS_SPEC);
    const svc = createServiceApp({ name: 'root', spec: { ...spec, servers: [{ url: '/' }] }, routes: () => undefined, logger: memoryLogger().log });
    const s = await runService(svc, { port: 0, host: 'localhost', handleSignals: false });
    try {
      expect(s.url).toBe(`http://localhost:${s.port}`);
    } finally { await s.close(); }
  });

  it('close() does not wait for idle keep-alive connections', async () => {
    const p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } });
    const s = await runService(p.svc, { port: 0, handleSignals: false });
    const agent = new http.Agent({ keepAlive: true });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        http.get(`${s.url}/pets`, { agent, headers: { authorization: `Bearer ${ADMIN}` } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject);
      });
      expect(status).toBe(200);
      const started = Date.now();
      await s.close();
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally { agent.destroy(); }
  });

  it('runService stops the tokens-file watcher on close', async () => {
    const p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } });
    let stopped = 0;
    p.svc.auth.o.close = () => { stopped++; };
    const s = await runService(p.svc, { port: 0, handleSignals: false });
    await s.close();
    expect(stopped).toBe(1);
  });

  it('a drain that outlasts shutdownTimeoutMs cuts the connections and says timedOut', async () => {
    const p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } });
    const s = await runService(p.svc, { port: 0, handleSignals: false, shutdownTimeoutMs: 100 });
    const slow = new Promise<string>((resolve) => {
      http.get(`${s.url}/slow?ms=3000`, { headers: { authorization: `Bearer ${ADMIN}` }, agent: false }, (res) => { res.resume(); res.on('end', () => resolve('answered')); })
        .on('error', () => resolve('cut'));
    });
    await new Promise((r) => setTimeout(r, 150));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await slow).toBe('cut');
    expect(p.logs.lines).toContainEqual(expect.objectContaining({ msg: 'stopped', timedOut: true }));
  });

  it('with handleSignals (the default), SIGTERM and SIGINT shut down and exit 0, or 1 when onClose fails', async () => {
    const exits: number[] = [];
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => { exits.push(code); }) as never);
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    try {
      const p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } });
      await runService(p.svc, { port: 0 });
      expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
      expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
      process.emit('SIGTERM', 'SIGTERM');
      await new Promise<void>((r) => { const t = setInterval(() => { if (exits.length) { clearInterval(t); r(); } }, 10); });
      expect(exits).toEqual([0]);
      expect(p.logs.lines).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGTERM' }));
      // The SIGINT handler of the same start: the stop already ran, exit again with its answer.
      process.emit('SIGINT', 'SIGINT');
      await new Promise<void>((r) => { const t = setInterval(() => { if (exits.length > 1) { clearInterval(t); r(); } }, 10); });
      expect(exits).toEqual([0, 0]);
      expect(p.logs.lines).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGINT' }));

      const q = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } });
      await runService(q.svc, { port: 0, onClose: () => { throw new Error('store would not close'); } });
      process.emit('SIGINT', 'SIGINT');
      await new Promise<void>((r) => { const t = setInterval(() => { if (exits.length > 2) { clearInterval(t); r(); } }, 10); });
      expect(exits).toEqual([0, 0, 1]);
      expect(q.logs.lines).toContainEqual(expect.objectContaining({ msg: 'shutdown failed', level: 50 }));

      // A drain that had to cut connections exits 1.
      const r = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } });
      const s = await runService(r.svc, { port: 0, shutdownTimeoutMs: 50 });
      const slow = new Promise<void>((resolve) => {
        http.get(`${s.url}/slow?ms=2000`, { headers: { authorization: `Bearer ${ADMIN}` }, agent: false }, (res) => { res.resume(); res.on('end', resolve); }).on('error', () => resolve());
      });
      await new Promise((res) => setTimeout(res, 100));
      process.emit('SIGTERM', 'SIGTERM');
      await new Promise<void>((res) => { const t = setInterval(() => { if (exits.length > 3) { clearInterval(t); res(); } }, 10); });
      expect(exits).toEqual([0, 0, 1, 1]);
      await slow;
    } finally {
      exit.mockRestore();
      process.removeAllListeners('SIGTERM');
      process.removeAllListeners('SIGINT');
    }
  });

  it('TLS: with OCOPEA_TLS_CERT_FILE and _KEY_FILE the service speaks https and says so', async () => {
    const dir = tempDir();
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const saved = { c: process.env.OCOPEA_TLS_CERT_FILE, k: process.env.OCOPEA_TLS_KEY_FILE };
    process.env.OCOPEA_TLS_CERT_FILE = cert;
    process.env.OCOPEA_TLS_KEY_FILE = key;
    try {
      const p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN } });
      const s = await runService(p.svc, { port: 0, handleSignals: false });
      try {
        expect(s.url).toBe(`https://127.0.0.1:${s.port}/pets-api`);
        expect((s.server as unknown as { maxHeaderSize: number }).maxHeaderSize).toBe(MAX_HEADER_BYTES);
        expect(s.server).toBeInstanceOf(https.Server);
        expect(p.logs.lines).toContainEqual(expect.objectContaining({ tls: true, docs: `https://127.0.0.1:${s.port}/docs` }));
        const body = await new Promise<string>((resolve, reject) => {
          https.get(`${s.url}/pets/7`, { ca: readFileSync(cert), headers: { authorization: `Bearer ${ADMIN}` }, agent: false }, (res) => {
            let t = ''; res.on('data', (d) => { t += d; }); res.on('end', () => resolve(t));
          }).on('error', reject);
        });
        expect(JSON.parse(body)).toEqual({ id: '7', name: 'seven' });
      } finally { await s.close(); }
    } finally {
      if (saved.c === undefined) delete process.env.OCOPEA_TLS_CERT_FILE; else process.env.OCOPEA_TLS_CERT_FILE = saved.c;
      if (saved.k === undefined) delete process.env.OCOPEA_TLS_KEY_FILE; else process.env.OCOPEA_TLS_KEY_FILE = saved.k;
    }
  });
});

describe('createServiceApp', () => {
  it('draining: 503 {code, message naming the service, reason} with Connection: close; /healthz says draining', async () => {
    const p = authPets({ env: { OCOPEA_ADMIN_TOKEN: ADMIN }, instance: 'inst-0123456789abcdef' });
    p.svc.draining = true;
    const res = await request(p.svc.app).get(`${BASE}/pets`).set('authorization', `Bearer ${ADMIN}`);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 503, message: 'pets is shutting down', reason: 'unavailable' });
    expect(res.headers.connection).toBe('close');
    const h = await request(p.svc.app).get('/healthz');
    expect(h.status).toBe(503);
    expect(h.body).toEqual({ status: 'draining', service: 'pets', instance: 'inst-0123456789abcdef' });
    expect(h.headers.connection).toBe('close');
    expect((await request(p.svc.app).get(`${BASE}/healthz`)).body).toMatchObject({ status: 'draining' });
    // Only a read of /healthz: anything else there is refused like every other request.
    expect((await request(p.svc.app).post('/healthz')).body).toEqual({ code: 503, message: 'pets is shutting down', reason: 'unavailable' });
    p.svc.draining = false;
    expect((await request(p.svc.app).get(`${BASE}/pets`).set('authorization', `Bearer ${ADMIN}`)).status).toBe(200);
  });

  it('/healthz: a health check that throws is 503 unhealthy with its message, for a known caller', async () => {
    const logs = memoryLogger();
    const svc = createServiceApp({ name: 'sick', spec: PETS_SPEC, logger: logs.log, instance: undefined, routes: () => undefined, health: () => { throw new Error('disk gone'); } });
    const res = await request(svc.app).get('/pets-api/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unhealthy', service: 'sick', message: 'disk gone' });
    const ok = createServiceApp({ name: 'well', spec: PETS_SPEC, logger: logs.log, instance: undefined, routes: () => undefined });
    expect((await request(ok.app).get('/healthz')).body).toEqual({ status: 'ok', service: 'well' });
  });

  it('unhandledOperations names each operation that has no handler', () => {
    const svc = createServiceApp<never>({ name: 'half', spec: PETS_SPEC, logger: memoryLogger().log, routes: (r) => {
      (r as unknown as { get(p: string, h: () => void): void }).get('/pets', () => undefined);
      (r as unknown as { post(p: string, h: () => void): void }).post('/pets', () => undefined);
    } });
    expect(svc.unhandledOperations()).toEqual(['GET /pets/{petId}', 'DELETE /pets/{petId}', 'POST /pets/{petId}/photo', 'GET /slow', 'GET /broken', 'GET /crash', 'GET /echo-request-id']);
  });

  it('listOperations: METHOD /path for every method of every path, in spec order', () => {
    const spec = { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/a': { put: {}, get: {}, parameters: [] }, '/b': { patch: {}, delete: {}, post: {} } } } as OpenApiDocument;
    expect(listOperations(spec)).toEqual(['GET /a', 'PUT /a', 'POST /b', 'DELETE /b', 'PATCH /b']);
    expect(listOperations({ openapi: '3.0.3', info: { title: 't', version: '1' } } as OpenApiDocument)).toEqual([]);
  });

  it('the base path: given, else the first server URL without scheme and host, without slashes at the ends', async () => {
    const spec = loadSpec(PETS_SPEC);
    const mk = (s: OpenApiDocument, basePath?: string) => createServiceApp({ name: 'b', spec: s, basePath, logger: memoryLogger().log, routes: () => undefined }).basePath;
    expect(mk(spec)).toBe('/pets-api');
    expect(mk({ ...spec, servers: [{ url: 'https://api.example.com:8443/v1/pets/' }] })).toBe('/v1/pets');
    expect(mk({ ...spec, servers: [{ url: 'http://api.example.com' }] })).toBe('/');
    expect(mk({ ...spec, servers: undefined })).toBe('/');
    expect(mk({ ...spec, servers: [] })).toBe('/');
    expect(mk(spec, '//x/y//')).toBe('/x/y');
  });

  it('request ids: a well-formed X-Request-Id is kept (up to 128 characters), anything else is replaced by a UUID', async () => {
    const app = createPetsApp().app;
    const id = async (given?: string) => {
      const r = request(app).get('/pets-api/pets');
      return (await (given === undefined ? r : r.set('x-request-id', given))).headers['x-request-id'];
    };
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(await id('a.b:c-d_e')).toBe('a.b:c-d_e');
    expect(await id('x'.repeat(128))).toBe('x'.repeat(128));
    expect(await id('x'.repeat(129))).toMatch(uuid);
    expect(await id('bad id')).toMatch(uuid);
    expect(await id('ok/../x')).toMatch(uuid);
    expect(await id('a\u00e9')).toMatch(uuid);
    expect(await id()).toMatch(uuid);
    const err = await request(app).get('/pets-api/pets/none').set('x-request-id', 'rid-404');
    expect(err.body).toMatchObject({ code: 404, requestId: 'rid-404' });
  });

  it('request log lines: info below 400, warn for 4xx, error for 5xx; none for /healthz', async () => {
    const logs = memoryLogger();
    const svc = createServiceApp({ name: 'lv', spec: PETS_SPEC, logger: logs.log, routes: (r: unknown) => {
      const rr = r as unknown as { get(p: string, h: () => unknown): void };
      rr.get('/pets', () => ({ status: 200, body: [] }));
      rr.get('/crash', () => { throw new Error('x'); });
    } });
    await request(svc.app).get('/healthz');
    await request(svc.app).get('/pets-api/pets').set('x-request-id', 'l-200');
    await request(svc.app).get('/pets-api/nothing').set('x-request-id', 'l-404');
    await request(svc.app).get('/pets-api/crash').set('x-request-id', 'l-500');
    const completed = logs.lines.filter((l) => l.res !== undefined);
    const level = (rid: string) => completed.find((l) => (l.req as { id?: string }).id === rid)?.level;
    expect(level('l-200')).toBe(30);
    expect(level('l-404')).toBe(40);
    expect(level('l-500')).toBe(50);
    expect(completed.some((l) => (l.req as { url?: string }).url === '/healthz')).toBe(false);
    expect(completed).toHaveLength(3);
  });

  it('JSON bodies: 1 MB by default, and application/*+json is JSON too', async () => {
    const spec = { openapi: '3.0.3', info: { title: 'j', version: '1' }, servers: [{ url: '/j' }], paths: {
      '/things': { post: { operationId: 'make', 'x-ocopea-role': 'admin', requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } }, 'application/merge-patch+json': { schema: { type: 'object' } } } },
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    } } as OpenApiDocument;
    const svc = createServiceApp({ name: 'j', spec, logger: memoryLogger().log, routes: (r: unknown) => {
      (r as unknown as { post(p: string, h: (c: { body: Record<string, string> }) => unknown): void }).post('/things', ({ body }) => ({ status: 200, body: { keys: Object.keys(body), size: JSON.stringify(body).length } }));
    } });
    const big = await request(svc.app).post('/j/things').send({ v: 'x'.repeat(300_000) });
    expect(big.status).toBe(200);
    expect(big.body.size).toBeGreaterThan(300_000);
    const tooBig = await request(svc.app).post('/j/things').send({ v: 'x'.repeat(1_100_000) });
    expect(tooBig.status).toBe(413);
    const merge = await request(svc.app).post('/j/things').set('content-type', 'application/merge-patch+json').send('{"a":"1"}');
    expect(merge.status).toBe(200);
    expect(merge.body.keys).toEqual(['a']);
  });

  it('unvalidatedPaths: the validator leaves them to the routes (a websocket path not in the spec)', async () => {
    const mk = (unvalidatedPaths?: RegExp) => createServiceApp({ name: 'u', spec: PETS_SPEC, logger: memoryLogger().log, unvalidatedPaths, routes: () => undefined }).app;
    expect((await request(mk(/^\/ws$/)).get('/pets-api/ws')).body.message).toBe('no such route: GET /pets-api/ws');
    expect((await request(mk()).get('/pets-api/ws')).body.message).toBe('no such route');
    // Outside the base path and the kit's own paths under it, the validator never looks.
    expect((await request(mk()).get('/elsewhere')).body.message).toBe('no such route: GET /elsewhere');
    expect((await request(mk()).get('/pets-api/healthz')).status).toBe(200);
    expect((await request(mk()).get('/pets-api/healthzz')).body.message).toBe('no such route');
  });
});

describe('instance ids', () => {
  it('16 to 64 characters of A-Z a-z 0-9 _ -, no fewer, no more', () => {
    for (const ok of ['a'.repeat(16), 'Z9_-'.repeat(16)]) expect(instanceIdFromEnv({ OCOPEA_INSTANCE_ID: ok })).toBe(ok);
    for (const bad of ['a'.repeat(15), 'a'.repeat(65), `${'a'.repeat(20)}.`, `.${'a'.repeat(20)}`]) expect(() => instanceIdFromEnv({ OCOPEA_INSTANCE_ID: bad })).toThrow(/OCOPEA_INSTANCE_ID/);
  });
});

describe('typed routes', () => {
  it('toExpressPath turns {param} into :param', () => {
    expect(toExpressPath('/copies/{copyId}/data/{part}')).toBe('/copies/:copyId/data/:part');
    expect(toExpressPath('/plain')).toBe('/plain');
  });

  it('put, patch and delete register; headers returned are sent; 204 and a missing body send no body', async () => {
    const resp = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } }, '204': { description: 'none' } };
    const spec = { openapi: '3.0.3', info: { title: 'r', version: '1' }, servers: [{ url: '/r' }], paths: {
      '/x/{id}': {
        put: { operationId: 'putX', 'x-ocopea-role': 'admin', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: resp },
        patch: { operationId: 'patchX', 'x-ocopea-role': 'admin', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: resp },
        delete: { operationId: 'delX', 'x-ocopea-role': 'admin', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: resp },
      },
    } } as OpenApiDocument;
    type R = { put(p: string, h: (c: { params: { id: string } }) => unknown): R; patch: R['put']; delete: R['put'] };
    const svc = createServiceApp({ name: 'r', spec, logger: memoryLogger().log, routes: (r: unknown) => {
      (r as unknown as R)
        .put('/x/{id}', ({ params }) => ({ status: 200, body: { put: params.id }, headers: { 'x-extra': 'yes' } }))
        .patch('/x/{id}', () => ({ status: 204, body: { ignored: true } }))
        .delete('/x/{id}', () => ({ status: 200 }));
    } });
    expect(svc.unhandledOperations()).toEqual([]);
    const put = await request(svc.app).put('/r/x/7');
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ put: '7' });
    expect(put.headers['x-extra']).toBe('yes');
    const patch = await request(svc.app).patch('/r/x/7');
    expect(patch.status).toBe(204);
    expect(patch.text).toBe('');
    const del = await request(svc.app).delete('/r/x/7');
    expect(del.status).toBe(200);
    expect(del.text).toBe('');
    expect(del.headers['x-extra']).toBeUndefined();
  });
});

describe('streamJsonArray', () => {
  const serve = (items: () => Iterable<number>) => {
    const app = express();
    app.get('/', (_req, res) => { void streamJsonArray(res, items(), (n) => ({ n })); });
    return app;
  };

  it('writes [] for nothing, and every item once, in order, across batch boundaries, as application/json 200', async () => {
    for (const count of [0, 1, 255, 256, 257, 600]) {
      const res = await request(serve(() => Array.from({ length: count }, (_, i) => i))).get('/');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.text)).toEqual(Array.from({ length: count }, (_, i) => ({ n: i })));
    }
  });

  it('waits for the client when the socket is full, and stops producing once it went away', async () => {
    let produced = 0;
    function* many() { for (let i = 0; i < 5_000_000; i++) { produced++; yield i; } }
    const server = serve(many).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    try {
      await new Promise<void>((resolve) => {
        http.get(`http://127.0.0.1:${port}/`, { agent: false }, (res) => {
          res.once('data', () => { res.destroy(); setTimeout(resolve, 300); });
        });
      });
      const after = produced;
      expect(after).toBeLessThan(5_000_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(produced).toBe(after);
    } finally { server.close(); }
  });

  it('returns at once, writing nothing more, when the response was already destroyed', async () => {
    const chunks: string[] = [];
    const res = Object.assign(new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }), { status() { return this; }, setHeader() { return this; } });
    res.destroy();
    let produced = 0;
    await streamJsonArray(res as never, (function* () { for (let i = 0; i < 1000; i++) { produced++; yield i; } })(), (n) => n);
    expect(produced).toBe(256);
    expect(chunks).toEqual([]);
  });
});

describe('loading specs', () => {
  it('a bare name is read from specsDir() (OCOPEA_SPECS_DIR, else the repository specs/); a path is read as given', () => {
    const saved = process.env.OCOPEA_SPECS_DIR;
    try {
      delete process.env.OCOPEA_SPECS_DIR;
      expect(specsDir()).toBe(path.resolve(__dirname, '../../../specs'));
      process.env.OCOPEA_SPECS_DIR = path.dirname(PETS_SPEC);
      expect(specsDir()).toBe(path.dirname(PETS_SPEC));
      expect(loadSpec('pets').info.title).toBe('Pets (service-kit fixture)');
    } finally {
      if (saved === undefined) delete process.env.OCOPEA_SPECS_DIR; else process.env.OCOPEA_SPECS_DIR = saved;
    }
  });

  it('refuses what is not OpenAPI 3.x, naming the file', () => {
    const dir = tempDir();
    for (const [name, text] of [['swagger.yaml', 'swagger: "2.0"\npaths: {}\n'], ['v2.yaml', 'openapi: 2.0.0\npaths: {}\n'], ['x3.yaml', 'openapi: x3.\npaths: {}\n']]) {
      const f = path.join(dir, name);
      writeFileSync(f, text);
      expect(() => loadSpec(f)).toThrow(`${f}: not an OpenAPI 3.x document`);
    }
    const ok = path.join(dir, 'ok.yaml');
    writeFileSync(ok, 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths: {}\n');
    expect(loadSpec(ok).openapi).toBe('3.1.0');
  });
});

describe('logs and data dirs', () => {
  it('createLogger: level from LOG_LEVEL, silent under jest otherwise; the service named on every line', () => {
    const saved = process.env.LOG_LEVEL;
    try {
      delete process.env.LOG_LEVEL;
      expect(createLogger('a').level).toBe('silent');
      process.env.LOG_LEVEL = 'debug';
      const log = createLogger('svc-a');
      expect(log.level).toBe('debug');
      expect(log.bindings()).toMatchObject({ service: 'svc-a' });
      delete process.env.LOG_LEVEL;
      const worker = process.env.JEST_WORKER_ID;
      delete process.env.JEST_WORKER_ID;
      try { expect(createLogger('b').level).toBe('info'); } finally { process.env.JEST_WORKER_ID = worker; }
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL; else process.env.LOG_LEVEL = saved;
    }
  });

  it('REDACT: credentials in headers and secret fields never reach a line', () => {
    const out: string[] = [];
    const log = pino({ redact: { paths: REDACT, censor: '[redacted]' } }, { write: (s: string) => { out.push(s); } });
    log.info({
      req: { headers: { authorization: 'Bearer S1', 'proxy-authorization': 'Basic S2', cookie: 'S3', 'x-ocopea-token': 'S4', host: 'h' } },
      res: { headers: { 'set-cookie': 'S5' } },
      broker: { token: 'S6', password: 'S7', adminToken: 'S8', user: 'u' },
      headers: { authorization: 'S9' },
    }, 'm');
    const line = JSON.parse(out[0]);
    for (const s of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9']) expect(out[0]).not.toContain(s);
    expect(line.req.headers.host).toBe('h');
    expect(line.broker.user).toBe('u');
    expect(line.req.headers.authorization).toBe('[redacted]');
  });

  it("the kit's own logger writes JSON lines naming the service, with the same redaction", () => {
    const saved = process.env.LOG_LEVEL;
    const written: string[] = [];
    try {
      process.env.LOG_LEVEL = 'info';
      const log = createLogger('svc-w');
      // Where its lines go: replaced by an in-memory stream (pino reads the stream on every write).
      (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (s: string) => { written.push(s); } };
      log.info({ req: { headers: { authorization: 'Bearer SECRET-1' } }, db: { password: 'SECRET-2' } }, 'hello');
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL; else process.env.LOG_LEVEL = saved;
    }
    const line = JSON.parse(written.join('').trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 30, name: 'svc-w', service: 'svc-w', msg: 'hello', req: { headers: { authorization: '[redacted]' } }, db: { password: '[redacted]' } });
  });

  it('serviceDataDir: OCOPEA_DATA_DIR (created, 0700 even if it was looser), else .data/<service>; umask 077 after', () => {
    const saved = { d: process.env.OCOPEA_DATA_DIR, cwd: process.cwd(), umask: process.umask() };
    const dir = tempDir();
    try {
      const loose = path.join(dir, 'loose');
      mkdirSync(loose);
      chmodSync(loose, 0o755);
      process.env.OCOPEA_DATA_DIR = loose;
      process.umask(0o022);
      expect(serviceDataDir('x')).toBe(loose);
      expect(statSync(loose).mode & 0o777).toBe(0o700);
      expect(process.umask()).toBe(PRIVATE_UMASK);
      process.env.OCOPEA_DATA_DIR = path.join(dir, 'new', 'deep');
      expect(serviceDataDir('x')).toBe(path.join(dir, 'new', 'deep'));
      expect(statSync(path.join(dir, 'new', 'deep')).mode & 0o777).toBe(0o700);
      delete process.env.OCOPEA_DATA_DIR;
      process.chdir(dir);
      expect(serviceDataDir('svc-z')).toBe(path.join(dir, '.data', 'svc-z'));
      expect(statSync(path.join(dir, '.data', 'svc-z')).isDirectory()).toBe(true);
    } finally {
      process.chdir(saved.cwd);
      process.umask(saved.umask);
      if (saved.d === undefined) delete process.env.OCOPEA_DATA_DIR; else process.env.OCOPEA_DATA_DIR = saved.d;
    }
  });

  it('minorGc gives a function running a minor, synchronous collection; the env reclaimer counts MiB (fractions too)', () => {
    const g = globalThis as { gc?: unknown };
    const saved = { gc: g.gc, mb: process.env.OCOPEA_STREAM_GC_EVERY_MB };
    const calls: unknown[] = [];
    g.gc = (o: unknown) => { calls.push(o); };
    try {
      minorGc()!();
      expect(calls).toEqual([{ type: 'minor', execution: 'sync' }]);
      process.env.OCOPEA_STREAM_GC_EVERY_MB = '0.5';
      const count = streamReclaimerFromEnv(8);
      count(512 * 1024 - 1);
      expect(calls).toHaveLength(1);
      count(1);
      expect(calls).toHaveLength(2);
      delete process.env.OCOPEA_STREAM_GC_EVERY_MB;
      const dflt = streamReclaimerFromEnv(1);
      dflt(1024 * 1024 - 1);
      expect(calls).toHaveLength(2);
      dflt(1);
      expect(calls).toHaveLength(3);
    } finally {
      g.gc = saved.gc;
      if (saved.mb === undefined) delete process.env.OCOPEA_STREAM_GC_EVERY_MB; else process.env.OCOPEA_STREAM_GC_EVERY_MB = saved.mb;
    }
    delete g.gc;
    const fn = minorGc();
    expect(typeof fn).toBe('function');
    expect(() => fn!()).not.toThrow();
    g.gc = saved.gc;
  });
});

