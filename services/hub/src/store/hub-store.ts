import { ConflictError } from '@ocopea/errors';
import type { Migration, SqlDb } from '@ocopea/sql-store';
import type { AppInstance, AppTemplate, HubSite, InstanceState, SavedImage, SavedImageState, SiteStatus } from '../domain/model';
import type { HubRepository } from '../domain/hub-repository';

/** The Hub's tables (schema `hub` on PostgreSQL; the embedded store has one schema). */
export const hubMigrations: Migration[] = [
  {
    id: '0100-hub',
    sql: `
    CREATE TABLE IF NOT EXISTS hub_sites (
      id text PRIMARY KEY, urn text NOT NULL UNIQUE, url text NOT NULL, data jsonb NOT NULL,
      status text NOT NULL, last_seen bigint, created bigint NOT NULL);
    CREATE TABLE IF NOT EXISTS hub_templates (
      id text PRIMARY KEY, name text NOT NULL, version text NOT NULL, deleted boolean NOT NULL DEFAULT false,
      data jsonb NOT NULL, created bigint NOT NULL, UNIQUE (name, version));
    CREATE TABLE IF NOT EXISTS hub_instances (
      id text PRIMARY KEY, name text NOT NULL UNIQUE, app_template_id text NOT NULL, site_id text NOT NULL,
      base_saved_image_id text, base_app_instance_id text, creator_user_id text, deployment_type text,
      created bigint NOT NULL, state text NOT NULL, state_message text, state_date bigint, web_entry_point_url text,
      entry_point_path text NOT NULL DEFAULT '');
    CREATE INDEX IF NOT EXISTS hub_instances_base ON hub_instances (base_app_instance_id);
    CREATE TABLE IF NOT EXISTS hub_saved_images (
      id text PRIMARY KEY, name text NOT NULL UNIQUE, app_template_id text NOT NULL, site_id text NOT NULL,
      app_copy_id text NOT NULL, base_image_id text, user_id text, created bigint NOT NULL, tags jsonb NOT NULL,
      comment text, state text NOT NULL, state_message text);`,
  },
  {
    // The bearer token the Hub sends to each Site (add-site's `token`). Never returned by any read.
    id: '0101-hub-site-credentials',
    sql: `CREATE TABLE IF NOT EXISTS hub_site_credentials (site_id text PRIMARY KEY, url text NOT NULL, token text NOT NULL);`,
  },
];

type SiteRow = { id: string; urn: string; url: string; data: unknown; status: string; last_seen: string | number | null };
type TemplateRow = { id: string; deleted: boolean; data: unknown };
type InstanceRow = {
  id: string; name: string; app_template_id: string; site_id: string; base_saved_image_id: string | null;
  base_app_instance_id: string | null; creator_user_id: string | null; deployment_type: string | null;
  created: string | number; state: string; state_message: string | null; state_date: string | number | null;
  web_entry_point_url: string | null; entry_point_path: string;
};
type ImageRow = {
  id: string; name: string; app_template_id: string; site_id: string; app_copy_id: string; base_image_id: string | null;
  user_id: string | null; created: string | number; tags: unknown; comment: string | null; state: string; state_message: string | null;
};

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const num = (v: string | number | null) => (v === null ? null : Number(v));

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || /duplicate key|unique constraint/i.test(e?.message ?? '');
}

/** Persistence of sites, templates, instances and saved images. */
export class HubStore implements HubRepository {
  constructor(readonly db: SqlDb) {}

