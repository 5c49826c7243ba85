// Application copies: taking one (the work is the engine's `copy`), deleting, the copy views with CRB metadata,
// copy history (in pages), statistics, and where a copy's data lives.
import { randomUUID } from 'node:crypto';
import { currentPrincipal } from '@ocopea/api';
import { BadRequestError, ConflictError, NotFoundError } from '@ocopea/errors';
import type { OperationEngine } from '@ocopea/operations';
import type { Brokers } from './brokers';
import { deleteCopyEverywhere, newCopyRecord } from './copy-records';
import type { CopyInput } from './operation-inputs';
import { mustApp, mustCrb, type SiteRepository } from './site-repository';
import type { AppCopy } from './types';

/** An enriched data-service copy (CRB metadata where readable). */
export interface DataServiceCopyView {
  copyId: string; dsbUrn: string; bindName: string; timeStamp: number; repoId: string | null; facility: string | null;
  copyRepositoryURN: string | null; copyRepositoryName: string | null; copyRepositoryProtocol: string | null;
  copyRepositoryProtocolVersion: string | null; size: number; status: string;
}
export interface AppCopyView {
  copyId: string; timeStamp: number; size: number; state: string; stateMessage: string | null;
  dataServiceCopies: DataServiceCopyView[]; appServiceCopies: AppCopy['appServiceCopies'];
}

export class AppCopies {
  constructor(
    private readonly store: SiteRepository,
    private readonly brokers: Brokers,
    private readonly engine: OperationEngine,
  ) {}

  async createCopy(appInstanceId: string): Promise<{ copyId: string; operationId: string }> {
    const app = await mustApp(this.store, appInstanceId);
    if (app.state !== 'running') throw new ConflictError(`application '${appInstanceId}' is ${app.state}; only a running application can be copied`);
    if (!(await this.store.listCrbs()).length) throw new ConflictError('no CRB is registered on this Site');
    const copyId = randomUUID();
    await this.store.insertCopy(newCopyRecord(app, copyId));
    const op = await this.engine.submit<CopyInput>('copy', appInstanceId, { appInstanceId, appCopyId: copyId, startedBy: currentPrincipal() });
    return { copyId, operationId: op.id };
  }

  async deleteCopy(copyId: string): Promise<void> {
    const c = await this.store.getCopy(copyId);
    if (!c) throw new NotFoundError(`no application copy '${copyId}'`);
    if (c.state === 'creating') throw new ConflictError(`application copy '${copyId}' is still being created`);
    await deleteCopyEverywhere({ store: this.store, brokers: this.brokers }, c);
  }

  async getCopy(copyId: string): Promise<AppCopyView> {
    const c = await this.store.getCopy(copyId);
    if (!c) throw new NotFoundError(`no application copy '${copyId}'`);
    return this.enrich(c);
  }

  async copyHistory(appInstanceId: string, start?: number, end?: number, page: { size?: number; number?: number } = {}): Promise<AppCopyView[]> {
    await mustApp(this.store, appInstanceId);
    const s = start === undefined || start === -1 ? undefined : start;
    const e = end === undefined || end === -1 ? undefined : end;
    // int64 in the contract, but epoch milliseconds here: past 2^53 a number is no longer exact, and past 2^63 the
    // database refused it with a 500.
    for (const [name, v] of [['intervalStart', s], ['intervalEnd', e]] as const) {
      if (v !== undefined && !Number.isSafeInteger(v)) throw new BadRequestError(`${name} must be epoch milliseconds, at most ${Number.MAX_SAFE_INTEGER}, got ${v}`);
    }
    if (s !== undefined && e !== undefined && e < s) throw new BadRequestError(`intervalEnd (${e}) is before intervalStart (${s})`);
    if (page.number !== undefined && page.size === undefined) throw new BadRequestError('pageNumber needs pageSize');
    const p = page.size === undefined ? undefined : { size: page.size, number: page.number ?? 0 };
    return Promise.all((await this.store.listCopies(appInstanceId, s, e, p)).map((c) => this.enrich(c)));
  }

  async stats(appInstanceId: string): Promise<{ appInstanceId: string; appCopies: AppCopyView[]; productionCopyStatistics: { dsbName: string; bindName: string; storageType: string | null; size: number }[] }> {
    const app = await mustApp(this.store, appInstanceId);
    const appCopies = await this.copyHistory(appInstanceId);
    const productionCopyStatistics = await Promise.all(app.dataServices.map(async (ds) => {
      const dsb = await this.store.getDsb(ds.spec.dsbUrn);
      const inst = dsb && !['removed', 'removing'].includes(ds.state) ? await this.brokers.dsb(dsb.url).getInstance(ds.serviceId).catch(() => undefined) : undefined;
      return { dsbName: ds.spec.dsbUrn, bindName: ds.bindName, storageType: inst?.storageType ?? null, size: inst?.size ?? 0 };
    }));
    return { appInstanceId, appCopies, productionCopyStatistics };
  }

  /** Where the data of a data-service copy lives (the Site never carries copy bytes). */
  async copyDataLocation(crbUrn: string, dsCopyId: string): Promise<string> {
    const crb = await mustCrb(this.store, crbUrn);
    return `${crb.url}/copies/${encodeURIComponent(dsCopyId)}/data`;
  }

  private async enrich(c: AppCopy): Promise<AppCopyView> {
    const crbs = new Map((await this.store.listCrbs()).map((x) => [x.urn, x]));
    const dataServiceCopies = await Promise.all(c.dataServiceCopies.map(async (d): Promise<DataServiceCopyView> => {
      const crb = d.crbUrn ? crbs.get(d.crbUrn) : undefined;
      const md = crb ? await this.brokers.crb(crb.url).getMetadata(d.dsCopyId).catch(() => undefined) : undefined;
      const size = md?.copyAdditionalInfo.size !== undefined ? Number(md.copyAdditionalInfo.size) : d.size;
      return {
        copyId: d.dsCopyId, dsbUrn: d.dsbUrn, bindName: d.bindName, timeStamp: toMillis(md?.copyTimeStamp) ?? c.timeStamp,
        repoId: md?.repoId ?? d.repoId ?? 'N/A', facility: md?.facility ?? d.facility ?? 'N/A',
        copyRepositoryURN: d.crbUrn ?? 'N/A', copyRepositoryName: crb?.name ?? d.crbUrn ?? 'N/A',
        copyRepositoryProtocol: md?.protocol ?? d.protocol ?? 'N/A', copyRepositoryProtocolVersion: md?.protocolVersion ?? d.protocolVersion ?? 'N/A',
        size: Number.isFinite(size) && size !== null ? Number(size) : 0, status: d.status,
      };
    }));
    return {
      copyId: c.id, timeStamp: c.timeStamp, size: dataServiceCopies.reduce((a, d) => a + d.size, 0), state: c.state, stateMessage: c.stateMessage,
      dataServiceCopies, appServiceCopies: c.appServiceCopies,
    };
  }
}

function toMillis(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') { const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v); return Number.isFinite(n) ? n : undefined; }
  return undefined;
}
