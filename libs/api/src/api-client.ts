import axios, { AxiosError, AxiosInstance, AxiosResponse } from 'axios';
import { Readable } from 'node:stream';
import { UpstreamError } from '@ocopea/errors';
import { REQUEST_ID_HEADER, currentRequestContext } from './request-context';
import { peerHttpsAgent } from './tls-trust';
import type { BodyOf, HttpMethod, OperationOf, PathParamsOf, PathsWith, QueryOf, SuccessBodyOf } from './typed-paths';

/** How a client behaves towards one peer. */
export interface ApiClientOptions {
  /** Per-attempt timeout in ms for a whole JSON call (default 10 000). 0 = none (streams). */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls that fail with a network error, 429, 502, 503 or 504 (default 2). */
  retries?: number;
  /** First backoff delay in ms; doubles each attempt, with jitter (default 100). */
  backoffMs?: number;
  /** Headers sent on every call. */
  headers?: Record<string, string>;
}

/** Options of one call. Path, query and body are typed from the operation. */
export interface CallOptions<O> {
  path?: PathParamsOf<O>;
  query?: QueryOf<O>;
  body?: BodyOf<O>;
  headers?: Record<string, string>;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** Mark a POST as safe to retry (e.g. a probe). GET/HEAD/PUT/DELETE are idempotent already. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/** What a successful call returns. */
export interface ApiResponse<B> {
  status: number;
  data: B;
  headers: Record<string, string>;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set<HttpMethod>(['get', 'head', 'put', 'delete']);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/**
 * A typed HTTP client for one contract (`Paths` = the generated `paths` interface) at one base URL — the URL the
 * service was registered with, under which the spec's paths hang. Non-2xx answers and transport failures throw
 * `UpstreamError` carrying the peer's status and message. Idempotent calls are retried with backoff; POSTs are not,
 * unless marked `idempotent`. The current request id is propagated as `x-request-id`.
 */
export class ApiClient<Paths> {
  readonly baseUrl: string;
  private readonly http: AxiosInstance;
  private readonly opts: Required<Omit<ApiClientOptions, 'headers'>> & { headers: Record<string, string> };

  constructor(baseUrl: string, options: ApiClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.opts = { timeoutMs: 10_000, retries: 2, backoffMs: 100, headers: {}, ...options };
    this.http = axios.create({
      baseURL: this.baseUrl,
      validateStatus: () => true,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      // Brokers answer `void` commands with empty bodies and orcs brokers with text/plain: parse leniently.
      transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: true },
      // We call only the URLs an admin registered: a peer's redirect is an answer, never followed elsewhere.
      maxRedirects: 0,
      httpsAgent: peerHttpsAgent(),
    });
  }

  get<P extends PathsWith<Paths, 'get'>>(p: P, o?: CallOptions<OperationOf<Paths, P, 'get'>>) {
    return this.call<P, 'get'>('get', p, o);
  }
  post<P extends PathsWith<Paths, 'post'>>(p: P, o?: CallOptions<OperationOf<Paths, P, 'post'>>) {
    return this.call<P, 'post'>('post', p, o);
  }
  put<P extends PathsWith<Paths, 'put'>>(p: P, o?: CallOptions<OperationOf<Paths, P, 'put'>>) {
    return this.call<P, 'put'>('put', p, o);
  }
  delete<P extends PathsWith<Paths, 'delete'>>(p: P, o?: CallOptions<OperationOf<Paths, P, 'delete'>>) {
    return this.call<P, 'delete'>('delete', p, o);
  }

  /** Any JSON operation of the contract. */
  async call<P extends keyof Paths & string, M extends HttpMethod>(
    method: M, pathTemplate: P, o: CallOptions<OperationOf<Paths, P, M>> = {},
  ): Promise<ApiResponse<SuccessBodyOf<OperationOf<Paths, P, M>>>> {
    const url = expandPath(pathTemplate, o.path as Record<string, unknown> | undefined);
    const retries = IDEMPOTENT.has(method) || o.idempotent ? this.opts.retries : 0;
    const res = await this.withRetries(method, url, retries, () =>
      this.http.request({
        method, url, params: o.query, data: o.body,
        headers: this.headersFor(o.headers, o.body !== undefined ? 'application/json' : undefined),
        timeout: o.timeoutMs ?? this.opts.timeoutMs, signal: o.signal,
      }));
    return { status: res.status, data: res.data as SuccessBodyOf<OperationOf<Paths, P, M>>, headers: flatHeaders(res.headers) };
  }

