import { crbClient, dsbClient, psbClient, type ApiClientOptions } from '@ocopea/api';
import { orUndefinedOn404, UpstreamError } from '@ocopea/errors';
import type { CopyProtocol, DsbPlan } from '../domain/types';
import { NotABrokerError, type Brokers, type CrbMetadata, type CrbPort, type DsbPort, type PsbPort } from '../domain/brokers';
import { WaitTracker } from '../domain/wait-tracker';

// Broker answers are untrusted JSON (orcs brokers answer loosely): read field by field as `unknown`, never cast.
const str = (v: unknown): string | null => (typeof v === 'string' ? v : v === undefined || v === null ? null : String(v));
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
};
type Fields = Record<string, unknown>;
const isObj = (v: unknown): v is Fields => !!v && typeof v === 'object' && !Array.isArray(v);
/** The object's fields, or none when it is not an object. */
const obj = (v: unknown): Fields => (isObj(v) ? v : {});
/** The objects of a list, or none when it is not a list. */
const objs = (v: unknown): Fields[] => (Array.isArray(v) ? v.filter(isObj) : []);


/** A 2xx answer whose body is text (orcs brokers) or `{status ≠ 0}` is a refusal. */
function checkStatus(what: string, data: unknown): void {
  if (typeof data === 'string' && data.trim() !== '') {
    const text = data;
    try { data = JSON.parse(text); } catch { throw new Error(`${what}: ${text.slice(0, 300)}`); }
  }
  if (isObj(data) && data.status !== undefined && data.status !== null && Number(data.status) !== 0) {
    throw new Error(`${what}: status ${String(data.status)}: ${str(data.message ?? data.statusMessage) ?? ''}`);
  }
}

export function parsePlans(plans: unknown): DsbPlan[] {
  return objs(plans).map((p) => ({
    id: String(p.id), name: str(p.name) ?? String(p.id), description: str(p.description), price: str(p.price),
    protocols: objs(p.protocols).map((x) => ({
      name: String(x.protocol ?? x.protocolName ?? ''), version: str(x.version ?? x.protocolVersion), properties: strMap(x.properties),
    })),
    copyProtocols: objs(p.copyProtocols).map((x) => ({
      protocol: String(x.copyProtocol ?? x.protocol ?? ''), version: str(x.copyProtocolVersion ?? x.version),
    })),
    dsbSettings: strMap(p.dsbSettings),
  }));
}

/** Brokers over HTTP through the typed @ocopea/api clients; every call is timed by `tracker`. */
export class HttpBrokers implements Brokers {
  /** Bearer tokens by broker URL, given at registration (the store keeps them across restarts). */
  private readonly tokens = new Map<string, string>();

  constructor(readonly tracker = new WaitTracker(), private readonly opts: ApiClientOptions = {}) {}

  setToken(url: string, token: string | undefined): void {
    if (token === undefined) this.tokens.delete(trimmed(url)); else this.tokens.set(trimmed(url), token);
  }
  tokenOf(url: string): string | undefined { return this.tokens.get(trimmed(url)); }

  /** Client options for the broker at `url`: the shared ones plus its token, if it has one. */
  private optsFor(url: string): ApiClientOptions {
    const token = this.tokenOf(url);
    return token ? { ...this.opts, headers: { ...this.opts.headers, authorization: `Bearer ${token}` } } : this.opts;
  }

