// The artifact registries app services' images come from, and the versions they offer.
import { BadGatewayError, NotFoundError, UnavailableError } from '@ocopea/errors';
import { requireText, requireUrl, trimUrl } from './input-checks';
import { localArtifactVersions } from './local-artifact-versions';
import type { SiteRepository } from './site-repository';
import type { ArtifactRegistry, ArtifactRegistryType } from './types';

export class ArtifactRegistries {
  constructor(private readonly store: SiteRepository) {}

  async addRegistry(type: ArtifactRegistryType, name: string, url: string, username: string | null = null, password: string | null = null): Promise<void> {
    requireText({ name, url });
    // customRest may also name a local folder (file: URL or absolute path), as the process PSB reads it.
    if (!(type === 'customRest' && url.startsWith('/'))) requireUrl('url', url, type === 'customRest' ? ['http:', 'https:', 'file:'] : ['http:', 'https:']);
    await this.store.upsertRegistry({ name, type, url: trimUrl(url), username, password });
  }
  /** Registries without passwords (orcs leaked them, §7.13). */
  async listRegistries(): Promise<{ name: string; type: ArtifactRegistryType; parameters: Record<string, string> }[]> {
    return (await this.store.listRegistries()).map((r) => {
      const parameters: Record<string, string> = { url: r.url };
      if (r.type !== 'customRest' && r.username) parameters.username = r.username;
      return { name: r.name, type: r.type, parameters };
    });
  }
  async removeRegistry(name: string): Promise<void> {
    if (!(await this.store.deleteRegistry(name))) throw new NotFoundError(`no artifact registry '${name}'`);
  }
  async listArtifactVersions(name: string, artifactId: string): Promise<string[]> {
    const reg = await this.store.getRegistry(name);
    if (!reg) throw new NotFoundError(`no artifact registry '${name}'`);
    return listVersions(reg, artifactId);
  }
}

async function listVersions(reg: ArtifactRegistry, artifactId: string): Promise<string[]> {
  if (reg.type === 'customRest' && (reg.url.startsWith('file:') || reg.url.startsWith('/'))) return localArtifactVersions(reg.name, reg.url, artifactId);
  const headers: Record<string, string> = {};
  if (reg.username && reg.password) headers.authorization = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`;
  const get = async (url: string) => {
    let res: Response;
    try { res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) }); } catch (err) {
      throw new UnavailableError(`artifact registry '${reg.name}' cannot be reached: ${(err as Error).message}`, { cause: err });
    }
    if (res.status === 404) throw new NotFoundError(`artifact registry '${reg.name}' does not know '${artifactId}'`);
    if (!res.ok) throw new UnavailableError(`artifact registry '${reg.name}' answered ${res.status}`);
    return res;
  };
  /** The registry's answer as JSON; what is not JSON is the registry's fault (502), not ours (500). */
  const json = async (res: Response): Promise<unknown> => {
    try { return await res.json(); } catch (err) {
      throw new BadGatewayError(`artifact registry '${reg.name}' answered something that is not JSON: ${(err as Error).message}`, { cause: err });
    }
  };
  if (reg.type === 'customRest') {
    const d = await json(await get(`${reg.url}/${encodeURIComponent(artifactId)}`));
    return Array.isArray(d) ? d.map(String) : [];
  }
  if (reg.type === 'mavenRepository') {
    const [group, artifact] = artifactId.includes(':') ? artifactId.split(':', 2) : ['', artifactId];
    const path = [...(group ? group.split('.') : []), artifact].map(encodeURIComponent).join('/');
    const xml = await (await get(`${reg.url}/${path}/maven-metadata.xml`)).text();
    return [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]);
  }
  const d = await json(await get(`${reg.url}/v2/repositories/${artifactId.split('/').map(encodeURIComponent).join('/')}/tags/`)) as { results?: unknown; tags?: unknown } | null;
  if (Array.isArray(d?.results)) return d.results.map((r: { name?: unknown }) => String(r?.name));
  if (Array.isArray(d?.tags)) return d.tags.map(String);
  if (d && typeof d === 'object' && (d.tags === null || d.results === null)) return []; // a repository without tags
  throw new BadGatewayError(`artifact registry '${reg.name}' answered no tag list for '${artifactId}'`);
}
