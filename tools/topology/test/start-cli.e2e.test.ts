import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@ocopea/testing';

// `pnpm start` (the built CLI, as real processes) cannot lie: a second one while a first runs fails at once and
// touches nothing of the first; a service that dies stops the topology with a non-zero exit.

const CLI = path.join(REPO_ROOT, 'tools/topology/dist/start-cli.js');
/** Offsets of the fixed plan from its base (site-a 0-5, the Hub 10, site-b 100-105); dsb-postgres (3) too, if it runs. */
const OFFSETS = [0, 2, 3, 4, 5, 10, 100, 102, 103, 104, 105];

const canListen = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.createServer();
  s.once('error', () => resolve(false));
  s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
});

async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + 10 * Math.floor(Math.random() * 3000);
    if ((await Promise.all(OFFSETS.map((o) => canListen(base + o)))).every(Boolean)) return base;
  }
}

interface Cli { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> }

function cli(env: Record<string, string>): Cli {
  const child = spawn(process.execPath, [CLI], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function until<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The pid listening on 127.0.0.1:`port` (ss -p). */
function listener(port: number): number {
  const line = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(line);
  if (!m) throw new Error(`nobody listens on ${port}: ${line}`);
  return Number(m[1]);
}

const instanceAt = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { instance: string }).instance;

describe('pnpm start (the built CLI, real processes)', () => {
  let base: number;
  let dataRoot: string;
  let first: Cli;

  beforeAll(async () => {
    base = await freeBase();
    dataRoot = mkdtempSync(path.join(os.tmpdir(), 'ocopea-start-cli-'));
    first = cli({ OCOPEA_TOPOLOGY_PORTS: String(base), OCOPEA_TOPOLOGY_DATA: dataRoot });
    await Promise.race([
      until('the first topology to be ready', () => (/\nReady in /.test(first.out()) ? true : undefined), 280_000),
      first.exited.then((code) => { throw new Error(`the first topology exited ${code}:\n${first.out()}\n${first.err()}`); }),
    ]);
  }, 300_000);

  afterAll(async () => {
    if (first && first.child.exitCode === null) { first.child.kill('SIGTERM'); await first.exited; }
    rmSync(dataRoot, { recursive: true, force: true });
  }, 60_000);

  it('a second one on the same ports fails at once with one line naming the ports and OCOPEA_TOPOLOGY_PORTS=free; the first is untouched', async () => {
    const hubPort = base + 10;
    const before = { hub: await instanceAt(hubPort), crb: await instanceAt(base + 2), hubPid: listener(hubPort) };
    const hubLock = () => JSON.parse(readFileSync(path.join(dataRoot, 'hub/hub/db/ocopea.lock'), 'utf8')).pid;
    expect(hubLock()).toBe(before.hubPid);

    const t0 = Date.now();
    const second = cli({ OCOPEA_TOPOLOGY_PORTS: String(base), OCOPEA_TOPOLOGY_DATA: dataRoot });
    expect(await second.exited).toBe(1);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const lines = second.err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^pnpm start failed: ports ${base} \\(site-a site\\), ${base + 2} \\(site-a crb-fs\\), .*${hubPort} \\(hub\\), .* are in use, `
      + 'by another Ocopea topology or another program: stop it, or start this one on free ports with OCOPEA_TOPOLOGY_PORTS=free '
      + `and a data root of its own \\(OCOPEA_TOPOLOGY_DATA=<dir>; ${dataRoot} is the running one's\\)$`));
    expect(second.out()).not.toMatch(/Ready|site-a:|hub:/);

    // On free ports but the same data root: refused too, naming the process that runs it.
    const third = cli({ OCOPEA_TOPOLOGY_PORTS: 'free', OCOPEA_TOPOLOGY_DATA: dataRoot });
    expect(await third.exited).toBe(1);
    expect(third.err().trimEnd().split('\n')).toEqual([`pnpm start failed: the topology in ${dataRoot} is in use by process ${first.child.pid}: stop that process first `
      + 'or give this one a data root of its own (OCOPEA_TOPOLOGY_DATA=<dir>) and free ports (OCOPEA_TOPOLOGY_PORTS=free)']);

    // The first one: the same processes answer, its Hub still holds its database, and it is still running.
    expect({ hub: await instanceAt(hubPort), crb: await instanceAt(base + 2), hubPid: listener(hubPort) }).toEqual(before);
    expect(hubLock()).toBe(before.hubPid);
    expect(first.child.exitCode).toBeNull();
  }, 60_000);

  it('a service that dies is reported, and the rest is stopped with exit code 1', async () => {
    const crb = listener(base + 2);
    process.kill(crb, 'SIGKILL');
    expect(await first.exited).toBe(1);
    expect(first.err()).toContain(`site-a crb-fs was killed (SIGKILL); its log: ${path.join(dataRoot, 'site-a/crb-fs.log')}`);
    expect(first.err()).toContain('The topology is incomplete: stopping it.');
    expect(first.out()).toMatch(/Stopping \.\.\.\nStopped\.\n$/);
    const open = await Promise.all(OFFSETS.map(async (o) => ({ port: base + o, free: await canListen(base + o) })));
    expect(open.filter((p) => !p.free)).toEqual([]);
  }, 120_000);
});
