// pnpm bench:dsb-mariadb — copy and restore throughput of dsb-mariadb through crb-fs, next to raw mariadb-dump and
// raw `mariadb < dump`, and the broker's peak RSS.
//
// Generates a database of BENCH_DSB_SIZE_MB (default 1100 MB, > 1 GiB: DATA_LENGTH + INDEX_LENGTH) inside a
// dsb-mariadb instance, then runs BENCH_ROUNDS (default 3) interleaved rounds, each of:
//   raw dump     mariadb-dump (the DSB's flags) > /dev/null
//   DSB copy     POST /service_instances/{id}/copy: mariadb-dump streamed through the DSB into crb-fs (on disk)
//   raw restore  mariadb < the dump (a local file) into an empty database
//   DSB restore  POST /service_instances with restoreInfo until RUNNING: crb-fs -> DSB -> mariadb
// Targets, on the medians of the per-round ratios: copy >= 0.8x raw dump, restore >= 0.8x raw restore; DSB peak RSS
// (VmHWM) < 150 MiB. Services run from their build as every start runs them, authenticated, the DSB reaching crb-fs through
// scoped grants minted before each timed step. Every timed step starts after `sync`. Everything made is removed.
// Env: BENCH_DSB_SIZE_MB, BENCH_ROUNDS, BENCH_MARIADB_URL (admin, default mysql://root@127.0.0.1:3306).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { cpuSeconds, median, quiesce, removeDsbInstances, requireTestMariadb, scopedCrbUrl, startService, timeTool, vmHwm } from '@ocopea/testing';

const ADMIN = new URL(process.env.BENCH_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306');
const SIZE_MB = Number(process.env.BENCH_DSB_SIZE_MB ?? 1100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TAG = `b${Date.now().toString(36)}`;
const MB = 1e6;
const DUMP_FLAGS = ['--single-transaction', '--routines', '--triggers', '--hex-blob', '--no-tablespaces', '--default-character-set=utf8mb4', '--skip-comments'];

const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const admin = { host: ADMIN.hostname || '127.0.0.1', port: Number(ADMIN.port || 3306), user: decodeURIComponent(ADMIN.username) || 'root', password: decodeURIComponent(ADMIN.password) };
const conn = (database?: string) => mysql.createConnection({ ...admin, password: admin.password || undefined, database });
async function sql<T = Record<string, unknown>>(q: string, params: unknown[] = [], database?: string): Promise<T[]> {
  const c = await conn(database);
  try { return (await c.query(q, params))[0] as T[]; } finally { await c.end(); }
}
const toolArgs = () => ['--no-defaults', '--protocol=TCP', `--host=${admin.host}`, `--port=${admin.port}`, `--user=${admin.user}`];
const toolEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ...(admin.password ? { MYSQL_PWD: admin.password } : {}) });

