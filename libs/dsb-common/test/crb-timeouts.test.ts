// The idle timeout of uploads to and downloads from a CRB, against real sockets on 127.0.0.1 that misbehave on
// purpose: a CRB that accepts and then never reads or answers must fail a copy or a restore within a bounded time,
// and one that is slow but progressing (or a broker side that is itself slow) must not.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { BadGatewayError } from '@ocopea/errors';
import { CRB_IDLE_TIMEOUT_MS, downloadCopy, uploadCopy } from '../src';

const IDLE = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A raw TCP "CRB" that does whatever `onSocket` does with each connection; returns its base URL. */
async function tcpCrb(onSocket: (s: net.Socket) => void, opts: net.ServerOpts = {}): Promise<string> {
  const server = net.createServer(opts, (s) => { sockets.add(s); s.on('error', () => undefined); onSocket(s); });
  return listen(server);
}
async function httpCrb(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  server.on('connection', (s) => sockets.add(s));
  return listen(server);
}
async function listen(server: net.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/crb`;
}

/** Zeros, as fast as the reader takes them, forever. */
const endless = () => new Readable({ read() { this.push(Buffer.alloc(64 * 1024)); } });
/** One byte every `everyMs` for `forMs`, then the end. */
function trickle(everyMs: number, forMs: number): Readable {
  const r = new Readable({ read() { /* pushed by the interval */ } });
  let left = Math.round(forMs / everyMs);
  const t = setInterval(() => { r.push(Buffer.from('x')); if (--left === 0) { clearInterval(t); r.push(null); } }, everyMs);
  r.on('close', () => clearInterval(t));
  return r;
}
const drain = async (s: Readable) => { let n = 0; for await (const c of s) n += (c as Buffer).length; return n; };

/** Settles `p` and says after how many ms; fails the test if it takes longer than `limitMs`. */
async function timed<T>(p: Promise<T>, limitMs = 3000): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_r, rej) => { timer = setTimeout(() => rej(new Error(`still pending after ${limitMs} ms`)), limitMs); });
  try {
    const value = await Promise.race([p, limit]);
    return { ms: Date.now() - started, value };
  } catch (error) {
    if ((error as Error).message === `still pending after ${limitMs} ms`) throw error;
    return { ms: Date.now() - started, error };
  } finally { clearTimeout(timer); }
}

/** Whether `p` is still pending after `ms`. */
async function pendingAfter(p: Promise<unknown>, ms: number): Promise<boolean> {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  await sleep(ms);
  return !done;
}

const copy = (url: string, copyId: string, source: Readable, more: { idleTimeoutMs?: number; sourceSucceeded?: Promise<void> } = {}) =>
  uploadCopy({ crb: { url, repoId: 'default' }, copyId, source, sourceSucceeded: more.sourceSucceeded ?? Promise.resolve(), idleTimeoutMs: more.idleTimeoutMs ?? IDLE });

it('defaults to a generous idle timeout', () => {
  expect(CRB_IDLE_TIMEOUT_MS).toBe(120_000);
});

describe('uploadCopy idle timeout', () => {
  it('fails (502, request destroyed) when the CRB accepts the connection and never reads the upload', async () => {
    let crbSide!: net.Socket;
    const url = await tcpCrb((s) => { crbSide = s; }, { pauseOnConnect: true });
    const source = endless();
    const r = await timed(copy(url, 'never-read', source, { sourceSucceeded: new Promise(() => undefined) }));
    expect(r.error).toBeInstanceOf(BadGatewayError);
    expect((r.error as Error).message).toMatch(/^CRB at POST http:\/\/127\.0\.0\.1:\d+\/crb\/repositories\/default\/copies\/never-read\/data read nothing of the upload for 0\.3 s \(idle timeout\)$/);
    expect(r.ms).toBeGreaterThanOrEqual(IDLE);
    expect(source.destroyed).toBe(true);
    // The CRB, reading at last, finds the connection closed before the body's end: an aborted upload it drops.
    const closed = new Promise<void>((res) => crbSide.on('close', () => res()));
    crbSide.resume();
    expect((await timed(closed)).error).toBeUndefined();
  });

  it('fails when the CRB reads the whole upload but never answers', async () => {
    let got = 0;
    let closed!: Promise<void>;
    const url = await tcpCrb((s) => { s.on('data', (d: Buffer) => { got += d.length; }); closed = new Promise((r) => s.on('close', () => r())); });
    const r = await timed(copy(url, 'no-answer', Readable.from([Buffer.from('hello world')])));
    expect(r.error).toBeInstanceOf(BadGatewayError);
    expect((r.error as Error).message).toMatch(/copies\/no-answer\/data sent no answer after the whole copy was sent for 0\.3 s \(idle timeout\)$/);
    expect(got).toBeGreaterThan(11);
    expect((await timed(closed)).error).toBeUndefined(); // the request was destroyed
  });

  it('fails when the CRB sends the head of its answer and then nothing', async () => {
    const url = await tcpCrb((s) => s.once('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"x":')));
    const r = await timed(copy(url, 'half-answer', Readable.from([Buffer.from('x')])));
    expect(r.error).toBeInstanceOf(BadGatewayError);
    expect((r.error as Error).message).toMatch(/sent nothing more of its 200 answer for 0\.3 s/);
  });

  it('does not time out a slow CRB that keeps taking bytes (one every 100 ms for 1.5 s)', async () => {
    const url = await httpCrb((req, res) => {
      let n = 0;
      req.on('data', (d: Buffer) => { n += d.length; });
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n })));
    });
    const r = await timed(copy(url, 'slow', trickle(100, 1500)), 5000);
    expect(r.error).toBeUndefined();
    expect(r.value).toMatchObject({ size: 15, crbStatus: 200 });
    expect(r.ms).toBeGreaterThan(1000);
  });

  // Progress of an upload is seen when the kernel took a whole write (up to IN_FLIGHT, past socket buffers of a few
  // MB), not per byte the CRB reads: a CRB is seen to progress when it reads in bursts, here 20 ms every 100 ms.
  it('does not time out a CRB that reads in bursts with pauses shorter than the timeout while the upload waits on it', async () => {
    let read = 0;
    const url = await tcpCrb((s) => {
      s.on('data', (d: Buffer) => { read += d.length; });
      s.pause();
      const t = setInterval(() => { s.resume(); setTimeout(() => s.pause(), 20); }, 100);
      s.on('close', () => clearInterval(t));
    }, { pauseOnConnect: true });
    const up = copy(url, 'slow-reader', endless(), { sourceSucceeded: new Promise(() => undefined) });
    up.catch(() => undefined);
    expect(await pendingAfter(up, 1500)).toBe(true);
    expect(read).toBeGreaterThan(0);
    for (const s of sockets) s.destroy();
    await expect(up).rejects.toThrow(/connection lost/);
  });

  it('does not blame the CRB when the producer has nothing to send for longer than the timeout', async () => {
    const url = await httpCrb((req, res) => { req.resume(); req.on('end', () => res.writeHead(200).end('"ok"')); });
    const source = new Readable({ read() { /* pushed below */ } });
    const up = timed(copy(url, 'silent-producer', source), 5000);
    source.push(Buffer.alloc(1000));
    await sleep(1000); // e.g. pg_dump waiting for a lock
    source.push(Buffer.alloc(1000));
    source.push(null);
    const r = await up;
    expect(r.error).toBeUndefined();
    expect(r.value).toMatchObject({ size: 2000 });
  });

  it('never times out with idleTimeoutMs 0', async () => {
    const url = await tcpCrb(() => undefined, { pauseOnConnect: true });
    const source = endless();
    const up = copy(url, 'no-timeout', source, { idleTimeoutMs: 0, sourceSucceeded: new Promise(() => undefined) });
    up.catch(() => undefined);
    expect(await pendingAfter(up, 1000)).toBe(true);
    for (const s of sockets) s.destroy();
    await expect(up).rejects.toBeInstanceOf(BadGatewayError); // connection lost, not a timeout
  });
});

describe('downloadCopy idle timeout', () => {
  it('rejects (502) when the CRB accepts the connection and never answers', async () => {
    const url = await tcpCrb((s) => s.resume());
    const r = await timed(downloadCopy({ url, copyId: 'c1', idleTimeoutMs: IDLE }));
    expect(r.error).toBeInstanceOf(BadGatewayError);
    expect((r.error as Error).message).toMatch(/^CRB at GET http:\/\/127\.0\.0\.1:\d+\/crb\/copies\/c1\/data sent no answer for 0\.3 s \(idle timeout\)$/);
    expect(r.ms).toBeGreaterThanOrEqual(IDLE);
  });

  it('errors the stream when the CRB sends the headers and part of the copy, then stalls', async () => {
    const url = await tcpCrb((s) => s.once('data', () => s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`)));
    const dl = await downloadCopy({ url, copyId: 'c2', idleTimeoutMs: IDLE });
    const r = await timed(drain(dl.stream));
    expect(r.error).toBeInstanceOf(BadGatewayError);
    expect((r.error as Error).message).toMatch(/copies\/c2\/data sent no bytes of copy c2 for 0\.3 s \(idle timeout\), after 100 of 1000 bytes$/);
    expect(dl.result.size).toBe(100);
  });

  it('does not time out a slow CRB that keeps sending (one byte every 100 ms for 1.5 s), nor fail it afterwards', async () => {
    const url = await httpCrb((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const body = trickle(100, 1500);
      body.pipe(res);
    });
    const dl = await downloadCopy({ url, copyId: 'c3', idleTimeoutMs: IDLE });
    const errors: Error[] = [];
    dl.stream.on('error', (e) => errors.push(e));
    const r = await timed(drain(dl.stream), 5000);
    expect(r.error).toBeUndefined();
    expect(r.value).toBe(15);
    await sleep(2 * IDLE);
    expect(errors).toEqual([]);
  });

  it('does not blame the CRB for a consumer that stops reading for longer than the timeout', async () => {
    const size = 8 * 1024 * 1024;
    const url = await httpCrb((_req, res) => res.writeHead(200, { 'content-length': size }).end(Buffer.alloc(size, 1)));
    const dl = await downloadCopy({ url, copyId: 'c4', idleTimeoutMs: IDLE });
    await sleep(1000); // e.g. pg_restore building an index
    const r = await timed(drain(dl.stream));
    expect(r.error).toBeUndefined();
    expect(r.value).toBe(size);
  });

  it('never times out with idleTimeoutMs 0', async () => {
    const url = await tcpCrb((s) => s.resume());
    const dl = downloadCopy({ url, copyId: 'c5', idleTimeoutMs: 0 });
    dl.catch(() => undefined);
    expect(await pendingAfter(dl, 1000)).toBe(true);
    for (const s of sockets) s.destroy();
    await expect(dl).rejects.toThrow(/unreachable/);
  });
});
