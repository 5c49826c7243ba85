// `pnpm demo`: runs the story against the topology of `pnpm start` (Hub at OCOPEA_HUB_URL, default :8090).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hubClient } from '@ocopea/api';
import { runDemo, type DemoStorage } from './demo';

/** Tokens of `pnpm start`'s topology (`.data/topology/tokens`), unless OCOPEA_TOKEN / OCOPEA_SITE_TOKEN say otherwise. */
function token(envName: string, file: string): string | undefined {
  if (process.env[envName]) return process.env[envName];
  try { return readFileSync(path.resolve(__dirname, '../../../.data/topology/tokens', file), 'utf8').trim(); } catch { return undefined; }
}

async function main() {
  const hubUrl = process.env.OCOPEA_HUB_URL ?? 'http://127.0.0.1:8090/hub-api';
  const hubToken = token('OCOPEA_TOKEN', 'hub.token');
  const siteToken = token('OCOPEA_SITE_TOKEN', 'site-a-site.token');
  const sites = (await hubClient(hubUrl, { headers: hubToken ? { authorization: `Bearer ${hubToken}` } : {} }).get('/site')).data as { id: string; urn: string; url: string }[];
  const a = sites.find((s) => s.urn === 'site-a');
  const b = sites.find((s) => s.urn === 'site-b');
  if (!a || !b) throw new Error(`the Hub at ${hubUrl} does not know site-a and site-b (is \`pnpm start\` running?)`);
  const asked = process.env.OCOPEA_DEMO_STORAGE ?? 'volume';
  if (!['volume', 'postgres', 'mariadb'].includes(asked)) throw new Error(`OCOPEA_DEMO_STORAGE must be volume, postgres or mariadb, not '${asked}'`);
  const storage = asked as DemoStorage;
  console.log(`Demo through ${hubUrl}: ${a.urn} -> ${b.urn}, notes on a ${storage}\n`);
  const t0 = Date.now();
  await runDemo({
    hubUrl, storage, hubToken, siteToken,
    from: { siteId: a.id, siteUrl: a.url, name: a.urn },
    to: { siteId: b.id, siteUrl: b.url, name: b.urn },
    log: (s) => console.log(`  ${(s.ms / 1000).toFixed(2).padStart(6)} s  ${s.step.padEnd(32)} ${s.detail}`),
  });
  console.log(`\nDemo passed in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
}

main().catch((err) => { console.error(`\nDemo FAILED: ${err instanceof Error ? err.message : err}`); process.exit(1); });
