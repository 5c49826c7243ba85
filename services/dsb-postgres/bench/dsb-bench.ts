// pnpm bench:dsb — copy and restore throughput of dsb-postgres through crb-fs, next to raw pg_dump / pg_restore.
//
// Generates a database of BENCH_DSB_SIZE_MB (default 1100 MB, i.e. > 1 GiB) inside a dsb-postgres instance, then in
// the same run measures:
//   raw dump     pg_dump -Fc -Z0 > /dev/null
//   DSB copy     POST /service_instances/{id}/copy: pg_dump -Fc -Z0 streamed through the DSB into crb-fs (on disk)
//   raw restore  pg_restore (same flags as the DSB) of the same dump from a local file into an empty database
//   DSB restore  POST /service_instances with restoreInfo until RUNNING: crb-fs -> DSB -> pg_restore
// and the DSB's peak RSS (VmHWM of its process). Everything it creates is removed at the end.
// Copies run BENCH_ROUNDS (default 5) interleaved rounds; the copy target is judged on the median of the per-round
// ratios (each pairs a raw dump and a DSB copy taken seconds apart), best figures printed too. Services run as their
// package start scripts run them. One untimed copy warms both services up first; every timed step starts after
// `sync`, so no step pays for write-back left by the one before. It also prints the machine's CPU budget: what raw
// pg_dump alone keeps busy, and the CPU a copy takes all in all (pg_dump, postgres, DSB, crb-fs), hence the best ratio
// this machine's cores could give even if they were never idle.
// Both services run with authentication on (the test admin token of @ocopea/testing); the DSB reaches crb-fs with a
// scoped grant for each copy in copyRepoCredentials.url, as the Site hands them out (minted before the timing starts).
// Env: BENCH_DSB_SIZE_MB, BENCH_ROUNDS, BENCH_PG_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { cpuSeconds, machineBusySeconds, median, quiesce, removeDsbInstances, scopedCrbUrl, startService, timeTool, vmHwm } from '@ocopea/testing';

const ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZE_MB = Number(process.env.BENCH_DSB_SIZE_MB ?? 1100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TAG = `bench${Date.now().toString(36)}`;
const MB = 1e6;

const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

async function sql<T = Record<string, unknown>>(url: string, q: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try { return (await c.query(q, params)).rows as T[]; } finally { await c.end(); }
}

function adminEnv(database: string): NodeJS.ProcessEnv {
  const u = new URL(ADMIN);
  const env: NodeJS.ProcessEnv = { ...process.env, PGHOST: u.hostname || '127.0.0.1', PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username) || 'postgres', PGDATABASE: database };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return env;
}

