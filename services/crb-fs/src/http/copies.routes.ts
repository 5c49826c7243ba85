import type { CrbPaths, crb } from '@ocopea/api';
import { streamJsonArray, type TypedRouter } from '@ocopea/service-kit';
import type { CopyMetadata } from '../domain/fs-copy-repository';
import { transferCopy } from '../domain/transfer';
import type { CrbDeps } from './deps';

type CopyMetaData = crb.components['schemas']['CopyMetaData'];

export function copyRoutes(r: TypedRouter<CrbPaths>, deps: CrbDeps): void {
  r.get('/copies', async ({ query, req, res }) => {
    const base = deps.crbUrl(req);
    const link = (copyId: string) => ({ copyId, copyURL: `${base}/copies/${copyId}` });
    if (query.pageSize === undefined) {
      // The whole listing streams from the index: constant memory however many copies there are.
      const ids = deps.repo.copyIds(query.repoIdInQuery);
      if (deps.repo.listedCount(query.repoIdInQuery) === 0) return { status: 204, body: undefined };
      await streamJsonArray(res, ids, link);
      return;
    }
    const ids = deps.repo.listCopies({ repoId: query.repoIdInQuery, pageNumber: query.pageNumber, pageSize: query.pageSize });
    if (ids.length === 0) return { status: 204, body: undefined };
    return { status: 200, body: ids.map(link) };
  });

  r.post('/copies/{copyId}', async ({ params, body, req }) => {
    await deps.repo.storeMetadata(params.copyId, body as Omit<CopyMetadata, 'copyId'>);
    return { status: 201, body: { copyId: params.copyId, copyURL: `${deps.crbUrl(req)}/copies/${params.copyId}` } };
  });

  r.get('/copies/{copyId}', ({ params }) => ({ status: 200, body: deps.repo.getMetadata(params.copyId) as CopyMetaData }));

  r.delete('/copies/{copyId}', async ({ params }) => {
    await deps.repo.deleteCopy(params.copyId);
    return { status: 200, body: params.copyId };
  });

  r.post('/copies/{copyId}/transfer', async ({ params, body }) => ({
    status: 200,
    body: await transferCopy(deps.repo, params.copyId, body, deps.targetCrb),
  }));
}
