import type { CrbPaths } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { CrbDeps } from './deps';

export function infoRoutes(r: TypedRouter<CrbPaths>, deps: CrbDeps): void {
  r.get('/info', () => ({ status: 200, body: { name: 'crb-fs', version: deps.version, build: deps.build, repoType: 'file' } }));
}
