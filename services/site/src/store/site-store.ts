import type { SqlDb } from '@ocopea/sql-store';
import type {
  AppCopy, AppInstance, AppServiceRec, AppServiceState, AppState, ArtifactRegistry, CopyState, CrbRecord, DataServiceCopy,
  DataServiceRec, DataServiceState, DsbRecord, ProtectionPolicy, PsbRecord,
} from '../domain/types';
import type { SiteRepository } from '../domain/site-repository';

/* eslint-disable @typescript-eslint/no-explicit-any -- rows are mapped field by field */

const j = (v: unknown) => JSON.stringify(v ?? null);
const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** All Site state, in SQL. Nothing the Site knows lives only in memory. */
export class SiteStore implements SiteRepository {
  constructor(readonly db: SqlDb) {}

  // ------------------------------------------------------------------------------------------------- brokers
  async upsertDsb(d: DsbRecord): Promise<void> {
    await this.db.query(`INSERT INTO dsbs (urn, url, name, type, description, plans, registered) VALUES ($1,$2,$3,$4,$5,$6,$7)
      ON CONFLICT (urn) DO UPDATE SET url=$2, name=$3, type=$4, description=$5, plans=$6`,
    [d.urn, d.url, d.name, d.type, d.description, j(d.plans), Date.now()]);
  }
  async listDsbs(): Promise<DsbRecord[]> {
    return (await this.db.query<any>(`SELECT * FROM dsbs ORDER BY registered, urn`)).rows.map(dsbRow);
  }
  async getDsb(urn: string): Promise<DsbRecord | undefined> {
    const r = (await this.db.query<any>(`SELECT * FROM dsbs WHERE urn=$1`, [urn])).rows[0];
    return r ? dsbRow(r) : undefined;
  }
  async deleteDsb(urn: string): Promise<boolean> {
    return (await this.db.query(`DELETE FROM dsbs WHERE urn=$1`, [urn])).rowCount > 0;
  }

  async upsertPsb(p: PsbRecord): Promise<void> {
    await this.db.query(`INSERT INTO psbs (urn, url, name, type, version, description, app_service_id_max_length, registered)
      VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (urn) DO UPDATE SET url=$2, name=$3, type=$4, version=$5, description=$6,
      app_service_id_max_length=$7`, [p.urn, p.url, p.name, p.type, p.version, p.description, p.appServiceIdMaxLength, Date.now()]);
  }
  async listPsbs(): Promise<PsbRecord[]> {
    return (await this.db.query<any>(`SELECT * FROM psbs ORDER BY registered, urn`)).rows.map(psbRow);
  }
  async getPsb(urn: string): Promise<PsbRecord | undefined> {
    const r = (await this.db.query<any>(`SELECT * FROM psbs WHERE urn=$1`, [urn])).rows[0];
    return r ? psbRow(r) : undefined;
  }

  /** Tokens the Site sends to brokers, by broker URL. */
  async listBrokerCredentials(): Promise<{ url: string; token: string }[]> {
    return (await this.db.query<{ url: string; token: string }>(`SELECT url, token FROM broker_credentials`)).rows;
  }
  async setBrokerCredential(url: string, token: string): Promise<void> {
    await this.db.query(`INSERT INTO broker_credentials (url, token) VALUES ($1,$2) ON CONFLICT (url) DO UPDATE SET token=$2`, [url, token]);
  }

  async upsertCrb(c: CrbRecord): Promise<void> {
    await this.db.query(`INSERT INTO crbs (urn, url, name, type, version, registered) VALUES ($1,$2,$3,$4,$5,$6)
      ON CONFLICT (urn) DO UPDATE SET url=$2, name=$3, type=$4, version=$5`, [c.urn, c.url, c.name, c.type, c.version, Date.now()]);
  }
  async listCrbs(): Promise<CrbRecord[]> {
    return (await this.db.query<any>(`SELECT urn, url, name, type, version FROM crbs ORDER BY registered, urn`)).rows;
  }
  async getCrb(urn: string): Promise<CrbRecord | undefined> {
    return (await this.db.query<any>(`SELECT urn, url, name, type, version FROM crbs WHERE urn=$1`, [urn])).rows[0];
  }
  async deleteCrb(urn: string): Promise<boolean> {
    return (await this.db.query(`DELETE FROM crbs WHERE urn=$1`, [urn])).rowCount > 0;
  }

