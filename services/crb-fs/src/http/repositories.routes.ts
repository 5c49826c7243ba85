import { COPY_PROTOCOL, COPY_PROTOCOL_VERSION, type CrbPaths, type crb } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { Request } from 'express';
import { DEFAULT_REPO_ID, type RepositoryDescription } from '../domain/fs-copy-repository';
import type { CrbDeps } from './deps';

type RepositoryInfo = crb.components['schemas']['RepositoryInfo'];

export function repositoryRoutes(r: TypedRouter<CrbPaths>, deps: CrbDeps): void {
  const url = (req: Request) => deps.crbUrl(req);
  const instance = (req: Request, repoId: string) => ({ repoId, repoURL: `${url(req)}/repositories/${repoId}` });

  r.get('/repositories', ({ req }) => ({ status: 200, body: deps.repo.listRepositories().map((id) => instance(req, id)) }));

  r.post('/repositories/{repoId}', async ({ params, body, req }) => {
    await deps.repo.createRepository(params.repoId, body as RepositoryDescription);
    return { status: 201, body: instance(req, params.repoId) };
  });

  r.put('/repositories/{repoId}', async ({ params, body, req }) => {
    await deps.repo.putRepository(params.repoId, body as RepositoryDescription);
    return { status: 200, body: instance(req, params.repoId) };
  });

  r.get('/repositories/{repoId}', ({ params, req }) => {
    const info = deps.repo.getRepository(params.repoId);
    return { status: 200, body: describe(info, params.repoId, url(req), deps.root) };
  });

  r.delete('/repositories/{repoId}', async ({ params }) => {
    await deps.repo.deleteRepository(params.repoId);
    return { status: 200, body: params.repoId };
  });

  r.get('/repositories/{repoId}/stats', async ({ params }) => ({ status: 200, body: await deps.repo.repositoryStats(params.repoId) }));
}

/**
 * The stored description, with the copy protocol this CRB accepts filled in when the description names none (the
 * default repository is created without one, so its endpoint always shows the URL the caller reached us at).
 */
function describe(info: RepositoryDescription, repoId: string, crbUrl: string, root: string): RepositoryInfo {
  const out = { ...info, id: repoId } as RepositoryInfo;
  if (!info.repoSupportedProtocols || info.repoSupportedProtocols.length === 0) {
    out.repoSupportedProtocols = [{
      protocol: COPY_PROTOCOL,
      version: COPY_PROTOCOL_VERSION,
      endpoint: { addr: crbUrl, endPointAdditionalInfo: {} },
      credentials: { credentialsAdditionalInfo: {} },
      copyLocation: { path: repoId === DEFAULT_REPO_ID ? root : `${root} (${repoId})`, copyLocationAdditionalInfo: {} },
    }];
  }
  return out;
}
