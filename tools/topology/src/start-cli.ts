// `pnpm start`: the local topology on embedded defaults, until Ctrl-C.
import { startTopology } from './topology';

async function main() {
  const t0 = Date.now();
  console.log('Starting the local Ocopea topology (Hub + site-a + site-b) ...');
  const topo = await startTopology({ log: (l) => console.log(l), ports: process.env.OCOPEA_TOPOLOGY_PORTS === 'free' ? 'free' : 'fixed' });
  console.log(`\nReady in ${((Date.now() - t0) / 1000).toFixed(1)} s${topo.postgres ? '' : ' (no PostgreSQL server reachable: dsb-postgres not started)'}.`);
  console.log(`Hub API:  ${topo.hubUrl}    Swagger UI: ${topo.hubUrl.replace(/\/hub-api$/, '')}/docs`);
  for (const s of topo.sites) console.log(`${s.name}:   ${s.siteUrl}    Swagger UI: ${s.siteUrl.replace(/\/site-api$/, '')}/docs`);
  console.log(`\nEvery API needs a bearer token. The Hub's admin token is in ${topo.hubTokenFile} (each Site's in ${topo.sites[0]?.siteTokenFile.replace(/site-a-site/, '<site>-site')}):`);
  console.log(`  curl -H "Authorization: Bearer $(cat ${topo.hubTokenFile})" ${topo.hubUrl}/site`);
  console.log('In Swagger UI, "Authorize" takes the same token.');
  console.log('\nRun the demo in another terminal: pnpm demo      Stop: Ctrl-C');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping ...');
    await topo.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => { console.error(`pnpm start failed: ${err instanceof Error ? err.message : err}`); process.exit(1); });