  async upsertRegistry(a: ArtifactRegistry): Promise<void> {
    await this.db.query(`INSERT INTO artifact_registries (name, type, url, username, password) VALUES ($1,$2,$3,$4,$5)
      ON CONFLICT (name) DO UPDATE SET type=$2, url=$3, username=$4, password=$5`, [a.name, a.type, a.url, a.username, a.password]);
  }
  async listRegistries(): Promise<ArtifactRegistry[]> {
    return (await this.db.query<any>(`SELECT * FROM artifact_registries ORDER BY name`)).rows;
  }
  async getRegistry(name: string): Promise<ArtifactRegistry | undefined> {
    return (await this.db.query<any>(`SELECT * FROM artifact_registries WHERE name=$1`, [name])).rows[0];
  }
  async deleteRegistry(name: string): Promise<boolean> {
    return (await this.db.query(`DELETE FROM artifact_registries WHERE name=$1`, [name])).rowCount > 0;
  }

  // ---------------------------------------------------------------------------------------------------- apps
  /** Inserts the application with its services; false when the id exists. */
  async insertApp(app: AppInstance): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(`INSERT INTO app_instances (id, name, template_name, template_version, entry_point_service, state,
        state_message, state_date, launched, entry_point_url, policies) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (id) DO NOTHING`,
      [app.id, app.name, app.templateName, app.templateVersion, app.entryPointService, app.state, app.stateMessage, app.stateDate,
        app.launched, app.entryPointURL, j(app.policies)]);
      if (r.rowCount === 0) return false;
      let i = 0;
      for (const s of app.appServices) {
        await tx.query(`INSERT INTO app_services (app_id, name, ord, spec, public_url, state, state_message, state_date) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
          [app.id, s.name, i++, j(s.spec), s.publicUrl, s.state, s.stateMessage, s.stateDate]);
      }
      i = 0;
      for (const d of app.dataServices) {
        await tx.query(`INSERT INTO data_services (app_id, bind_name, ord, service_id, spec, binding, binding_ports, state, state_message, state_date)
          VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
        [app.id, d.bindName, i++, d.serviceId, j(d.spec), j(d.binding), j(d.bindingPorts), d.state, d.stateMessage, d.stateDate]);
      }
      return true;
    });
  }

  // The views' reads: answered from memory on the embedded store until the next write (SqlDb.cachedQuery).
  async getApp(id: string): Promise<AppInstance | undefined> {
    const r = (await this.db.cachedQuery<any>(`SELECT * FROM app_instances WHERE id=$1`, [id])).rows[0];
    if (!r) return undefined;
    const [as, ds] = await Promise.all([
      this.db.cachedQuery<any>(`SELECT * FROM app_services WHERE app_id=$1 ORDER BY ord`, [id]),
      this.db.cachedQuery<any>(`SELECT * FROM data_services WHERE app_id=$1 ORDER BY ord`, [id]),
    ]);
    return appRow(r, as.rows.map(appSvcRow), ds.rows.map(dataSvcRow));
  }

  async listApps(): Promise<AppInstance[]> {
    const [apps, as, ds] = await Promise.all([
      this.db.cachedQuery<any>(`SELECT * FROM app_instances ORDER BY launched, id`),
      this.db.cachedQuery<any>(`SELECT * FROM app_services ORDER BY app_id, ord`),
      this.db.cachedQuery<any>(`SELECT * FROM data_services ORDER BY app_id, ord`),
    ]);
    const a = as.rows.map(appSvcRow);
    const d = ds.rows.map(dataSvcRow);
    return apps.rows.map((r) => appRow(r, a.filter((x) => x.appInstanceId === r.id), d.filter((x) => x.appInstanceId === r.id)));
  }

  /** Sets the app state; with `from`, only when the current state is one of them (returns whether it changed). */
  async setAppState(id: string, state: AppState, message: string | null, opts: { from?: AppState[]; entryPointURL?: string | null } = {}): Promise<boolean> {
    const params: unknown[] = [id, state, message, Date.now()];
    let sql = `UPDATE app_instances SET state=$2, state_message=$3, state_date=$4`;
    if (opts.entryPointURL !== undefined) { params.push(opts.entryPointURL); sql += `, entry_point_url=$${params.length}`; }
    sql += ` WHERE id=$1`;
    if (opts.from) { params.push(opts.from); sql += ` AND state = ANY($${params.length}::text[])`; }
    return (await this.db.query(sql, params)).rowCount > 0;
  }

  async setAppServiceState(appId: string, name: string, state: AppServiceState, message: string | null, publicUrl?: string | null): Promise<void> {
    const params: unknown[] = [appId, name, state, message, Date.now()];
    let sql = `UPDATE app_services SET state=$3, state_message=$4, state_date=$5`;
    if (publicUrl !== undefined) { params.push(publicUrl); sql += `, public_url=$6`; }
    await this.db.query(sql + ` WHERE app_id=$1 AND name=$2`, params);
  }

  async setDataServiceState(appId: string, bind: string, state: DataServiceState, message: string | null,
    binding?: { binding: Record<string, string>; ports: unknown[] }): Promise<void> {
    const params: unknown[] = [appId, bind, state, message, Date.now()];
    let sql = `UPDATE data_services SET state=$3, state_message=$4, state_date=$5`;
    if (binding) { params.push(j(binding.binding), j(binding.ports)); sql += `, binding=$6, binding_ports=$7`; }
    await this.db.query(sql + ` WHERE app_id=$1 AND bind_name=$2`, params);
  }

  /** Ids of applications that are not stopped and have a data service on this DSB. */
  async appsUsingDsb(urn: string): Promise<string[]> {
    return (await this.db.query<{ id: string }>(`SELECT DISTINCT a.id FROM app_instances a JOIN data_services d ON d.app_id=a.id
      WHERE d.spec->>'dsbUrn' = $1 AND a.state <> 'stopped'`, [urn])).rows.map((r) => r.id);
  }

  /** Ids of applications that are not stopped and have an app service on this PSB. */
  async appsUsingPsb(urn: string): Promise<string[]> {
    return (await this.db.query<{ id: string }>(`SELECT DISTINCT a.id FROM app_instances a JOIN app_services s ON s.app_id=a.id
      WHERE s.spec->>'psbUrn' = $1 AND a.state <> 'stopped'`, [urn])).rows.map((r) => r.id);
  }


  // -------------------------------------------------------------------------------------------------- copies
  /** Inserts the copy with its parts unless it exists (idempotent). */
  async insertCopy(c: AppCopy): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = await tx.query(`INSERT INTO app_copies (id, app_id, time_stamp, state, state_message, app_service_copies)
        VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id) DO NOTHING`, [c.id, c.appInstanceId, c.timeStamp, c.state, c.stateMessage, j(c.appServiceCopies)]);
      if (r.rowCount === 0) return;
      let i = 0;
      for (const d of c.dataServiceCopies) {
        await tx.query(`INSERT INTO ds_copies (app_copy_id, bind_name, ord, dsb_urn, service_id, ds_copy_id, crb_urn, repo_id, protocol,
          protocol_version, facility, status, message, size, checksum) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
        [c.id, d.bindName, i++, d.dsbUrn, d.serviceId, d.dsCopyId, d.crbUrn, d.repoId, d.protocol, d.protocolVersion, d.facility,
          d.status, d.message, d.size, d.checksum]);
      }
    });
  }

  async getCopy(id: string, includeDeleted = false): Promise<AppCopy | undefined> {
    const r = (await this.db.query<any>(`SELECT * FROM app_copies WHERE id=$1 ${includeDeleted ? '' : 'AND NOT deleted'}`, [id])).rows[0];
    if (!r) return undefined;
    const ds = await this.db.query<any>(`SELECT * FROM ds_copies WHERE app_copy_id=$1 ORDER BY ord`, [id]);
    return copyRow(r, ds.rows.map(dsCopyRow));
  }

  /** Copies of an app with timeStamp in [start, end), oldest first (deleted ones excluded). */
  /** An app's copies, oldest first, within [start, end), one page of them when `page` is given. */
  async listCopies(appId: string, start?: number, end?: number, page?: { size: number; number: number }): Promise<AppCopy[]> {
    const params: unknown[] = [appId];
    let where = `app_id=$1 AND NOT deleted`;
    if (start !== undefined) { params.push(start); where += ` AND time_stamp >= $${params.length}`; }
    if (end !== undefined) { params.push(end); where += ` AND time_stamp < $${params.length}`; }
    let limit = '';
    if (page) { params.push(page.size, page.size * page.number); limit = ` LIMIT $${params.length - 1} OFFSET $${params.length}`; }
    const copies = (await this.db.query<any>(`SELECT * FROM app_copies WHERE ${where} ORDER BY time_stamp, id${limit}`, params)).rows;
    if (!copies.length) return [];
    const ds = (await this.db.query<any>(`SELECT * FROM ds_copies WHERE app_copy_id = ANY($1::text[]) ORDER BY ord`, [copies.map((c) => c.id)])).rows.map(dsCopyRow);
    return copies.map((c) => copyRow(c, ds.filter((d) => d.appCopyId === c.id)));
  }

  async setCopyState(id: string, state: CopyState, message: string | null, from?: CopyState[]): Promise<boolean> {
    const params: unknown[] = [id, state, message];
    let sql = `UPDATE app_copies SET state=$2, state_message=$3 WHERE id=$1`;
    if (from) { params.push(from); sql += ` AND state = ANY($4::text[])`; }
    return (await this.db.query(sql, params)).rowCount > 0;
  }

  async updateDsCopy(appCopyId: string, bind: string, f: Partial<Pick<DataServiceCopy, 'crbUrn' | 'repoId' | 'protocol' | 'protocolVersion' | 'facility' | 'status' | 'message' | 'size' | 'checksum'>>): Promise<void> {
    const cols: Record<string, string> = { crbUrn: 'crb_urn', repoId: 'repo_id', protocol: 'protocol', protocolVersion: 'protocol_version', facility: 'facility', status: 'status', message: 'message', size: 'size', checksum: 'checksum' };
    const entries = Object.entries(f).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    const sets = entries.map(([k], i) => `${cols[k]}=$${i + 3}`).join(', ');
    await this.db.query(`UPDATE ds_copies SET ${sets} WHERE app_copy_id=$1 AND bind_name=$2`, [appCopyId, bind, ...entries.map(([, v]) => v)]);
  }

  async markCopyDeleted(id: string): Promise<void> {
    await this.db.query(`UPDATE app_copies SET deleted=true WHERE id=$1`, [id]);
  }

  // ------------------------------------------------------------------------------------------------ policies
  async upsertPolicy(p: ProtectionPolicy): Promise<void> {
    await this.db.query(`INSERT INTO protection_policies (app_id, name, interval_seconds, retain_count, retain_seconds, next_run, active)
      VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (app_id, name) DO NOTHING`,
    [p.appInstanceId, p.name, p.intervalSeconds, p.retainCount, p.retainSeconds, p.nextRun, p.active]);
  }
  async getPolicy(appId: string, name: string): Promise<ProtectionPolicy | undefined> {
    const r = (await this.db.query<any>(`SELECT * FROM protection_policies WHERE app_id=$1 AND name=$2`, [appId, name])).rows[0];
    return r ? policyRow(r) : undefined;
  }
  async duePolicies(now: number): Promise<ProtectionPolicy[]> {
    return (await this.db.query<any>(`SELECT * FROM protection_policies WHERE active AND next_run <= $1 ORDER BY next_run`, [now])).rows.map(policyRow);
  }
  /** Moves the schedule on, only if nobody else did (compare-and-set on next_run). */
  async advancePolicy(appId: string, name: string, expected: number, next: number): Promise<boolean> {
    return (await this.db.query(`UPDATE protection_policies SET next_run=$4 WHERE app_id=$1 AND name=$2 AND next_run=$3`, [appId, name, expected, next])).rowCount > 0;
  }
  async setPoliciesActive(appId: string, active: boolean): Promise<void> {
    await this.db.query(`UPDATE protection_policies SET active=$2 WHERE app_id=$1`, [appId, active]);
  }
}

function psbRow(r: any): PsbRecord {
  return { urn: r.urn, url: r.url, name: r.name, type: r.type, version: r.version, description: r.description, appServiceIdMaxLength: r.app_service_id_max_length };
}
function dsbRow(r: any): DsbRecord {
  return { urn: r.urn, url: r.url, name: r.name, type: r.type, description: r.description, plans: parse(r.plans) };
}
function appRow(r: any, appServices: AppServiceRec[], dataServices: DataServiceRec[]): AppInstance {
  return {
    id: r.id, name: r.name, templateName: r.template_name, templateVersion: r.template_version, entryPointService: r.entry_point_service,
    state: r.state, stateMessage: r.state_message, stateDate: Number(r.state_date), launched: Number(r.launched),
    entryPointURL: r.entry_point_url, policies: parse(r.policies) ?? [], appServices, dataServices,
  };
}
function appSvcRow(r: any): AppServiceRec {
  return { appInstanceId: r.app_id, name: r.name, spec: parse(r.spec), publicUrl: r.public_url, state: r.state, stateMessage: r.state_message, stateDate: Number(r.state_date) };
}
function dataSvcRow(r: any): DataServiceRec {
  return {
    appInstanceId: r.app_id, bindName: r.bind_name, serviceId: r.service_id, spec: parse(r.spec), binding: parse(r.binding),
    bindingPorts: parse(r.binding_ports) ?? [], state: r.state, stateMessage: r.state_message, stateDate: Number(r.state_date),
  };
}
function copyRow(r: any, ds: DataServiceCopy[]): AppCopy {
  return {
    id: r.id, appInstanceId: r.app_id, timeStamp: Number(r.time_stamp), state: r.state, stateMessage: r.state_message,
    appServiceCopies: parse(r.app_service_copies) ?? [], dataServiceCopies: ds,
  };
}
function dsCopyRow(r: any): DataServiceCopy {
  return {
    appCopyId: r.app_copy_id, bindName: r.bind_name, dsbUrn: r.dsb_urn, serviceId: r.service_id, dsCopyId: r.ds_copy_id, crbUrn: r.crb_urn,
    repoId: r.repo_id, protocol: r.protocol, protocolVersion: r.protocol_version, facility: r.facility, status: r.status, message: r.message,
    size: num(r.size), checksum: r.checksum,
  };
}
function policyRow(r: any): ProtectionPolicy {
  return {
    appInstanceId: r.app_id, name: r.name, intervalSeconds: r.interval_seconds, retainCount: r.retain_count, retainSeconds: r.retain_seconds,
    nextRun: Number(r.next_run), active: r.active,
  };
}
