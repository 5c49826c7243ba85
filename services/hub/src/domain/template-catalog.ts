// Application templates: the Hub's catalog of what can be deployed.
import { randomUUID } from 'node:crypto';
import { BadRequestError, NotFoundError } from '@ocopea/errors';
import type { HubRepository } from './hub-repository';
import type { AppTemplate } from './model';
import { validateTemplate } from './planning';

export class TemplateCatalog {
  constructor(private readonly store: HubRepository) {}

  async createTemplate(t: Omit<AppTemplate, 'id' | 'deleted'> & { id?: string | null }): Promise<AppTemplate> {
    if (t.id != null) throw new BadRequestError('id must be absent or null: the Hub assigns it');
    if (!t.createdByUserId) throw new BadRequestError('Missing createdByUserId');
    validateTemplate(t);
    const stored: AppTemplate = { ...t, id: randomUUID(), deleted: false, description: t.description ?? null, entryPointServiceName: t.entryPointServiceName ?? null };
    await this.store.insertTemplate(stored);
    return stored;
  }

  async getTemplate(id: string, includeDeleted = false): Promise<AppTemplate> {
    const t = await this.store.getTemplate(id);
    if (!t || (t.deleted && !includeDeleted)) throw new NotFoundError(`app template '${id}' not found`);
    return t;
  }

  listTemplates(): Promise<AppTemplate[]> { return this.store.listTemplates(false); }

  async deleteTemplate(id: string): Promise<void> {
    if (!(await this.store.markTemplateDeleted(id))) throw new NotFoundError(`app template '${id}' not found`);
  }
}