async function main() {
  log(`dsb bench: target database size ${SIZE_MB} MB (BENCH_DSB_SIZE_MB), tag ${TAG}`);
  const [crb, dsb] = await Promise.all([
    startService({ service: 'crb-fs', env: { LOG_LEVEL: 'warn', SERVICE_LOG_LEVEL: 'warn' } }),
    startService({ service: 'dsb-postgres', env: { DSB_POSTGRES_ADMIN_URL: ADMIN, LOG_LEVEL: 'warn' } }),
  ]);
  log(`services as pnpm start runs them: crb-fs \`${crb.command}\`, dsb-postgres \`${dsb.command}\``);
  const dumpDir = mkdtempSync(path.join(os.tmpdir(), 'ocopea-dsb-bench-'));
  const rawDb = `ocopea_${TAG}_raw`;
  const created: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${dsb.url}${p}`, { method, headers: { ...dsb.headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  /** crb-fs's URL with a grant for one copy (never its admin token), as `copyRepoCredentials.url`. */
  const writeUrl = (copyId: string) => scopedCrbUrl(crb, { access: 'write', copyId, repoId: 'default' });
  const readUrl = (copyId: string) => scopedCrbUrl(crb, { access: 'read', copyId });
  const deleteCopy = async (copyId: string) => {
    const r = await fetch(`${crb.url}/copies/${copyId}`, { method: 'DELETE', headers: crb.headers });
    if (r.status !== 200) throw new Error(`deleting copy ${copyId} answered ${r.status}: ${await r.text()}`);
  };
  const waitRunning = async (id: string) => {
    for (;;) {
      const r = await api('GET', `/service_instances/${id}`);
      if (r.body?.state === 'RUNNING') return r.body;
      if (r.body?.state === 'ERROR' || r.status !== 200) throw new Error(`${id}: ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  try {
    // 1. source instance and data
    const src = `${TAG}-src`;
    created.push(src);
    await api('POST', '/service_instances', { instanceId: src, instanceSettings: {} });
    const srcInfo = await waitRunning(src);
    const uri: string = srcInfo.binding.uri;
    const db: string = srcInfo.binding.database;
    log('generating data…');
    await sql(uri, 'CREATE TABLE big (id bigint PRIMARY KEY, k int NOT NULL, a text NOT NULL, b text NOT NULL, x double precision NOT NULL)');
    const step = 500_000;
    let rows = 0;
    for (;;) {
      const [{ size }] = await sql<{ size: string }>(ADMIN, 'SELECT pg_database_size($1)::text AS size', [db]);
      if (Number(size) >= SIZE_MB * MB) break;
      await sql(uri, `INSERT INTO big SELECT g, (g * 7919) % 100000, md5(g::text) || md5((g + 1)::text) || md5((g * 3)::text),
        md5(random()::text) || md5(random()::text), random() FROM generate_series($1::bigint, $2::bigint) g`, [rows + 1, rows + step]);
      rows += step;
    }
    // Settle the fresh table before timing anything: otherwise autovacuum starts on it during the first rounds and
    // the first reads set hint bits (writing pages back), both taking CPU from whichever run is under way.
    const inDb = new URL(ADMIN);
    inDb.pathname = `/${db}`;
    await sql(inDb.toString(), 'VACUUM (FREEZE, ANALYZE) big');
    await sql(ADMIN, 'CHECKPOINT');
    const [{ size: dbSize }] = await sql<{ size: string }>(ADMIN, 'SELECT pg_database_size($1)::text AS size', [db]);
    log(`database ${db}: ${rows} rows, ${(Number(dbSize) / MB).toFixed(0)} MB (pg_database_size)`);

    // 2. the dump file the raw restore reads (this also warms the cache for every round below)
    const dumpFile = path.join(dumpDir, 'bench.dump');
    await timeTool('pg_dump', ['--format=custom', '--compress=0'], { env: adminEnv(db), out: dumpFile });
    const dumpBytes = statSync(dumpFile).size;

    // 3. rounds that interleave raw pg_dump, the DSB copy into crb-fs and into a discarding sink, so that all three
    //    see the same machine; the best of each is compared (this 2-core VM swings by tens of percent run to run)
    const sink = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('"ok"')); });
    await new Promise<void>((res) => sink.listen(0, '127.0.0.1', res));
    const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/crb`;
    const t = { raw: [] as number[], copy: [] as number[], sink: [] as number[], copyCpu: [] as number[], crbCpu: [] as number[], rawBusy: [] as number[], copyBusy: [] as number[] };
    const copyId = `${TAG}-copy`;
    // One untimed copy first: the broker and the CRB run their copy paths once before they are measured (JIT, first
    // use of the CRB's blocks), as a long-running broker would have.
    const warm = await api('POST', `/service_instances/${src}/copy`, { copyId: `${TAG}-warm-up`, copyRepoProtocol: 'shpanRest', copyRepoCredentials: { url: await writeUrl(`${TAG}-warm-up`), repoId: 'default' } });
    if (warm.status !== 200) throw new Error(`warm-up copy failed: ${JSON.stringify(warm.body)}`);
    await deleteCopy(`${TAG}-warm-up`);
    log('warm-up copy done (not counted)');
    for (let round = 1; round <= ROUNDS; round++) {
      await quiesce();
      const busy0 = machineBusySeconds();
      t.raw.push(await timeTool('pg_dump', ['--format=custom', '--compress=0'], { env: adminEnv(db) }));
      t.rawBusy.push(machineBusySeconds() - busy0);
      const id = round === ROUNDS ? copyId : `${copyId}-${round}`; // the last one is restored below
      const url = await writeUrl(id);
      const cpu0 = cpuSeconds(dsb.child.pid!);
      const crbCpu0 = cpuSeconds(crb.child.pid!);
      await quiesce();
      const busy1 = machineBusySeconds();
      const t0 = Date.now();
      const copy = await api('POST', `/service_instances/${src}/copy`, {
        copyId: id, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: 'default' }, copyType: 'shpanCopy', copyTime: Date.now(),
      });
      t.copy.push((Date.now() - t0) / 1000);
      t.copyBusy.push(machineBusySeconds() - busy1);
      t.copyCpu.push(cpuSeconds(dsb.child.pid!) - cpu0);
      t.crbCpu.push(cpuSeconds(crb.child.pid!) - crbCpu0);
      if (copy.status !== 200) throw new Error(`copy failed: ${JSON.stringify(copy.body)}`);
      if (copy.body.size !== dumpBytes) log(`note: the DSB copy is ${copy.body.size} bytes, the raw dump ${dumpBytes}`);
      if (id !== copyId) await deleteCopy(id);
      await quiesce();
      const t2 = Date.now();
      const sinkCopy = await api('POST', `/service_instances/${src}/copy`, { copyId: `${TAG}-sink-${round}`, copyRepoProtocol: 'shpanRest', copyRepoCredentials: { url: sinkUrl, repoId: 'sink' } });
      t.sink.push((Date.now() - t2) / 1000);
      if (sinkCopy.status !== 200) throw new Error(`copy to the sink failed: ${JSON.stringify(sinkCopy.body)}`);
      log(`round ${round}: raw pg_dump > /dev/null ${t.raw.at(-1)!.toFixed(1)} s, DSB copy -> crb-fs ${t.copy.at(-1)!.toFixed(1)} s (ratio ${(t.raw.at(-1)! / t.copy.at(-1)!).toFixed(2)}, ${copy.body.checksum}), DSB copy -> discarding sink ${t.sink.at(-1)!.toFixed(1)} s`);
    }
    sink.close();
    const best = (xs: number[]) => Math.min(...xs);
    const rawDumpS = best(t.raw);
    const copyS = best(t.copy);
    const sinkS = best(t.sink);
    const copyCpu = median(t.copyCpu);
    const crbCpu = median(t.crbCpu);
    const cores = os.cpus().length;
    const rawBusy = median(t.rawBusy);
    const copyBusy = median(t.copyBusy);
    // Even with every core busy all the time, a copy needing copyBusy CPU-seconds takes at least copyBusy / cores.
    const ratioBound = median(t.raw) / (copyBusy / cores);
    const copyRatio = median(t.raw.map((r, i) => r / t.copy[i]));
    const sinkRatio = median(t.raw.map((r, i) => r / t.sink[i]));

    // 4. raw pg_restore from the local file
    await sql(ADMIN, `CREATE DATABASE ${rawDb} TEMPLATE template0`);
    await sql(ADMIN, 'CHECKPOINT');
    await quiesce();
    const rawRestoreS = await timeTool('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', `--dbname=${rawDb}`, dumpFile], { env: adminEnv(rawDb) });
    log(`raw pg_restore from a local file: ${rawRestoreS.toFixed(1)} s`);
    await sql(ADMIN, `DROP DATABASE ${rawDb} WITH (FORCE)`);
    rmSync(dumpDir, { recursive: true, force: true });

    // 5. DSB restore from crb-fs into a new instance
    await sql(ADMIN, 'CHECKPOINT');
    const dst = `${TAG}-dst`;
    created.push(dst);
    const restoreUrl = await readUrl(copyId);
    const cpu1 = cpuSeconds(dsb.child.pid!);
    await quiesce();
    const t1 = Date.now();
    const r = await api('POST', '/service_instances', {
      instanceId: dst, instanceSettings: {},
      restoreInfo: { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url: restoreUrl, repoId: 'default' }, copyType: 'shpanCopy' },
    });
    if (r.status !== 200) throw new Error(`restore request failed: ${JSON.stringify(r.body)}`);
    const dstInfo = await waitRunning(dst);
    const restoreS = (Date.now() - t1) / 1000;
    const restoreCpu = cpuSeconds(dsb.child.pid!) - cpu1;
    const [{ n }] = await sql<{ n: string }>(dstInfo.binding.uri, 'SELECT count(*)::text AS n FROM big');
    if (Number(n) !== rows) throw new Error(`restored ${n} rows, expected ${rows}`);
    log(`DSB restore crb-fs -> new instance: ${restoreS.toFixed(1)} s (${n} rows verified)`);

    const rss = vmHwm(dsb.child.pid!);
    const crbRss = vmHwm(crb.child.pid!);
    const mbps = (s: number) => dumpBytes / MB / s;
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const ok = (b: boolean) => (b ? 'PASS' : 'FAIL');
    console.log('');
    console.log(`dump size ${(dumpBytes / MB).toFixed(0)} MB (pg_dump -Fc -Z0), database ${(Number(dbSize) / MB).toFixed(0)} MB, ${rows} rows; MB = 10^6 bytes`);
    console.log(`${ROUNDS} copy round(s) (BENCH_ROUNDS): median of the per-round ratios judged, best figures shown; one restore each`);
    console.log(`copy     DSB -> crb-fs   median ratio ${copyRatio.toFixed(2)} (target >= 0.90) ${ok(copyRatio >= 0.9)}   best: ${mbps(copyS).toFixed(1)} MB/s vs raw pg_dump > /dev/null ${mbps(rawDumpS).toFixed(1)} MB/s (${ratio(rawDumpS, copyS)})`);
    console.log(`copy     DSB -> sink     median ratio ${sinkRatio.toFixed(2)}   best ${mbps(sinkS).toFixed(1)} MB/s (a CRB that discards: the DSB's own overhead)`);
    console.log(`restore  crb-fs -> DSB   ${mbps(restoreS).toFixed(1).padStart(7)} MB/s   raw pg_restore (file)   ${mbps(rawRestoreS).toFixed(1).padStart(7)} MB/s   ratio ${ratio(rawRestoreS, restoreS)} (target >= 0.90) ${ok(rawRestoreS / restoreS >= 0.9)}`);
    console.log(`DSB CPU  copy ${copyCpu.toFixed(1)} s (median of the rounds; crb-fs ${crbCpu.toFixed(1)} s), restore ${restoreCpu.toFixed(1)} s (user+system of the broker process; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)})`);
    console.log(`machine  raw pg_dump keeps ${(rawBusy / median(t.raw)).toFixed(2)} of ${cores} cores busy (${rawBusy.toFixed(1)} CPU-s); a copy takes ${copyBusy.toFixed(1)} CPU-s of the machine (medians), so with all ${cores} cores busy throughout it could reach at most ratio ${ratioBound.toFixed(2)}`);
    console.log(`peak RSS dsb-postgres    ${(rss / 1024 / 1024).toFixed(0)} MiB (VmHWM; target < 150 MiB) ${ok(rss < 150 * 1024 * 1024)}   (crb-fs ${(crbRss / 1024 / 1024).toFixed(0)} MiB)`);
    console.log('');
  } finally {
    log('cleaning up…');
    await removeDsbInstances(api, created);
    await sql(ADMIN, `DROP DATABASE IF EXISTS ${rawDb} WITH (FORCE)`).catch(() => undefined);
    await Promise.all([dsb.stop(), crb.stop()]);
    for (const d of [dumpDir, crb.dataDir, dsb.dataDir]) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