  /**
   * Sends `body` as `application/octet-stream` (never retried: a stream cannot be replayed). The stream is piped
   * with backpressure; no timeout applies unless given, since a copy can be large.
   */
  async upload<P extends PathsWith<Paths, 'post'>>(
    pathTemplate: P, body: Readable, o: Omit<CallOptions<OperationOf<Paths, P, 'post'>>, 'body'> = {},
  ): Promise<ApiResponse<SuccessBodyOf<OperationOf<Paths, P, 'post'>>>> {
    const url = expandPath(pathTemplate, o.path as Record<string, unknown> | undefined);
    const res = await this.withRetries('post', url, 0, () =>
      this.http.request({
        method: 'post', url, params: o.query, data: body,
        headers: this.headersFor(o.headers, 'application/octet-stream'),
        timeout: o.timeoutMs ?? 0, signal: o.signal,
      }));
    return { status: res.status, data: res.data as SuccessBodyOf<OperationOf<Paths, P, 'post'>>, headers: flatHeaders(res.headers) };
  }

  /** GETs a byte stream. The caller must consume or destroy `data`. Retried only until the headers arrive. */
  async download<P extends PathsWith<Paths, 'get'>>(
    pathTemplate: P, o: CallOptions<OperationOf<Paths, P, 'get'>> = {},
  ): Promise<ApiResponse<Readable>> {
    const url = expandPath(pathTemplate, o.path as Record<string, unknown> | undefined);
    const res = await this.withRetries('get', url, this.opts.retries, () =>
      this.http.request({
        method: 'get', url, params: o.query, responseType: 'stream', decompress: false,
        headers: this.headersFor(o.headers), timeout: o.timeoutMs ?? this.opts.timeoutMs, signal: o.signal,
      }));
    return { status: res.status, data: res.data as Readable, headers: flatHeaders(res.headers) };
  }

  private headersFor(extra?: Record<string, string>, contentType?: string): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json, */*', ...this.opts.headers, ...extra };
    if (contentType) h['content-type'] = contentType;
    const ctx = currentRequestContext();
    if (ctx && !h[REQUEST_ID_HEADER]) h[REQUEST_ID_HEADER] = ctx.requestId;
    return h;
  }

  private async withRetries(method: string, url: string, retries: number, send: () => Promise<AxiosResponse>): Promise<AxiosResponse> {
    const label = `${method.toUpperCase()} ${this.baseUrl}${url}`;
    for (let attempt = 0; ; attempt++) {
      let res: AxiosResponse | undefined;
      try {
        res = await send();
      } catch (err) {
        const e = err as AxiosError;
        const timedOut = e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED';
        if (attempt < retries && e.code !== 'ERR_CANCELED') { await sleep(this.backoff(attempt)); continue; }
        throw new UpstreamError(this.baseUrl + url, `${label} failed: ${timedOut ? 'timed out' : e.code ?? e.message}`, { timedOut, cause: err });
      }
      if (res.status >= 300 && res.status < 400) {
        if (res.config.responseType === 'stream') (res.data as Readable).destroy();
        throw new UpstreamError(this.baseUrl + url, `${label} answered a redirect (${res.status}${res.headers.location ? ` to ${String(res.headers.location).slice(0, 200)}` : ''}); redirects are not followed: register the final URL`, { upstreamStatus: res.status });
      }
      if (res.status < 400) return res;
      if (attempt < retries && RETRYABLE_STATUS.has(res.status)) {
        if (res.config.responseType === 'stream') (res.data as Readable).destroy();
        await sleep(this.backoff(attempt));
        continue;
      }
      const { message, reason } = await errorText(res);
      throw new UpstreamError(this.baseUrl + url, `${label} answered ${res.status}: ${message}`, { upstreamStatus: res.status, upstreamReason: reason });
    }
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffMs * 2 ** attempt;
    return base / 2 + Math.random() * base / 2;
  }
}

/** `/a/{id}/b` + `{id: 'x y'}` → `/a/x%20y/b`. A missing parameter is a programming error. */
export function expandPath(template: string, params?: Record<string, unknown>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null) throw new Error(`path parameter '${name}' missing for ${template}`);
    return encodeURIComponent(String(v));
  });
}

function flatHeaders(h: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

async function errorText(res: AxiosResponse): Promise<{ message: string; reason?: string }> {
  let data: unknown = res.data;
  if (data instanceof Readable) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of data) { chunks.push(c as Buffer); size += (c as Buffer).length; if (size > 64 * 1024) break; }
    data.destroy();
    const text = Buffer.concat(chunks).toString('utf8');
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (data && typeof data === 'object' && 'message' in data) {
    const d = data as { message: unknown; reason?: unknown };
    return { message: String(d.message).slice(0, MAX_QUOTED), reason: typeof d.reason === 'string' ? d.reason.slice(0, 64) : undefined };
  }
  const text = typeof data === 'string' ? data : data === undefined || data === '' ? res.statusText : JSON.stringify(data);
  return { message: (text || `HTTP ${res.status}`).slice(0, MAX_QUOTED) };
}

/** How much of a peer's answer an error of ours quotes: enough to diagnose, never a whole page or dump. */
export const MAX_QUOTED = 512;

function sleep(ms: number) { return new Promise((r) => setTimeout(r, ms)); }
