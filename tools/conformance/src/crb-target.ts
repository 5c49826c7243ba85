import { startService, type StartedService } from '@ocopea/testing';
import { CheckFailure, expectStatus, HttpClient } from './http';

/** The CRB a DSB scenario copies into: the author's (`--crb`), or a crb-fs the kit starts for the run. */
export interface CrbTarget {
  url: string;
  client: HttpClient;
  /** The first repository, the one the Site uses. */
  repoId: string;
  /** Set when the kit started it. */
  started?: StartedService;
  close(): Promise<void>;
}

/** Starts our crb-fs as a child process (from this repository) with a fresh data directory. */
export async function startOwnCrb(): Promise<StartedService> {
  return startService({ service: 'crb-fs' });
}

export async function openCrb(url: string | undefined, token: string | undefined): Promise<CrbTarget> {
  let started: StartedService | undefined;
  if (!url) {
    started = await startOwnCrb();
    url = started.url;
    token = started.token;
  }
  const client = new HttpClient(url, token);
  const close = async () => { if (started) { await started.stop(); } };
  try {
    const repos = await client.call('GET', '/repositories');
    expectStatus(repos, [200], 'the CRB\'s GET /repositories');
    const repoId = Array.isArray(repos.json) ? repos.json[0]?.repoId : undefined;
    if (typeof repoId !== 'string' || !repoId) throw new CheckFailure('the CRB lists no repository', repos.exchange);
    return { url: client.base, client, repoId, started, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The URL a broker gets as `copyRepoCredentials.url`, minted the way the Site does: a scoped grant for one copy
 * (`POST {crb}/grants`), its `pathPrefix` appended to the CRB's URL. A CRB without grants (404, 405, 501) gets its
 * plain URL, as the Site does.
 */
export async function grantUrl(crb: { url: string; client: HttpClient }, g: { access: 'read' | 'write' | 'transfer'; copyId: string; repoId?: string }): Promise<string> {
  const a = await crb.client.call('POST', '/grants', { json: g });
  if ([404, 405, 501].includes(a.status)) return crb.url;
  expectStatus(a, [200], `the CRB's POST /grants (${g.access})`);
  if (typeof a.json?.pathPrefix !== 'string') throw new CheckFailure('the CRB\'s grant has no pathPrefix', a.exchange);
  return crb.url + a.json.pathPrefix;
}