  // ----- sites -----
  async setSiteCredential(siteId: string, url: string, token: string): Promise<void> {
    await this.db.query(`INSERT INTO hub_site_credentials (site_id, url, token) VALUES ($1,$2,$3) ON CONFLICT (site_id) DO UPDATE SET url=$2, token=$3`, [siteId, url, token]);
  }
  async listSiteCredentials(): Promise<{ url: string; token: string }[]> {
    return (await this.db.query<{ url: string; token: string }>(`SELECT url, token FROM hub_site_credentials`)).rows;
  }
  async insertSite(s: HubSite): Promise<void> {
    const { id, urn, url, status, lastSeen, ...data } = s;
    try {
      await this.db.query(`INSERT INTO hub_sites (id, urn, url, data, status, last_seen, created) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [id, urn, url, JSON.stringify(data), status, lastSeen, Date.now()]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`a site with urn '${urn}' is already connected`);
      throw err;
    }
  }
  async listSites(): Promise<HubSite[]> {
    return (await this.db.cachedQuery<SiteRow>(`SELECT * FROM hub_sites ORDER BY created, urn`)).rows.map(toSite);
  }
  async getSite(id: string): Promise<HubSite | undefined> {
    const r = await this.db.cachedQuery<SiteRow>(`SELECT * FROM hub_sites WHERE id=$1`, [id]);
    return r.rows[0] && toSite(r.rows[0]);
  }
  async findSiteByUrn(urn: string): Promise<HubSite | undefined> {
    const r = await this.db.query<SiteRow>(`SELECT * FROM hub_sites WHERE urn=$1`, [urn]);
    return r.rows[0] && toSite(r.rows[0]);
  }
  /** Records the outcome of a contact with the Site. */
  async setSiteStatus(id: string, status: SiteStatus, at = Date.now()): Promise<void> {
    if (status === 'reachable') await this.db.query(`UPDATE hub_sites SET status=$2, last_seen=$3 WHERE id=$1`, [id, status, at]);
    else await this.db.query(`UPDATE hub_sites SET status=$2 WHERE id=$1`, [id, status]);
  }

  // ----- templates -----
  async insertTemplate(t: AppTemplate): Promise<void> {
    try {
      await this.db.query(`INSERT INTO hub_templates (id, name, version, deleted, data, created) VALUES ($1,$2,$3,$4,$5,$6)`,
        [t.id, t.name, t.version, t.deleted, JSON.stringify(t), Date.now()]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`a template named '${t.name}' version '${t.version}' exists`);
      throw err;
    }
  }
  async getTemplate(id: string): Promise<AppTemplate | undefined> {
    const r = await this.db.query<TemplateRow>(`SELECT id, deleted, data FROM hub_templates WHERE id=$1`, [id]);
    return r.rows[0] && toTemplate(r.rows[0]);
  }
  async listTemplates(includeDeleted = false): Promise<AppTemplate[]> {
    const r = await this.db.query<TemplateRow>(`SELECT id, deleted, data FROM hub_templates ${includeDeleted ? '' : 'WHERE NOT deleted'} ORDER BY created, id`);
    return r.rows.map(toTemplate);
  }
  async markTemplateDeleted(id: string): Promise<boolean> {
    const r = await this.db.query(`UPDATE hub_templates SET deleted=true WHERE id=$1 AND NOT deleted RETURNING id`, [id]);
    return r.rows.length > 0;
  }

  // ----- instances -----
  async insertInstance(i: AppInstance): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO hub_instances (id, name, app_template_id, site_id, base_saved_image_id, base_app_instance_id, creator_user_id,
           deployment_type, created, state, state_message, state_date, web_entry_point_url, entry_point_path)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [i.id, i.name, i.appTemplateId, i.siteId, i.baseSavedImageId, i.baseAppInstanceId, i.creatorUserId, i.deploymentType,
          i.created, i.state, i.stateMessage, i.stateDate, i.webEntryPointURL, i.entryPointPath]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`an app instance named '${i.name}' already exists`);
      throw err;
    }
  }
  async deleteInstance(id: string): Promise<void> {
    await this.db.query(`DELETE FROM hub_instances WHERE id=$1`, [id]);
  }
  async getInstance(id: string): Promise<AppInstance | undefined> {
    const r = await this.db.cachedQuery<InstanceRow>(`SELECT * FROM hub_instances WHERE id=$1`, [id]);
    return r.rows[0] && toInstance(r.rows[0]);
  }
  async findInstanceByName(name: string): Promise<AppInstance | undefined> {
    const r = await this.db.query<InstanceRow>(`SELECT * FROM hub_instances WHERE name=$1`, [name]);
    return r.rows[0] && toInstance(r.rows[0]);
  }
  /** Newest first. */
  async listInstances(): Promise<AppInstance[]> {
    return (await this.db.cachedQuery<InstanceRow>(`SELECT * FROM hub_instances ORDER BY created DESC, id`)).rows.map(toInstance);
  }
  async listChildren(baseAppInstanceId: string): Promise<AppInstance[]> {
    return (await this.db.query<InstanceRow>(`SELECT * FROM hub_instances WHERE base_app_instance_id=$1 ORDER BY created, id`, [baseAppInstanceId])).rows.map(toInstance);
  }
  /**
   * Sets the state (and entry URL when given). `onlyFrom` guards transitions: the update happens only when the
   * current state is one of them. Returns whether a row changed.
   */
  async setInstanceState(id: string, state: InstanceState, o: { message?: string | null; url?: string | null; onlyFrom?: InstanceState[] } = {}): Promise<boolean> {
    const params: unknown[] = [id, state, o.message ?? null, Date.now()];
    let sets = `state=$2, state_message=$3, state_date=CASE WHEN state=$2 THEN state_date ELSE $4 END`;
    if (o.url !== undefined) { params.push(o.url); sets += `, web_entry_point_url=$${params.length}`; }
    let where = 'id=$1';
    if (o.onlyFrom) { params.push(o.onlyFrom); where += ` AND state = ANY($${params.length}::text[])`; }
    const r = await this.db.query(`UPDATE hub_instances SET ${sets} WHERE ${where} RETURNING id`, params);
    return r.rows.length > 0;
  }

  /** Deletes finished operations last changed before `before` (retention of the operation engine's table). */
  async purgeOperations(before: number): Promise<number> {
    const r = await this.db.query(`DELETE FROM operations WHERE phase IN ('succeeded','failed') AND updated < $1 RETURNING id`, [before]);
    return r.rows.length;
  }

  // ----- saved images -----
  async insertSavedImage(s: SavedImage): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO hub_saved_images (id, name, app_template_id, site_id, app_copy_id, base_image_id, user_id, created, tags, comment, state, state_message)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
        [s.id, s.name, s.appTemplateId, s.siteId, s.appCopyId, s.baseImageId, s.userId, s.createdDate, JSON.stringify(s.tags), s.comment, s.state, s.stateMessage]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`a saved image named '${s.name}' exists`);
      throw err;
    }
  }
  async getSavedImage(id: string): Promise<SavedImage | undefined> {
    const r = await this.db.query<ImageRow>(`SELECT * FROM hub_saved_images WHERE id=$1`, [id]);
    return r.rows[0] && toImage(r.rows[0]);
  }
  async findSavedImageByName(name: string): Promise<SavedImage | undefined> {
    const r = await this.db.query<ImageRow>(`SELECT * FROM hub_saved_images WHERE name=$1`, [name]);
    return r.rows[0] && toImage(r.rows[0]);
  }
  async listSavedImages(appTemplateId?: string, page?: { size: number; number: number }): Promise<SavedImage[]> {
    const params: unknown[] = [];
    let where = '';
    if (appTemplateId) { params.push(appTemplateId); where = `WHERE app_template_id=$1`; }
    let limit = '';
    if (page) { params.push(page.size, page.size * page.number); limit = ` LIMIT $${params.length - 1} OFFSET $${params.length}`; }
    return (await this.db.query<ImageRow>(`SELECT * FROM hub_saved_images ${where} ORDER BY created DESC, id${limit}`, params)).rows.map(toImage);
  }
  async setSavedImageState(id: string, state: SavedImageState, message: string | null = null): Promise<void> {
    await this.db.query(`UPDATE hub_saved_images SET state=$2, state_message=$3 WHERE id=$1`, [id, state, message]);
  }
}

function toSite(r: SiteRow): HubSite {
  const d = json(r.data) as Pick<HubSite, 'name' | 'version' | 'location' | 'publicDns'>;
  return { id: r.id, urn: r.urn, url: r.url, name: d.name ?? null, version: d.version ?? null, location: d.location ?? null,
    publicDns: d.publicDns ?? null, status: r.status as SiteStatus, lastSeen: num(r.last_seen) };
}
function toTemplate(r: TemplateRow): AppTemplate {
  return { ...(json(r.data) as AppTemplate), id: r.id, deleted: r.deleted };
}
function toInstance(r: InstanceRow): AppInstance {
  return {
    id: r.id, name: r.name, appTemplateId: r.app_template_id, siteId: r.site_id, baseSavedImageId: r.base_saved_image_id,
    baseAppInstanceId: r.base_app_instance_id, creatorUserId: r.creator_user_id, deploymentType: r.deployment_type,
    created: Number(r.created), state: r.state as InstanceState, stateMessage: r.state_message, stateDate: num(r.state_date),
    webEntryPointURL: r.web_entry_point_url, entryPointPath: r.entry_point_path,
  };
}
function toImage(r: ImageRow): SavedImage {
  return {
    id: r.id, name: r.name, appTemplateId: r.app_template_id, siteId: r.site_id, appCopyId: r.app_copy_id, baseImageId: r.base_image_id,
    userId: r.user_id, createdDate: Number(r.created), tags: json(r.tags) as string[], comment: r.comment,
    state: r.state as SavedImageState, stateMessage: r.state_message,
  };
}
