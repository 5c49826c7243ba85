// pnpm bench:clone — test/dev copies from a golden database, against a full restore and the raw template copy.
//
// Generates a database of BENCH_CLONE_SIZE_MB (default 1100 MB, > 1 GiB) in a dsb-postgres instance, copies it into
// crb-fs once, then runs BENCH_ROUNDS (default 3) interleaved rounds of, each timed from the request to RUNNING:
//   first deploy   POST /service_instances with restoreInfo, the broker holding no trusted golden of the copy: it
//                  downloads the copy, pg_restores it into a new golden database and clones the instance from it
//                  (the golden of the previous round is made untrusted first: ALLOW_CONNECTIONS true)
//   clone deploy   the same request again: the CRB is asked for the copy's digest, the instance is cut from the golden
//   raw template   psql: CREATE DATABASE … TEMPLATE <golden> STRATEGY FILE_COPY (what a clone costs PostgreSQL)
//   reset          POST /service_instances/{id}/reset of the clone, after changing a row in it
// then deploys BENCH_CLONE_PARALLEL (default 10) clones of the image at once and checks they all reach RUNNING with
// identical data (row count and a checksum of every row). Judged on medians: clone >= 5x faster than the first deploy,
// clone <= 1.3x the raw template copy, reset no slower than a clone. Every timed step starts after sync + CHECKPOINT.
// Env: BENCH_CLONE_SIZE_MB, BENCH_ROUNDS, BENCH_CLONE_PARALLEL, BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { rmSync } from 'node:fs';
import os from 'node:os';
import { Client } from 'pg';
import { median, quiesce, removeDsbInstances, scopedCrbUrl, startService, timeTool } from '@ocopea/testing';

const ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZE_MB = Number(process.env.BENCH_CLONE_SIZE_MB ?? 1100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARALLEL = Number(process.env.BENCH_CLONE_PARALLEL ?? 10);
const TAG = `bclone${Date.now().toString(36)}`;
const PREFIX = `${TAG}_`;
const MB = 1e6;

const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

async function sql<T = Record<string, unknown>>(url: string, q: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try { return (await c.query(q, params)).rows as T[]; } finally { await c.end(); }
}
function adminEnv(): NodeJS.ProcessEnv {
  const u = new URL(ADMIN);
  const env: NodeJS.ProcessEnv = { ...process.env, PGHOST: u.hostname || '127.0.0.1', PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username) || 'postgres', PGDATABASE: 'postgres' };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return env;
}
/** Before each timed step: nothing left to write back from the one before (OS page cache, PostgreSQL's buffers). */
async function settle() {
  await sql(ADMIN, 'CHECKPOINT');
  await quiesce();
}