async function main() {
  await requireTestMariadb(ADMIN.toString());
  log(`dsb-mariadb bench: target database size ${SIZE_MB} MB (BENCH_DSB_SIZE_MB), ${ROUNDS} rounds (BENCH_ROUNDS), tag ${TAG}`);
  const [crb, dsb] = await Promise.all([
    startService({ service: 'crb-fs', env: { LOG_LEVEL: 'warn', SERVICE_LOG_LEVEL: 'warn' } }),
    startService({ service: 'dsb-mariadb', env: { DSB_MARIADB_ADMIN_URL: ADMIN.toString(), DSB_MARIADB_DB_PREFIX: `${TAG}_`, LOG_LEVEL: 'warn' } }),
  ]);
  log(`services as every start runs them: crb-fs \`${crb.command}\`, dsb-mariadb \`${dsb.command}\``);
  const dumpDir = mkdtempSync(path.join(os.tmpdir(), 'ocopea-dsb-mariadb-bench-'));
  const created: string[] = [];
  const rawDbs: string[] = [];
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${dsb.url}${p}`, { method, headers: { ...dsb.headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const waitState = async (id: string, want: string | null) => {
    for (;;) {
      const r = await api('GET', `/service_instances/${id}`);
      if (want === null ? r.status === 404 : r.body?.state === want) return r.body;
      if (r.body?.state === 'ERROR' || (want !== null && r.status !== 200)) throw new Error(`${id}: ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  const remove = async (id: string) => { await api('DELETE', `/service_instances/${id}`); await waitState(id, null); };
  const deleteCopy = async (copyId: string) => { await fetch(`${crb.url}/copies/${copyId}`, { method: 'DELETE', headers: crb.headers }); };
  try {
    // 1. the source instance and its data: one InnoDB table of text and numbers, filled through the SEQUENCE engine
    const src = `${TAG}-src`;
    created.push(src);
    await api('POST', '/service_instances', { instanceId: src, instanceSettings: {} });
    const db: string = (await waitState(src, 'RUNNING')).binding.database;
    log('generating data…');
    await sql('CREATE TABLE big (id BIGINT PRIMARY KEY, k INT NOT NULL, a VARCHAR(96) NOT NULL, b VARCHAR(64) NOT NULL, x DOUBLE NOT NULL, KEY (k)) ENGINE=InnoDB', [], db);
    const step = 500_000;
    let rows = 0;
    const size = async () => {
      await sql('ANALYZE TABLE big', [], db);
      return Number((await sql<{ s: string }>('SELECT CAST(SUM(DATA_LENGTH + INDEX_LENGTH) AS CHAR) AS s FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [db]))[0].s);
    };
    while (await size() < SIZE_MB * MB) {
      await sql(`INSERT INTO big SELECT seq, (seq * 7919) % 100000, CONCAT(MD5(seq), MD5(seq + 1), MD5(seq * 3)), CONCAT(MD5(RAND()), MD5(RAND())), RAND() FROM seq_${rows + 1}_to_${rows + step}`, [], db);
      rows += step;
    }
    const dbSize = await size();
    log(`database ${db}: ${rows} rows, ${(dbSize / MB).toFixed(0)} MB (DATA_LENGTH + INDEX_LENGTH)`);
    const dumpFile = path.join(dumpDir, 'bench.sql');
    await timeTool('mariadb-dump', [...toolArgs(), ...DUMP_FLAGS, db], { env: toolEnv(), out: dumpFile });
    const dumpBytes = statSync(dumpFile).size;
    log(`dump ${(dumpBytes / MB).toFixed(0)} MB`);

    const warm = await api('POST', `/service_instances/${src}/copy`, { copyId: `${TAG}-warm`, copyRepoProtocol: 'shpanRest', copyRepoCredentials: { url: await scopedCrbUrl(crb, { access: 'write', copyId: `${TAG}-warm`, repoId: 'default' }), repoId: 'default' } });
    if (warm.status !== 200) throw new Error(`warm-up copy failed: ${JSON.stringify(warm.body)}`);
    await deleteCopy(`${TAG}-warm`);
    log('warm-up copy done (not counted)');

    const t = { raw: [] as number[], copy: [] as number[], rawRestore: [] as number[], restore: [] as number[], copyCpu: [] as number[], restoreCpu: [] as number[] };
    for (let round = 1; round <= ROUNDS; round++) {
      await quiesce();
      t.raw.push(await timeTool('mariadb-dump', [...toolArgs(), ...DUMP_FLAGS, db], { env: toolEnv() }));

      const copyId = `${TAG}-copy-${round}`;
      const url = await scopedCrbUrl(crb, { access: 'write', copyId, repoId: 'default' });
      await quiesce();
      let cpu0 = cpuSeconds(dsb.child.pid!);
      let t0 = Date.now();
      const copy = await api('POST', `/service_instances/${src}/copy`, { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: 'default' }, copyType: 'shpanCopy' });
      t.copy.push((Date.now() - t0) / 1000);
      t.copyCpu.push(cpuSeconds(dsb.child.pid!) - cpu0);
      if (copy.status !== 200) throw new Error(`copy failed: ${JSON.stringify(copy.body)}`);

      const rawDb = `${TAG}_raw_${round}`;
      rawDbs.push(rawDb);
      await sql(`CREATE DATABASE \`${rawDb}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await quiesce();
      t.rawRestore.push(await timeTool('mariadb', [...toolArgs(), '--binary-mode', '--default-character-set=utf8mb4', rawDb], { env: toolEnv(), input: dumpFile }));
      await sql(`DROP DATABASE \`${rawDb}\``);

      const dst = `${TAG}-dst-${round}`;
      created.push(dst);
      const readUrl = await scopedCrbUrl(crb, { access: 'read', copyId });
      await quiesce();
      cpu0 = cpuSeconds(dsb.child.pid!);
      t0 = Date.now();
      const r = await api('POST', '/service_instances', { instanceId: dst, instanceSettings: {}, restoreInfo: { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url: readUrl, repoId: 'default' } } });
      if (r.status !== 200) throw new Error(`restore request failed: ${JSON.stringify(r.body)}`);
      const dstInfo = await waitState(dst, 'RUNNING');
      t.restore.push((Date.now() - t0) / 1000);
      t.restoreCpu.push(cpuSeconds(dsb.child.pid!) - cpu0);
      const [{ n }] = await sql<{ n: number }>('SELECT COUNT(*) AS n FROM big', [], dstInfo.binding.database);
      if (Number(n) !== rows) throw new Error(`restored ${n} rows, expected ${rows}`);
      await remove(dst);
      await deleteCopy(copyId);
      log(`round ${round}: raw dump ${t.raw.at(-1)!.toFixed(1)} s, DSB copy ${t.copy.at(-1)!.toFixed(1)} s (ratio ${(t.raw.at(-1)! / t.copy.at(-1)!).toFixed(2)}, ${copy.body.size} bytes, ${copy.body.checksum}); raw restore ${t.rawRestore.at(-1)!.toFixed(1)} s, DSB restore ${t.restore.at(-1)!.toFixed(1)} s (ratio ${(t.rawRestore.at(-1)! / t.restore.at(-1)!).toFixed(2)}, ${n} rows verified)`);
    }

    const rss = vmHwm(dsb.child.pid!);
    const copyRatio = median(t.raw.map((r, i) => r / t.copy[i]));
    const restoreRatio = median(t.rawRestore.map((r, i) => r / t.restore[i]));
    const mbps = (s: number) => (dumpBytes / MB / s).toFixed(1).padStart(6);
    const ok = (b: boolean) => (b ? 'PASS' : 'FAIL');
    console.log('');
    console.log(`database ${(dbSize / MB).toFixed(0)} MB (${rows} rows), dump ${(dumpBytes / MB).toFixed(0)} MB; ${ROUNDS} interleaved rounds, medians; MB = 10^6 bytes; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} (a shared machine: figures swing run to run)`);
    console.log(`copy     DSB -> crb-fs ${mbps(median(t.copy))} MB/s   raw mariadb-dump > /dev/null ${mbps(median(t.raw))} MB/s   median ratio ${copyRatio.toFixed(2)} (target >= 0.80) ${ok(copyRatio >= 0.8)}`);
    console.log(`restore  crb-fs -> DSB ${mbps(median(t.restore))} MB/s   raw mariadb < dump        ${mbps(median(t.rawRestore))} MB/s   median ratio ${restoreRatio.toFixed(2)} (target >= 0.80) ${ok(restoreRatio >= 0.8)}`);
    console.log(`DSB CPU  copy ${median(t.copyCpu).toFixed(1)} s, restore ${median(t.restoreCpu).toFixed(1)} s (medians, user+system of the broker)`);
    console.log(`peak RSS dsb-mariadb ${(rss / 1024 / 1024).toFixed(0)} MiB (VmHWM; target < 150 MiB) ${ok(rss < 150 * 1024 * 1024)}`);
    console.log('');
  } finally {
    log('cleaning up…');
    await removeDsbInstances(api, created);
    for (const d of rawDbs) await sql(`DROP DATABASE IF EXISTS \`${d}\``).catch(() => undefined);
    await Promise.all([dsb.stop(), crb.stop()]);
    for (const d of [dumpDir, crb.dataDir, dsb.dataDir]) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
