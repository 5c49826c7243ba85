// `pnpm start`: the local topology on embedded defaults, until Ctrl-C, or until one of its services dies (then
// the rest is stopped and the exit code is 1). OCOPEA_TOPOLOGY_PORTS: `fixed` (default: Hub 8090, site-a 8080-8085,
// site-b 8180-8185), `free` (any free ports), or a number (the fixed plan moved to start there instead of 8080).
// OCOPEA_TOPOLOGY_DATA: the data root (default .data/topology); one running topology per data root.
import { describeDeath, startTopology, type TopologyOptions } from './topology';

function portsFromEnv(v = process.env.OCOPEA_TOPOLOGY_PORTS ?? 'fixed'): TopologyOptions['ports'] {
  if (v === 'fixed' || v === 'free') return v;
  if (/^\d+$/.test(v) && Number(v) >= 1024 && Number(v) <= 65_000) return Number(v);
  throw new Error(`OCOPEA_TOPOLOGY_PORTS must be fixed, free or a port from 1024 to 65000, got '${v}'`);
}

async function main() {
  const t0 = Date.now();
  console.log('Starting the local Ocopea topology (Hub + site-a + site-b) ...');
  const topo = await startTopology({ log: (l) => console.log(l), ports: portsFromEnv(), dataRoot: process.env.OCOPEA_TOPOLOGY_DATA || undefined });
  const missing = [topo.postgres ? '' : 'no PostgreSQL server reachable: dsb-postgres not started', topo.mariadb ? '' : 'no MariaDB/MySQL server reachable: dsb-mariadb not started'].filter(Boolean);
  console.log(`\nReady in ${((Date.now() - t0) / 1000).toFixed(1)} s${missing.length ? ` (${missing.join('; ')})` : ''}.`);
  console.log(`Hub API:  ${topo.hubUrl}    Swagger UI: ${topo.hubUrl.replace(/\/hub-api$/, '')}/docs`);
  for (const s of topo.sites) console.log(`${s.name}:   ${s.siteUrl}    Swagger UI: ${s.siteUrl.replace(/\/site-api$/, '')}/docs`);
  console.log(`\nEvery API needs a bearer token. The Hub's admin token is in ${topo.hubTokenFile} (each Site's in ${topo.sites[0]?.siteTokenFile.replace(/site-a-site/, '<site>-site')}):`);
  console.log(`  curl -H "Authorization: Bearer $(cat ${topo.hubTokenFile})" ${topo.hubUrl}/site`);
  console.log('In Swagger UI, "Authorize" takes the same token.');
  console.log('\nRun the demo in another terminal: pnpm demo      Stop: Ctrl-C');
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping ...');
    await topo.stop();
    console.log('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // Ctrl-C reaches the services too (one process group): a service that exits then is not a death, so a death is
  // reported only if no signal arrived just after it.
  void topo.died.then((d) => setTimeout(() => {
    if (stopping) return;
    console.error(`\n${describeDeath(d)}\nThe topology is incomplete: stopping it.`);
    void stop(1);
  }, 200));
}

main().catch((err) => { console.error(`pnpm start failed: ${err instanceof Error ? err.message : err}`); process.exit(1); });