  dsb(url: string): DsbPort {
    const c = dsbClient(url, this.optsFor(url));
    const t = this.tracker;
    return {
      info: () => t.track(async () => {
        const d: unknown = (await c.get('/')).data;
        if (!isObj(d) || typeof d.type !== 'string' || !Array.isArray(d.plans)) throw new NotABrokerError(`${url}/ did not answer a DSB info document (name, type, plans)`);
        return { name: str(d.name) ?? d.type, type: d.type, description: str(d.description), plans: parsePlans(d.plans) };
      }),
      listInstances: () => t.track(async () => {
        return objs((await c.get('/service_instances')).data).map((x) => String(x.instanceId));
      }),
      getInstance: (id) => t.track(async () => {
        const r = await orUndefinedOn404(c.get('/service_instances/{instanceId}', { path: { instanceId: id } }));
        if (!r) return undefined;
        const d = obj(r.data);
        return {
          instanceId: String(d.instanceId ?? id), state: String(d.state ?? '').toUpperCase(), stateMessage: str(d.stateMessage),
          binding: strMap(d.binding),
          bindingPorts: objs(d.bindingPorts).map((p) => ({ protocol: String(p.protocol ?? ''), destination: String(p.destination ?? ''), port: Number(p.port ?? 0) })),
          storageType: str(d.storageType), size: typeof d.size === 'number' ? d.size : d.size ? Number(d.size) : null,
        };
      }),
      createInstance: (req) => t.track(async () => {
        try {
          const r = await c.post('/service_instances', { body: req, timeoutMs: 60_000 });
          checkStatus(`DSB ${url} refused to create ${req.instanceId}`, r.data);
          return 'created' as const;
        } catch (err) {
          if (err instanceof UpstreamError && err.isConflict) return 'exists' as const;
          throw err;
        }
      }),
      deleteInstance: (id) => t.track(async () => {
        const r = await orUndefinedOn404(c.delete('/service_instances/{instanceId}', { path: { instanceId: id }, timeoutMs: 60_000 }));
        return r ? 'deleted' as const : 'gone' as const;
      }),
      copy: (id, req) => t.track(async () => {
        // Synchronous at the DSB: it streams the copy to the CRB before answering. No timeout, no retry.
        const r = await c.post('/service_instances/{instanceId}/copy', { path: { instanceId: id }, body: req, timeoutMs: 0 });
        const raw: unknown = r.data;
        const parsed: unknown = raw === '' || raw === undefined ? {} : typeof raw === 'string' ? safeJson(raw) : raw;
        const d = obj(parsed);
        return {
          status: d.status === undefined || d.status === null ? 0 : Number(d.status), statusMessage: str(isObj(parsed) ? d.statusMessage : parsed),
          size: typeof d.size === 'number' ? d.size : null, checksum: str(d.checksum),
        };
      }),
    };
  }

  psb(url: string): PsbPort {
    const c = psbClient(url, this.optsFor(url));
    const t = this.tracker;
    return {
      info: () => t.track(async () => {
        const d: unknown = (await c.get('/psb/info')).data;
        if (!isObj(d) || typeof d.type !== 'string') throw new NotABrokerError(`${url}/psb/info did not answer a PSB info document (name, type, version)`);
        const max = Number(d.appServiceIdMaxLength);
        return { name: str(d.name) ?? d.type, version: str(d.version) ?? '', type: d.type, description: str(d.description), appServiceIdMaxLength: Number.isFinite(max) && max > 0 ? max : 50 };
      }),
      spaces: () => t.track(async () => {
        return objs((await c.get('/psb/spaces')).data).map((s) => ({ name: String(s.name), properties: isObj(s.properties) ? strMap(s.properties) : null }));
      }),
      get: (space, id) => t.track(async () => {
        const r = await orUndefinedOn404(c.get('/psb/app-services/{space}/{appServiceId}', { path: { space, appServiceId: id } }));
        if (!r) return undefined;
        const d = obj(r.data);
        return { status: String(d.status ?? '').toLowerCase(), statusMessage: str(d.statusMessage), entryPointURL: str(d.entryPointURL) };
      }),
      deploy: (m) => t.track(async () => {
        try {
          const r = await c.post('/psb/app-services', { body: m, timeoutMs: 120_000 });
          checkStatus(`PSB ${url} refused to deploy ${m.appServiceId}`, r.data);
          return 'deployed' as const;
        } catch (err) {
          if (err instanceof UpstreamError && err.isConflict) return 'exists' as const;
          throw err;
        }
      }),
      remove: (space, id) => t.track(async () => {
        const r = await orUndefinedOn404(c.delete('/psb/app-services/{space}/{appServiceId}', { path: { space, appServiceId: id }, timeoutMs: 60_000 }));
        if (!r) return 'gone' as const;
        checkStatus(`PSB ${url} failed to remove ${id}`, r.data);
        return 'deleted' as const;
      }),
      logs: (space, id) => t.track(async () => {
        const d = obj((await c.get('/psb/app-services/{space}/{appServiceId}/logs', { path: { space, appServiceId: id } })).data);
        return { address: String(d.address ?? ''), serialization: String(d.serialization ?? 'json') };
      }),
    };
  }

