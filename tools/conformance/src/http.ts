import { Readable } from 'node:stream';

/** One request and its answer, as a failure quotes it (capabilities and secrets redacted, bodies cut). */
export interface Exchange {
  method: string;
  url: string;
  requestBody?: string;
  status?: number;
  responseBody?: string;
  error?: string;
}

/** An answer read whole (brokers' JSON and the kit's test copies are small). */
export interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- broker answers are checked field by field
  json: any;
  exchange: Exchange;
}

export interface CallOptions {
  json?: unknown;
  body?: Buffer | (() => Readable);
  headers?: Record<string, string>;
  /** Default 30 s; copies and restores get longer. */
  timeoutMs?: number;
  /** Send no Authorization header even when the client has a token (the anonymous check). */
  anonymous?: boolean;
}

const SHOWN = 2000;
const SECRET_KEY = /pass(word)?|secret|token|credential|private|(^|_)key$/i;

/** What a failure report may print: capability prefixes and secret-looking JSON values hidden, at most 2000 chars. */
export function redact(text: string): string {
  let out = text.replace(/\/cap\/[^/\s?#"']+/g, '/cap/***');
  out = out.replace(/"([^"]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/g, (m, k: string) => (SECRET_KEY.test(k) ? `"${k}":"***"` : m));
  out = out.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"]*):[^@/?#\s"]*@/gi, '$1:***@');
  return out.length > SHOWN ? `${out.slice(0, SHOWN)}… (${out.length} chars)` : out;
}

/** An error that fails a check, with the exchange that showed it. */
export class CheckFailure extends Error {
  constructor(message: string, readonly exchange?: Exchange) { super(message); }
}

/** A check that cannot run: the broker does not advertise what it checks, or a step it needs did not pass. */
export class CheckSkipped extends Error {}

/** HTTP to one broker, every exchange recorded for the report. */
export class HttpClient {
  readonly base: string;
  constructor(base: string, private readonly token?: string) {
    this.base = base.replace(/\/+$/, '');
  }

  get authHeaders(): Record<string, string> { return this.token ? { authorization: `Bearer ${this.token}` } : {}; }

  async call(method: string, path: string, o: CallOptions = {}): Promise<Answer> {
    const url = path.startsWith('http://') || path.startsWith('https://') ? path : this.base + path;
    const headers: Record<string, string> = { accept: 'application/json, */*', ...(o.anonymous ? {} : this.authHeaders), ...o.headers };
    let body: RequestInit['body'];
    let shownBody: string | undefined;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
      shownBody = redact(body);
    } else if (Buffer.isBuffer(o.body)) {
      headers['content-type'] ??= 'application/octet-stream';
      body = o.body;
      shownBody = `<${o.body.length} bytes>`;
    } else if (o.body) {
      headers['content-type'] ??= 'application/octet-stream';
      body = Readable.toWeb(o.body()) as ReadableStream;
      shownBody = '<a chunked byte stream>';
    }
    const exchange: Exchange = { method, url: redact(url), ...(shownBody !== undefined ? { requestBody: shownBody } : {}) };
    let res: Response;
    try {
      res = await fetch(url, {
        method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
        ...(body && !Buffer.isBuffer(body) && typeof body !== 'string' ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      exchange.error = describeFetchError(err);
      throw new CheckFailure(`${method} ${exchange.url} failed: ${exchange.error}`, exchange);
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      exchange.status = res.status;
      exchange.error = `the answer broke off: ${describeFetchError(err)}`;
      throw new CheckFailure(`${method} ${exchange.url}: ${exchange.error}`, exchange);
    }
    const type = res.headers.get('content-type') ?? '';
    const text = type.includes('octet-stream') ? '' : bytes.toString('utf8');
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    exchange.status = res.status;
    exchange.responseBody = type.includes('octet-stream') ? `<${bytes.length} bytes>` : redact(text);
    return { status: res.status, headers: res.headers, bytes, text, json, exchange };
  }
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  return e?.cause ? `${e.message}: ${e.cause.code ?? ''} ${e.cause.message}`.trim() : String(e?.message ?? err);
}

/** Fails unless `a.status` is one of `want`. */
export function expectStatus(a: Answer, want: number[], what: string): void {
  if (!want.includes(a.status)) throw new CheckFailure(`${what}: expected ${want.join(' or ')}, got ${a.status}`, a.exchange);
}

/** Fails unless the answer is the contracts' error shape `{code, message}` (code = the status). */
export function expectErrorShape(a: Answer, what: string): void {
  const j = a.json;
  if (!j || typeof j !== 'object' || typeof j.message !== 'string' || j.code === undefined) {
    throw new CheckFailure(`${what}: the answer is not the error shape {code, message}`, a.exchange);
  }
  if (Number(j.code) !== a.status) throw new CheckFailure(`${what}: error code ${j.code} differs from the status ${a.status}`, a.exchange);
}
