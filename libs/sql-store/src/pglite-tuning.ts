// How the embedded store (PGlite) is started, tuned for a control plane's small tables. Measured with
// `pnpm bench:control-plane` (d) and a bare PGlite (0.5.16) on this machine's Node 20:
//   fresh cluster opened in-process            775 MiB RSS (the wasm memory initdb grew is never given back)
//   existing cluster, PGlite's defaults         339 MiB
//   + shared_buffers 8MB, wal_buffers 256kB      216 MiB
//   + node --liftoff-only                        137 MiB (the services' ocopea.runtime.nodeFlags)
// and an indexed lookup costs 0.38 ms with --liftoff-only against 0.57 ms without (V8's optimising wasm tier
// compiles a large module in the background and never catches up on short-lived queries).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite's own start parameters (its `defaultStartParams`, 0.5.16), then ours: Postgres's default shared_buffers
 * (128MB) and wal_buffers are sized for a server; a Site's or Hub's tables hold a few thousand rows.
 */
export const PGLITE_START_PARAMS = [
  '--single', '-F', '-O', '-j', '-c', 'search_path=public', '-c', 'exit_on_error=false', '-c', 'log_checkpoints=false',
  '-c', 'max_worker_processes=0', '-c', 'max_parallel_workers=0', '-c', 'max_parallel_workers_per_gather=0',
  '-c', 'io_method=sync', '-c', 'max_parallel_maintenance_workers=0',
  '-c', 'shared_buffers=8MB', '-c', 'wal_buffers=256kB',
];

/** Whether `dir` holds a PGlite cluster already. */
export function hasCluster(dir: string): boolean {
  return existsSync(path.join(dir, 'PG_VERSION'));
}

/**
 * Creates the cluster in `dir` in a short-lived child process: initdb grows the wasm memory to ~775 MiB, and a
 * process never gets wasm memory back, so doing it in the service's own process would keep that for its life.
 * The child builds it in a sibling folder, then its files move in with PG_VERSION last: a crash half-way leaves
 * no PG_VERSION, so the next start builds it again instead of opening half a cluster.
 */
export async function initClusterOutOfProcess(dir: string): Promise<void> {
  const tmp = `${dir}.initdb`;
  rmSync(tmp, { recursive: true, force: true });
  await runInitdb(tmp);
  const names = readdirSync(tmp).filter((n) => n !== 'PG_VERSION');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const n of names) {
    rmSync(path.join(dir, n), { recursive: true, force: true }); // what an earlier, interrupted start left
    renameSync(path.join(tmp, n), path.join(dir, n));
  }
  renameSync(path.join(tmp, 'PG_VERSION'), path.join(dir, 'PG_VERSION'));
  rmSync(tmp, { recursive: true, force: true });
}

function runInitdb(dir: string): Promise<void> {
  const entry = require.resolve('@electric-sql/pglite');
  const script = `
    const { PGlite } = require(${JSON.stringify(entry)});
    (async () => {
      const db = new PGlite(${JSON.stringify(dir)}, { startParams: ${JSON.stringify(PGLITE_START_PARAMS)} });
      await db.waitReady;
      await db.close();
    })().catch((err) => { console.error(err && err.stack || String(err)); process.exit(1); });`;
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--liftoff-only', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`creating the embedded database in ${dir} failed (exit ${code}): ${err.trim()}`))));
  });
}
