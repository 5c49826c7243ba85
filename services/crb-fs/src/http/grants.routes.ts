import type { CrbPaths } from '@ocopea/api';
import type { TypedRouter } from '@ocopea/service-kit';
import type { CrbDeps } from './deps';

/** `POST /grants` (extension): a scoped copy credential, minted for the Site (admin) to hand to a broker. */
export function grantRoutes(r: TypedRouter<CrbPaths>, deps: CrbDeps): void {
  r.post('/grants', async ({ body }) => {
    const { token, expiresAt } = await deps.grants.mint(body);
    return { status: 200, body: { token, pathPrefix: `/cap/${token}`, expiresAt } };
  });
}
