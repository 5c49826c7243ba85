import axios, { AxiosError, AxiosInstance, AxiosResponse } from 'axios';
import { retry, UpstreamError } from '@ocopea/errors';
import { REQUEST_ID_HEADER, currentRequestContext } from './request-context';
import { peerHttpsAgent } from './tls-trust';
import type { BodyOf, HttpMethod, OperationOf, PathParamsOf, PathsWith, QueryOf, SuccessBodyOf } from './typed-paths';

/** How a client behaves towards one peer. */
export interface ApiClientOptions {
  /** Per-attempt timeout in ms for a whole JSON call (default 10 000). 0 = none. */
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

  private headersFor(extra?: Record<string, string>, contentType?: string): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json, */*', ...this.opts.headers, ...extra };
    if (contentType) h['content-type'] = contentType;
    const ctx = currentRequestContext();
    if (ctx && !h[REQUEST_ID_HEADER]) h[REQUEST_ID_HEADER] = ctx.requestId;
    return h;
  }

  /**
   * Sends until an answer below 300 (returned), retrying network failures (not cancellations) and answers 429, 502,
   * 503, 504 up to `retries` times with jittered backoff; throws `UpstreamError` for the rest, quoting the peer.
   */
  private withRetries(method: string, url: string, retries: number, send: () => Promise<AxiosResponse>): Promise<AxiosResponse> {
    const label = `${method.toUpperCase()} ${this.baseUrl}${url}`;
    return retry(async (_n, last) => {
      let res: AxiosResponse;
      try {
        res = await send();
      } catch (err) {
        const e = err as AxiosError;
        const timedOut = e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED';
        throw new UpstreamError(this.baseUrl + url, `${label} failed: ${timedOut ? 'timed out' : e.code ?? e.message}`, { timedOut, cause: err });
      }
      if (res.status >= 300 && res.status < 400) {
        throw new UpstreamError(this.baseUrl + url, `${label} answered a redirect (${res.status}${res.headers.location ? ` to ${String(res.headers.location).slice(0, 200)}` : ''}); redirects are not followed: register the final URL`, { upstreamStatus: res.status });
      }
      if (res.status < 400) return res;
      if (!last && RETRYABLE_STATUS.has(res.status)) throw new RetryableAnswer(res.status);
      const { message, reason } = errorText(res);
      throw new UpstreamError(this.baseUrl + url, `${label} answered ${res.status}: ${message}`, { upstreamStatus: res.status, upstreamReason: reason });
    }, {
      retries,
      backoff: { initialMs: this.opts.backoffMs, jitter: 'half' },
      shouldRetry: (err) => err instanceof RetryableAnswer
        || (err instanceof UpstreamError && err.upstreamStatus === undefined && (err.cause as AxiosError | undefined)?.code !== 'ERR_CANCELED'),
    });
  }
}

/** An answer worth another attempt (429, 502, 503, 504), while attempts are left: never leaves `withRetries`. */
class RetryableAnswer extends Error {
  constructor(readonly status: number) { super(`answered ${status}`); }
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

function errorText(res: AxiosResponse): { message: string; reason?: string } {
  const data: unknown = res.data;
  if (data && typeof data === 'object' && 'message' in data) {
    const d = data as { message: unknown; reason?: unknown };
    return { message: String(d.message).slice(0, MAX_QUOTED), reason: typeof d.reason === 'string' ? d.reason.slice(0, 64) : undefined };
  }
  const text = typeof data === 'string' ? data : data === undefined || data === '' ? res.statusText : JSON.stringify(data);
  return { message: (text || `HTTP ${res.status}`).slice(0, MAX_QUOTED) };
}

/** How much of a peer's answer an error of ours quotes: enough to diagnose, never a whole page or dump. */
export const MAX_QUOTED = 512;