  crb(url: string): CrbPort {
    const c = crbClient(url, this.optsFor(url));
    const t = this.tracker;
    return {
      info: () => t.track(async () => {
        const d: unknown = (await c.get('/info')).data;
        if (!isObj(d) || typeof d.name !== 'string' || (typeof d.repoType !== 'string' && typeof d.version !== 'string')) {
          throw new NotABrokerError(`${url}/info did not answer a CRB info document (name, version, repoType)`);
        }
        return { name: d.name, version: str(d.version) ?? '', repoType: str(d.repoType) ?? '' };
      }),
      repositories: () => t.track(async () => {
        return objs((await c.get('/repositories')).data).map((r) => String(r.repoId));
      }),
      repositoryProtocols: (repoId) => t.track(async () => {
        const d = obj((await c.get('/repositories/{repoId}', { path: { repoId } })).data);
        return objs(d.repoSupportedProtocols).map((p): CopyProtocol => ({ protocol: String(p.protocol ?? ''), version: str(p.version) }));
      }),
      createRepository: (repoId, info) => t.track(async () => {
        await c.post('/repositories/{repoId}', { path: { repoId }, body: info });
      }),
      storeMetadata: (md) => t.track(async () => {
        try {
          await c.post('/copies/{copyId}', { path: { copyId: md.copyId }, body: { ...md, copyTimeStamp: md.copyTimeStamp ?? undefined }, idempotent: true });
          return 'stored' as const;
        } catch (err) {
          if (err instanceof UpstreamError && err.isConflict) return 'exists' as const;
          throw err;
        }
      }),
      getMetadata: (copyId) => t.track(async () => {
        const r = await orUndefinedOn404(c.get('/copies/{copyId}', { path: { copyId } }));
        if (!r) return undefined;
        const d = obj(r.data);
        const ts = d.copyTimeStamp;
        return {
          copyId: String(d.copyId ?? copyId), repoId: str(d.repoId), copyTimeStamp: typeof ts === 'number' || typeof ts === 'string' ? ts : null, protocol: str(d.protocol),
          protocolVersion: str(d.protocolVersion), facility: str(d.facility), copyDataURL: str(d.copyDataURL),
          copyAdditionalInfo: obj(d.copyAdditionalInfo),
        } satisfies CrbMetadata;
      }),
      deleteCopy: (copyId) => t.track(async () => {
        const r = await orUndefinedOn404(c.delete('/copies/{copyId}', { path: { copyId } }));
        return r ? 'deleted' as const : 'gone' as const;
      }),
      grant: (g) => t.track(async () => {
        try {
          const { data } = await c.post('/grants', { body: g, idempotent: true });
          if (!isObj(data) || typeof data.pathPrefix !== 'string' || !/^\/cap\/[\w.-]+$/.test(data.pathPrefix)) {
            throw new UpstreamError(url, `CRB ${url} answered a grant without a usable pathPrefix`, { upstreamStatus: 200 });
          }
          return { pathPrefix: data.pathPrefix, expiresAt: Number(data.expiresAt) };
        } catch (err) {
          // An orcs CRB has no grants: it is used with its plain URL, as before.
          if (err instanceof UpstreamError && (err.upstreamStatus === 404 || err.upstreamStatus === 405)) return undefined;
          throw err;
        }
      }),
    };
  }
}

const trimmed = (url: string): string => url.replace(/\/+$/, '');

function safeJson(s: string): unknown { try { return JSON.parse(s); } catch { return { status: 1, statusMessage: s }; } }
