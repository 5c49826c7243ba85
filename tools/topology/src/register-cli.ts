// Registers brokers on Sites and Sites on the Hub from environment variables — the setup step of docker-compose.yml
// and of the k8s/ setup Job, where the services are started by the platform rather than by `pnpm start`.
//   OCOPEA_HUB_URL=http://hub:8090/hub-api
//   OCOPEA_SITES=site-a,site-b
//   OCOPEA_SITE_A_URL=http://site-a:8080/site-api        (per site: upper-cased name, - becomes _)
//   OCOPEA_SITE_A_CRB=crb-fs=http://crb-a:8082/crb
//   OCOPEA_SITE_A_DSBS=dsb-fs=http://dsb-fs-a:8084/dsb,dsb-postgres=http://dsb-pg-a:8083/dsb
//   OCOPEA_SITE_A_PSBS=psb-process=http://psb-a:8085
//   OCOPEA_SITE_A_ARTIFACT_REGISTRY=local-artifacts=file:///app/examples   (optional)
// Credentials (every service is authenticated; each optional for peers that need none):
//   OCOPEA_HUB_TOKEN=...                 the Hub's admin token (to add the Sites)
//   OCOPEA_SITE_A_TOKEN=...              the Site's admin token (to register on it; the Hub stores it with add-site)
//   OCOPEA_SITE_A_TOKEN_CRB_FS=...       a broker's token, by its URN upper-cased (- becomes _); the Site stores it
import { siteClient, hubClient } from '@ocopea/api';
import { retry, UpstreamError } from '@ocopea/errors';

const pairs = (v: string | undefined) => (v ?? '').split(',').filter(Boolean).map((p) => {
  const i = p.indexOf('=');
  if (i < 1) throw new Error(`expected urn=url, got '${p}'`);
  return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
});

const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** Retries `fn` for up to 3 minutes (the services may still be starting), saying what it waits for. */
function retryFor<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return retry(() => fn(), {
    timeoutMs: 180_000,
    backoff: { initialMs: 200, maxMs: 5000 },
    onRetry: (err) => console.log(`  waiting for ${what}: ${(err as Error).message}`),
  });
}

async function main() {
  const names = (process.env.OCOPEA_SITES ?? '').split(',').filter(Boolean);
  if (!names.length) throw new Error('OCOPEA_SITES is empty');
  for (const name of names) {
    const key = `OCOPEA_${name.toUpperCase().replace(/-/g, '_')}`;
    const url = process.env[`${key}_URL`];
    if (!url) throw new Error(`${key}_URL is not set`);
    const siteToken = process.env[`${key}_TOKEN`];
    const site = siteClient(url, { headers: bearer(siteToken) });
    const tokenOf = (urn: string) => process.env[`${key}_TOKEN_${urn.toUpperCase().replace(/-/g, '_')}`] || undefined;
    console.log(`${name} (${url})`);
    for (const [urn, crbUrl] of pairs(process.env[`${key}_CRB`])) {
      await retryFor(`CRB ${urn}`, () => site.post('/site/commands/register-crb', { body: { crbUrn: urn, crbUrl, token: tokenOf(urn) } }));
      console.log(`  registered CRB ${urn}`);
    }
    for (const [urn, dsbUrl] of pairs(process.env[`${key}_DSBS`])) {
      await retryFor(`DSB ${urn}`, () => site.post('/site/commands/register-dsb', { body: { dsbUrn: urn, dsbUrl, token: tokenOf(urn) } }));
      console.log(`  registered DSB ${urn}`);
    }
    for (const [urn, psbUrl] of pairs(process.env[`${key}_PSBS`])) {
      await retryFor(`PSB ${urn}`, () => site.post('/site/commands/register-psb', { body: { psbUrn: urn, psbUrl, token: tokenOf(urn) } }));
      console.log(`  registered PSB ${urn}`);
    }
    for (const [regName, regUrl] of pairs(process.env[`${key}_ARTIFACT_REGISTRY`])) {
      await retryFor(`artifact registry ${regName}`, () => site.post('/site/commands/add-custom-artifact-registry', { body: { name: regName, url: regUrl } }));
      console.log(`  added artifact registry ${regName}`);
    }
    const hubUrl = process.env.OCOPEA_HUB_URL;
    if (hubUrl) {
      await retryFor('Hub', async () => {
        try { await hubClient(hubUrl, { headers: bearer(process.env.OCOPEA_HUB_TOKEN) }).post('/commands/add-site', { body: { urn: name, url, token: siteToken } }); } catch (err) {
          if (!(err instanceof UpstreamError && err.isConflict)) throw err;
        }
      });
      console.log(`  added to the Hub`);
    }
  }
}

main().catch((err) => { console.error(`registration failed: ${err instanceof Error ? err.message : err}`); process.exit(1); });