async function main() {
  log(`clone bench: database ${SIZE_MB} MB (BENCH_CLONE_SIZE_MB), ${ROUNDS} rounds (BENCH_ROUNDS), ${PARALLEL} parallel clones, tag ${TAG}`);
  const [crb, dsb] = await Promise.all([
    startService({ service: 'crb-fs', env: { LOG_LEVEL: 'warn' } }),
    startService({ service: 'dsb-postgres', env: { DSB_POSTGRES_ADMIN_URL: ADMIN, DSB_POSTGRES_DB_PREFIX: PREFIX, LOG_LEVEL: 'warn' } }),
  ]);
  const created: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${dsb.url}${p}`, { method, headers: { ...dsb.headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const waitRunning = async (id: string) => {
    for (;;) {
      const r = await api('GET', `/service_instances/${id}`);
      if (r.body?.state === 'RUNNING') return r.body;
      if (r.body?.state === 'ERROR' || r.status !== 200) throw new Error(`${id}: ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  const copyId = `${TAG}-image`;
  const deploy = async (id: string) => {
    created.push(id);
    const url = await scopedCrbUrl(crb, { access: 'read', copyId });
    const t0 = Date.now();
    const r = await api('POST', '/service_instances', { instanceId: id, instanceSettings: {}, restoreInfo: { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: 'default' } } });
    if (r.status !== 200) throw new Error(`deploy ${id}: ${JSON.stringify(r.body)}`);
    const view = await waitRunning(id);
    return { s: (Date.now() - t0) / 1000, view };
  };
  const drop = async (id: string) => {
    await removeDsbInstances(api, [id]);
    created.splice(created.indexOf(id), 1);
  };
  const goldens = async () => (await sql<{ datname: string }>(ADMIN, 'SELECT datname FROM pg_database WHERE datname LIKE $1', [`${PREFIX}g\\_%`])).map((r) => r.datname);
  const checksum = async (uri: string) => (await sql<{ n: string; h: string }>(uri, 'SELECT count(*)::text AS n, sum(hashtext(a || b || x::text))::text AS h FROM big'))[0];
  try {
    // 1. the "production" database and its copy in the CRB (the saved image)
    created.push(`${TAG}-src`);
    await api('POST', '/service_instances', { instanceId: `${TAG}-src`, instanceSettings: {} });
    const src = await waitRunning(`${TAG}-src`);
    log('generating data…');
    await sql(src.binding.uri, 'CREATE TABLE big (id bigint PRIMARY KEY, k int NOT NULL, a text NOT NULL, b text NOT NULL, x double precision NOT NULL)');
    let rows = 0;
    for (;;) {
      const [{ size }] = await sql<{ size: string }>(ADMIN, 'SELECT pg_database_size($1)::text AS size', [src.binding.database]);
      if (Number(size) >= SIZE_MB * MB) break;
      await sql(src.binding.uri, `INSERT INTO big SELECT g, (g * 7919) % 100000, md5(g::text) || md5((g + 1)::text) || md5((g * 3)::text),
        md5(random()::text) || md5(random()::text), random() FROM generate_series($1::bigint, $2::bigint) g`, [rows + 1, rows + 500_000]);
      rows += 500_000;
    }
    await sql(src.binding.uri, 'VACUUM (FREEZE, ANALYZE) big');
    const [{ size: dbSize }] = await sql<{ size: string }>(ADMIN, 'SELECT pg_database_size($1)::text AS size', [src.binding.database]);
    const writeUrl = await scopedCrbUrl(crb, { access: 'write', copyId, repoId: 'default' });
    const c = await api('POST', `/service_instances/${TAG}-src/copy`, { copyId, copyRepoProtocol: 'shpanRest', copyRepoCredentials: { url: writeUrl, repoId: 'default' } });
    if (c.status !== 200) throw new Error(`copy failed: ${JSON.stringify(c.body)}`);
    const expected = await checksum(src.binding.uri);
    log(`database ${(Number(dbSize) / MB).toFixed(0)} MB, ${rows} rows; copy ${(c.body.size / MB).toFixed(0)} MB in crb-fs`);

    // 2. interleaved rounds
    const t = { first: [] as number[], clone: [] as number[], raw: [] as number[], reset: [] as number[] };
    const info = await api('GET', '/');
    for (let round = 1; round <= ROUNDS; round++) {
      // the first deploy of the image on this broker: no trusted golden (the last round's is made untrusted)
      for (const g of await goldens()) await sql(ADMIN, `ALTER DATABASE "${g}" WITH ALLOW_CONNECTIONS true`);
      await settle();
      const first = await deploy(`${TAG}-first-${round}`);
      if (first.view.restoredFrom?.path !== 'full-restore') throw new Error(`first deploy took ${JSON.stringify(first.view.restoredFrom)}`);
      t.first.push(first.s);
      await settle();
      const clone = await deploy(`${TAG}-clone-${round}`);
      if (clone.view.restoredFrom?.path !== 'local-clone') throw new Error(`clone deploy took ${JSON.stringify(clone.view.restoredFrom)}`);
      t.clone.push(clone.s);
      const [golden] = await goldens();
      await settle();
      t.raw.push(await timeTool('psql', ['-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE "${PREFIX}raw_${round}" TEMPLATE "${golden}" STRATEGY FILE_COPY`], { env: adminEnv() }));
      await sql(ADMIN, `DROP DATABASE "${PREFIX}raw_${round}"`);
      await sql(clone.view.binding.uri, 'UPDATE big SET k = -1 WHERE id = 1');
      await settle();
      const t0 = Date.now();
      const r = await api('POST', `/service_instances/${TAG}-clone-${round}/reset`);
      if (r.status !== 202) throw new Error(`reset: ${JSON.stringify(r.body)}`);
      const after = await waitRunning(`${TAG}-clone-${round}`);
      t.reset.push((Date.now() - t0) / 1000);
      const [{ k }] = await sql<{ k: number }>(after.binding.uri, 'SELECT k FROM big WHERE id = 1');
      if (k === -1) throw new Error('the reset did not bring the row back');
      log(`round ${round}: first deploy ${first.s.toFixed(2)} s, clone deploy ${clone.s.toFixed(2)} s, raw template copy ${t.raw.at(-1)!.toFixed(2)} s, reset ${t.reset.at(-1)!.toFixed(2)} s`);
      await drop(`${TAG}-first-${round}`);
      await drop(`${TAG}-clone-${round}`);
    }

    // 3. PARALLEL clones at once, all with the image's data
    await settle();
    const t0 = Date.now();
    const many = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => deploy(`${TAG}-many-${i}`)));
    const manyS = (Date.now() - t0) / 1000;
    const sums = await Promise.all(many.map((m) => checksum(m.view.binding.uri)));
    const identical = sums.every((s) => s.n === expected.n && s.h === expected.h);
    log(`${PARALLEL} clones at once: all RUNNING after ${manyS.toFixed(2)} s; ${identical ? 'identical data' : `DATA DIFFERS: ${JSON.stringify(sums)}`}`);

    const m = { first: median(t.first), clone: median(t.clone), raw: median(t.raw), reset: median(t.reset) };
    const ok = (b: boolean) => (b ? 'PASS' : 'FAIL');
    console.log('');
    console.log(`database ${(Number(dbSize) / MB).toFixed(0)} MB (pg_database_size), ${rows} rows; clone method ${info.body.capabilities?.localClone?.method}; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
    console.log(`medians of ${ROUNDS} interleaved round(s), request to RUNNING:`);
    console.log(`first deploy (full restore + golden)  ${m.first.toFixed(2)} s   rounds ${t.first.map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`clone deploy                          ${m.clone.toFixed(2)} s   rounds ${t.clone.map((x) => x.toFixed(2)).join(' ')}   ${(m.first / m.clone).toFixed(1)}x faster than the first (target >= 5) ${ok(m.first / m.clone >= 5)}`);
    console.log(`raw CREATE DATABASE … TEMPLATE (psql) ${m.raw.toFixed(2)} s   rounds ${t.raw.map((x) => x.toFixed(2)).join(' ')}   clone / raw ${(m.clone / m.raw).toFixed(2)} (target <= 1.3) ${ok(m.clone / m.raw <= 1.3)}`);
    console.log(`reset                                 ${m.reset.toFixed(2)} s   rounds ${t.reset.map((x) => x.toFixed(2)).join(' ')}   reset / clone ${(m.reset / m.clone).toFixed(2)} (target <= 1.0) ${ok(m.reset <= m.clone * 1.0)}`);
    console.log(`${PARALLEL} clones at once                    ${manyS.toFixed(2)} s to all RUNNING, data ${identical ? 'identical' : 'DIFFERS'} ${ok(identical)}`);
    console.log('');
  } finally {
    log('cleaning up…');
    await removeDsbInstances(api, created).catch((err) => log(`could not remove every instance: ${(err as Error).message}`));
    await Promise.all([dsb.stop(), crb.stop()]);
    for (const { datname } of await sql<{ datname: string }>(ADMIN, 'SELECT datname FROM pg_database WHERE datname LIKE $1', [`${PREFIX}%`])) {
      await sql(ADMIN, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    for (const { rolname } of await sql<{ rolname: string }>(ADMIN, 'SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`${PREFIX}%`])) {
      await sql(ADMIN, `DROP ROLE IF EXISTS "${rolname}"`);
    }
    for (const d of [crb.dataDir, dsb.dataDir]) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
