import { randomUUID } from 'node:crypto';
import { UpstreamError } from '@ocopea/errors';
import { NotABrokerError, type Brokers, CrbMetadata, CrbPort, DsbCopyRequest, DsbCreateRequest, DsbInstance, DsbPort, PsbManifest, PsbPort } from '../src/domain/brokers';
import type { CopyProtocol, DsbPlan } from '../src/domain/types';

const notFound = (url: string) => new UpstreamError(url, `${url} answered 404`, { upstreamStatus: 404 });
const unreachable = (url: string) => new UpstreamError(url, `${url} failed: ECONNREFUSED`, {});

/** In-memory DSB. Instances become RUNNING after `pollsUntilRunning` GETs (or never, with Infinity). */
export class FakeDsb implements DsbPort {
  instances = new Map<string, DsbInstance & { gets: number; req: DsbCreateRequest; data: string }>();
  creates: DsbCreateRequest[] = [];
  copies: (DsbCopyRequest & { instanceId: string })[] = [];
  deletes: string[] = [];
  pollsUntilRunning = 0;
  /** Instances for which this is true never leave CREATING. */
  stuck: (id: string) => boolean = () => false;
  failState: string | null = null;
  down = false;
  copyStatus = 0;
  plans: DsbPlan[] = [{ id: 'standard', name: 'Standard', description: null, price: null, protocols: [{ name: 'postgres', version: '16', properties: {} }], copyProtocols: [{ protocol: 'shpanRest', version: '1.0' }], dsbSettings: { tier: 'std' } }];
  constructor(readonly url: string, readonly type = 'postgres', private readonly crbs?: Map<string, FakeCrb>) {}

  notABroker = false;
  private check() { if (this.down) throw unreachable(this.url); }
  async info() { this.check(); if (this.notABroker) throw new NotABrokerError(`${this.url}/ did not answer a DSB info document`); return { name: `${this.type}-dsb`, type: this.type, description: 'fake', plans: this.plans }; }
  async listInstances() { this.check(); return [...this.instances.keys()]; }
  async getInstance(id: string) {
    this.check();
    const i = this.instances.get(id);
    if (!i) return undefined;
    i.gets++;
    if (i.state === 'CREATING' && i.gets > this.pollsUntilRunning && !this.stuck(id)) i.state = this.failState ?? 'RUNNING';
    return { ...i, binding: i.state === 'RUNNING' ? i.binding : {} };
  }
  async createInstance(req: DsbCreateRequest) {
    this.check();
    this.creates.push(req);
    if (this.instances.has(req.instanceId)) return 'exists' as const;
    let data = '';
    if (req.restoreInfo) {
      const crb = [...(this.crbs?.values() ?? [])].find((c) => c.url === req.restoreInfo!.copyRepoCredentials.url);
      data = crb?.data.get(req.restoreInfo.copyId) ?? '';
    }
    this.instances.set(req.instanceId, {
      instanceId: req.instanceId, state: 'CREATING', stateMessage: this.failState ? 'boom' : null, gets: 0, req, data,
      binding: { uri: `fake://${req.instanceId}` }, bindingPorts: [{ protocol: 'tcp', destination: '127.0.0.1', port: 1 }], storageType: 'fake', size: 10,
    });
    return 'created' as const;
  }
  async deleteInstance(id: string) {
    this.check();
    this.deletes.push(id);
    return this.instances.delete(id) ? 'deleted' as const : 'gone' as const;
  }
  async copy(id: string, req: DsbCopyRequest) {
    this.check();
    this.copies.push({ ...req, instanceId: id });
    const inst = this.instances.get(id);
    if (!inst) throw notFound(this.url);
    if (this.copyStatus !== 0) return { status: this.copyStatus, statusMessage: 'copy failed', size: null, checksum: null };
    const crb = [...(this.crbs?.values() ?? [])].find((c) => c.url === req.copyRepoCredentials.url);
    crb?.land(req.copyId, inst.data);
    return { status: 0, statusMessage: 'ok', size: inst.data.length, checksum: null };
  }
}

