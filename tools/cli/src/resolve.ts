import type { hub, HubClient } from '@ocopea/api';
import { CliError } from './errors';

type Schemas = hub.components['schemas'];
export type Template = Schemas['ApplicationTemplate'];
export type Site = Schemas['Site'];
export type App = Schemas['AppInstanceWithState'];
export type Image = Schemas['SavedImage'];

/**
 * The one item `query` names among `items`: by id first, else by every name `namesOf` gives. No match says so (and
 * what exists); several say which, so that the user can pick by id.
 */
export function pickOne<T extends { id: string }>(kind: string, query: string, items: readonly T[], namesOf: (t: T) => (string | null | undefined)[], label: (t: T) => string): T {
  const byId = items.find((t) => t.id === query);
  if (byId) return byId;
  const matches = items.filter((t) => namesOf(t).includes(query));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    const known = items.map(label);
    const hint = known.length === 0 ? `there are no ${kind}s` : `known: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}`;
    throw new CliError(`no ${kind} named '${query}' (${hint})`);
  }
  throw new CliError(`'${query}' matches ${matches.length} ${kind}s: ${matches.map((t) => `${label(t)} [${t.id}]`).join(', ')}; name one by id`);
}

const templateLabel = (t: Template) => `${t.name}:${t.version}`;

export async function resolveTemplate(c: HubClient, q: string): Promise<Template> {
  const { data } = await c.get('/app/catalog');
  return pickOne('template', q, data, (t) => [t.name, templateLabel(t)], templateLabel);
}

export async function resolveSite(c: HubClient, q: string): Promise<Site> {
  const { data } = await c.get('/site');
  return pickOne('site', q, data, (s) => [s.urn, s.name], (s) => s.urn);
}

export async function resolveApp(c: HubClient, q: string): Promise<App> {
  const { data } = await c.get('/app/instance-state');
  return pickOne('app', q, data, (a) => [a.name], (a) => a.name);
}

export async function resolveImage(c: HubClient, q: string): Promise<Image> {
  const { data } = await c.get('/test-dev/saved-images');
  return pickOne('image', q, data, (i) => [i.name], (i) => i.name);
}