/** In-memory PSB. App services run after `pollsUntilRunning` GETs. */
export class FakePsb implements PsbPort {
  services = new Map<string, { manifest: PsbManifest; gets: number; status: string }>();
  deploys: PsbManifest[] = [];
  removes: string[] = [];
  pollsUntilRunning = 0;
  down = false;
  deployFails = false;
  maxIdLength = 50;
  constructor(readonly url: string, readonly type = 'process') {}
  private check() { if (this.down) throw unreachable(this.url); }
  async info() { this.check(); return { name: 'fake-psb', version: '1', type: this.type, description: null, appServiceIdMaxLength: this.maxIdLength }; }
  async spaces() { this.check(); return []; }
  async get(space: string, id: string) {
    this.check();
    const s = this.services.get(`${space}/${id}`);
    if (!s) return undefined;
    if (s.status === 'starting' && ++s.gets > this.pollsUntilRunning) s.status = 'running';
    return { status: s.status, statusMessage: null, entryPointURL: s.status === 'running' ? `http://127.0.0.1/${id}` : null };
  }
  async deploy(m: PsbManifest) {
    this.check();
    if (this.deployFails) throw new Error('PSB refused: status 1: no such image');
    if (m.appServiceId.length > this.maxIdLength) throw new Error(`id too long: ${m.appServiceId}`);
    this.deploys.push(m);
    if (this.services.has(`${m.space}/${m.appServiceId}`)) return 'exists' as const;
    this.services.set(`${m.space}/${m.appServiceId}`, { manifest: m, gets: 0, status: 'starting' });
    return 'deployed' as const;
  }
  async remove(space: string, id: string) {
    this.check();
    this.removes.push(id);
    return this.services.delete(`${space}/${id}`) ? 'deleted' as const : 'gone' as const;
  }
  async logs() { return { address: '', serialization: 'json' }; }
}

/** In-memory CRB with one repository. */
export class FakeCrb implements CrbPort {
  metadata = new Map<string, CrbMetadata>();
  data = new Map<string, string>();
  down = false;
  protocols: CopyProtocol[] = [{ protocol: 'ShpanRest', version: '1.0' }];
  deleted: string[] = [];
  constructor(readonly url: string) {}
  private check() { if (this.down) throw unreachable(this.url); }
  land(copyId: string, data: string) {
    this.data.set(copyId, data);
    const md = this.metadata.get(copyId);
    if (md) md.copyAdditionalInfo = { ...md.copyAdditionalInfo, size: String(data.length), sha256: 'a'.repeat(64) };
  }
  async info() { this.check(); return { name: 'fake-crb', version: '1', repoType: 'file' }; }
  async repositories() { this.check(); return ['default']; }
  async repositoryProtocols() { this.check(); return this.protocols; }
  async createRepository() { this.check(); }
  async storeMetadata(md: CrbMetadata) {
    this.check();
    if (this.metadata.has(md.copyId)) return 'exists' as const;
    this.metadata.set(md.copyId, { ...md, copyAdditionalInfo: { ...md.copyAdditionalInfo } });
    return 'stored' as const;
  }
  async getMetadata(id: string) { this.check(); return this.metadata.get(id); }
  async deleteCopy(id: string) {
    this.check();
    this.deleted.push(id);
    const had = this.metadata.delete(id);
    this.data.delete(id);
    return had ? 'deleted' as const : 'gone' as const;
  }
  /** Like an orcs CRB: no grants, so the Site passes its plain URL. */
  async grant() { this.check(); return undefined; }
}

/** Routes broker URLs to fakes. */
export class FakeBrokers implements Brokers {
  dsbs = new Map<string, FakeDsb>();
  psbs = new Map<string, FakePsb>();
  crbs = new Map<string, FakeCrb>();
  /** Fresh fakes under the same URLs (to share one Site between tests). */
  reset(): void {
    for (const [url, d] of this.dsbs) { const n = this.addDsb(url, d.type); n.plans = d.plans; }
    for (const [url, p] of this.psbs) this.addPsb(url, p.type);
    for (const url of this.crbs.keys()) this.addCrb(url);
  }
  addDsb(url: string, type = 'postgres') { const d = new FakeDsb(url, type, this.crbs); this.dsbs.set(url, d); return d; }
  addPsb(url: string, type = 'process') { const p = new FakePsb(url, type); this.psbs.set(url, p); return p; }
  addCrb(url: string) { const c = new FakeCrb(url); this.crbs.set(url, c); return c; }
  dsb(url: string) { const d = this.dsbs.get(url); if (d) return d; const x = new FakeDsb(url, 'x'); x.down = true; return x; }
  psb(url: string) { const p = this.psbs.get(url); if (!p) { const x = new FakePsb(url); x.down = true; return x; } return p; }
  crb(url: string) { const c = this.crbs.get(url); if (!c) { const x = new FakeCrb(url); x.down = true; return x; } return c; }
}

export const newId = () => randomUUID();
