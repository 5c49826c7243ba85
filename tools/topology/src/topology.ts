import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { siteClient, hubClient } from '@ocopea/api';
import { UpstreamError } from '@ocopea/errors';
import { DirectoryInUseError, lockDirectory, type LockedThing } from '@ocopea/sql-store';
import { freePort, mariadbAnswers, PortInUseError, startService, type StartedService } from '@ocopea/testing';

/** The brokers and Site of one location. */
export interface SiteTopology {
  name: string;
  siteUrl: string;
  crbUrl: string;
  dsbFsUrl: string;
  dsbPostgresUrl?: string;
  dsbMariadbUrl?: string;
  psbUrl: string;
  /** Hub id of the site, once added. */
  hubSiteId?: string;
  /** The Site's admin token, and the file that holds it (0600). */
  siteToken: string;
  siteTokenFile: string;
}

/** A running local topology. */
export interface Topology {
  hubUrl: string;
  /** The Hub's admin token, and the file that holds it (0600): what a user of this topology signs in with. */
  hubToken: string;
  hubTokenFile: string;
  sites: SiteTopology[];
  services: StartedService[];
  postgres: boolean;
  /** Whether dsb-mariadb runs (a MariaDB/MySQL server answered). */
  mariadb: boolean;
  /**
   * Resolves when a service exits that `stop` did not stop (a crash, a kill): the topology is no longer what it
   * claimed to be. Never resolves otherwise.
   */
  died: Promise<ServiceDeath>;
  /** SIGTERM every service (Hub first, brokers last) and wait for them. */
  stop(): Promise<void>;
}

/** A service of the topology that exited on its own. */
export interface ServiceDeath {
  /** `site-a crb-fs`, `hub hub` */
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  logFile: string;
  /** The last lines it wrote. */
  lastLines: string[];
}

/** Ports of the topology are taken by another process: nothing was started. */
export class TopologyPortsInUseError extends Error {
  /** `rootInUse`: the data root is another running topology's too (then a second one needs a root of its own). */
  constructor(readonly inUse: { name: string; port: number }[], rootInUse?: string) {
    super(`port${inUse.length > 1 ? 's' : ''} ${inUse.map((u) => `${u.port} (${u.name})`).join(', ')} ${inUse.length > 1 ? 'are' : 'is'} in use, `
      + 'by another Ocopea topology or another program: stop it, or start this one on free ports with OCOPEA_TOPOLOGY_PORTS=free'
      + (rootInUse ? ` and a data root of its own (OCOPEA_TOPOLOGY_DATA=<dir>; ${rootInUse} is the running one's)` : ''));
  }
}

/** The lock a running topology holds on its data root. */
const TOPOLOGY_ROOT: LockedThing = {
  what: 'the topology', state: 'in use', advice: 'or give this one a data root of its own (OCOPEA_TOPOLOGY_DATA=<dir>) and free ports (OCOPEA_TOPOLOGY_PORTS=free)',
};

/** How to run it. */
export interface TopologyOptions {
  /** Root of every service's state (default `.data/topology`). Reused across runs; one running topology at a time. */
  dataRoot?: string;
  /**
   * `fixed`: the documented ports (Hub 8090; site-a 8080-8085 and 8087; site-b 8180-8185 and 8187). A number: the same plan moved to
   * start there instead of 8080. `free`: any free ports (tests). Planned ports are checked before anything starts.
   */
  ports?: 'fixed' | 'free' | number;
  /** Include dsb-postgres: `auto` (default) when a PostgreSQL server answers at the admin URL. */
  postgres?: boolean | 'auto';
  /** Admin URL for dsb-postgres (default postgres://postgres@127.0.0.1:5432/postgres). */
  postgresAdminUrl?: string;
  /** Include dsb-mariadb: `auto` (default) when a MariaDB/MySQL server answers at its admin URL. */
  mariadb?: boolean | 'auto';
  /** Admin URL for dsb-mariadb (default mysql://root@127.0.0.1:3306). */
  mariadbAdminUrl?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  siteNames?: string[];
}

/** URNs under which the brokers are registered on every Site (the demo template relies on them). */
export const URNS = { crb: 'crb-fs', dsbFs: 'dsb-fs', dsbPostgres: 'dsb-postgres', dsbMariadb: 'dsb-mariadb', psb: 'psb-process', artifactRegistry: 'local-artifacts' } as const;

const ROOT = path.resolve(__dirname, '../../..');

/**
 * Who runs the apps and who owns their volumes, the same user on both brokers. Only when running as root (as a
 * non-root user the PSB runs apps as itself and dsb-fs leaves volumes to itself): `PSB_PROCESS_RUN_AS` and
 * `DSB_FS_VOLUME_OWNER` as set, the one that is unset taking the other's value, both `nobody` when neither is set.
 */
export function appUserEnv(env: NodeJS.ProcessEnv = process.env, isRoot = process.getuid?.() === 0): { psb: Record<string, string>; dsbFs: Record<string, string> } {
  if (!isRoot) return { psb: {}, dsbFs: {} };
  const user = env.PSB_PROCESS_RUN_AS || env.DSB_FS_VOLUME_OWNER || 'nobody';
  return { psb: { PSB_PROCESS_RUN_AS: env.PSB_PROCESS_RUN_AS || user }, dsbFs: { DSB_FS_VOLUME_OWNER: env.DSB_FS_VOLUME_OWNER || user } };
}

/** Adds the search bit for others to `dir` (never removes a bit), so the app user can pass through to its volumes. */
function passable(dir: string): void {
  const mode = statSync(dir).mode & 0o7777;
  if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
}
const PORTS = { hub: 8090, site: 8080, crb: 8082, dsbPostgres: 8083, dsbFs: 8084, psb: 8085, dsbMariadb: 8087 } as const;
/** Port of `service` at `site` (index `i`) in the fixed plan starting at `base`. */
const planned = (base: number, key: keyof typeof PORTS, i: number) => PORTS[key] - PORTS.site + base + (key === 'hub' ? 0 : i * 100);

/**
 * Boots the Hub and two Sites (`site-a`, `site-b`), each with crb-fs, dsb-fs and psb-process (and dsb-mariadb when
 * MariaDB/MySQL is reachable, dsb-postgres when
 * PostgreSQL is reachable), registers the brokers on their Site and both Sites on the Hub. Everything is a real
 * child process talking real HTTP. Idempotent against existing state: re-registering replaces, a known site is kept.
 */
export async function startTopology(o: TopologyOptions = {}): Promise<Topology> {
  const log = o.log ?? (() => undefined);
  const dataRoot = path.resolve(o.dataRoot ?? path.join(ROOT, '.data/topology'));
  const adminUrl = o.postgresAdminUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const postgres = o.postgres === 'auto' || o.postgres === undefined ? await reachable(adminUrl) : o.postgres;
  const mariadbUrl = o.mariadbAdminUrl ?? 'mysql://root@127.0.0.1:3306';
  const mariadb = o.mariadb === 'auto' || o.mariadb === undefined ? await mariadbAnswers(mariadbUrl, 2000) : o.mariadb;
  const services: StartedService[] = [];
  const appUser = appUserEnv();
  const names = o.siteNames ?? ['site-a', 'site-b'];
  const base = o.ports === 'free' ? undefined : typeof o.ports === 'number' ? o.ports : PORTS.site;
  const port = async (key: keyof typeof PORTS, i = 0) => (base === undefined ? freePort() : planned(base, key, i));
  const unlockRoot = await claim(dataRoot, base === undefined ? [] : portPlan(base, names, postgres, mariadb));
  // Every service runs authenticated with an admin token of its own, kept 0600 under the data root and reused by
  // later runs; the Sites get their brokers' tokens at registration, the Hub its Sites' tokens with add-site.
  const tokensDir = path.join(dataRoot, 'tokens');
  mkdirSync(tokensDir, { recursive: true, mode: 0o700 });
  chmodSync(tokensDir, 0o700);
  let stopping = false;
  let reportDeath!: (d: ServiceDeath) => void;
  const died = new Promise<ServiceDeath>((r) => { reportDeath = r; });
  const start = async (service: string, site: string, p: number, env: Record<string, string> = {}) => {
    const dataDir = path.join(dataRoot, site, service);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Apps of a root PSB run as another user, who must reach the dsb-fs volumes below (the data dirs themselves stay
    // closed; dsb-fs opens its own to the volume owner's group only): search, not read, for others on the way there.
    if (service === 'dsb-fs' && process.getuid?.() === 0) for (const d of [dataRoot, path.join(dataRoot, site)]) passable(d);
    const tokenFile = path.join(tokensDir, `${site === 'hub' ? 'hub' : `${site}-${service}`}.token`);
    // As `pnpm start` of the package runs it, from what `pnpm build` made (a stale build is refused, not rebuilt).
    const s = await startService({ service, dataDir, port: p, env: { ...env, OCOPEA_ADMIN_TOKEN: tokenOf(tokenFile) }, rebuild: false })
      .catch((err: unknown) => { throw err instanceof PortInUseError ? new TopologyPortsInUseError([{ name: `${site} ${service}`, port: p }]) : err; });
    services.push(s);
    void s.exited.then(({ code, signal }) => {
      if (stopping) return;
      reportDeath({ name: `${site} ${service}`, code, signal, logFile: s.logFile, lastLines: s.logs().trimEnd().split('\n').slice(-5) });
    });
    log(`  ${site.padEnd(6)} ${service.padEnd(13)} ${s.url.padEnd(36)} docs ${s.origin}/docs`);
    return s;
  };
  const stop = async () => {
    stopping = true;
    for (const s of [...services].reverse()) await s.stop().catch(() => undefined);
    unlockRoot();
  };

  const boot = async (): Promise<Topology> => {
    const sites: SiteTopology[] = [];
    for (const [i, name] of names.entries()) {
      log(`${name}:`);
      const crb = await start('crb-fs', name, await port('crb', i));
      const dsbFs = await start('dsb-fs', name, await port('dsbFs', i), appUser.dsbFs);
      const dsbPg = postgres ? await start('dsb-postgres', name, await port('dsbPostgres', i), { DSB_POSTGRES_ADMIN_URL: adminUrl, DSB_POSTGRES_DB_PREFIX: `ocopea_${name.replace(/\W/g, '_')}_` }) : undefined;
      const dsbMaria = mariadb ? await start('dsb-mariadb', name, await port('dsbMariadb', i), { DSB_MARIADB_ADMIN_URL: mariadbUrl, DSB_MARIADB_DB_PREFIX: `o_${name.replace(/\W/g, '_')}_` }) : undefined;
      // Ctrl-C must stop the apps too: psb-process leaves children running on exit unless told otherwise.
      const psb = await start('psb-process', name, await port('psb', i), { PSB_PROCESS_STOP_CHILDREN_ON_EXIT: '1', ...appUser.psb });
      const site = await start('site', name, await port('site', i), { OCOPEA_SITE_NAME: name, OCOPEA_SITE_LOCATION: JSON.stringify({ name, latitude: 0, longitude: i, properties: {} }) });
      const sc = siteClient(site.url, { headers: site.headers });
      await sc.post('/site/commands/register-crb', { body: { crbUrn: URNS.crb, crbUrl: crb.url, token: crb.token } });
      await sc.post('/site/commands/register-dsb', { body: { dsbUrn: URNS.dsbFs, dsbUrl: dsbFs.url, token: dsbFs.token } });
      if (dsbPg) await sc.post('/site/commands/register-dsb', { body: { dsbUrn: URNS.dsbPostgres, dsbUrl: dsbPg.url, token: dsbPg.token } });
      if (dsbMaria) await sc.post('/site/commands/register-dsb', { body: { dsbUrn: URNS.dsbMariadb, dsbUrl: dsbMaria.url, token: dsbMaria.token } });
      await sc.post('/site/commands/register-psb', { body: { psbUrn: URNS.psb, psbUrl: psb.url, token: psb.token } });
      await sc.post('/site/commands/add-custom-artifact-registry', { body: { name: URNS.artifactRegistry, url: `file://${path.join(ROOT, 'examples')}` } });
      sites.push({ name, siteUrl: site.url, crbUrl: crb.url, dsbFsUrl: dsbFs.url, dsbPostgresUrl: dsbPg?.url, dsbMariadbUrl: dsbMaria?.url, psbUrl: psb.url, siteToken: site.token, siteTokenFile: path.join(tokensDir, `${name}-site.token`) });
    }
    log('hub:');
    const hub = await start('hub', 'hub', await port('hub'));
    const hc = hubClient(hub.url, { headers: hub.headers });
    for (const s of sites) {
      try {
        const res = await hc.post('/commands/add-site', { body: { urn: s.name, url: s.siteUrl, token: s.siteToken } });
        s.hubSiteId = String(res.data);
      } catch (err) {
        if (!(err instanceof UpstreamError && err.isConflict)) throw err;
      }
    }
    const listed = (await hc.get('/site')).data as { id: string; urn: string }[];
    for (const s of sites) s.hubSiteId ??= listed.find((x) => x.urn === s.name)?.id;
    return { hubUrl: hub.url, hubToken: hub.token, hubTokenFile: path.join(tokensDir, 'hub.token'), sites, services, postgres, mariadb, died, stop };
  };
  try {
    // A service dying while the others start fails the start, whatever step it is at.
    return await Promise.race([boot(), died.then((d) => { throw new Error(describeDeath(d)); })]);
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One line on a service that died, and the last lines of its log. */
export function describeDeath(d: ServiceDeath): string {
  const how = d.signal ? `was killed (${d.signal})` : `exited with code ${d.code}`;
  return `${d.name} ${how}; its log: ${d.logFile}${d.lastLines.length ? `\n    ${d.lastLines.join('\n    ')}` : ''}`;
}

/**
 * Takes the data root and checks the planned ports before anything starts; returns what releases the root. Fails
 * naming every planned port another process holds (a second topology's services would die at once, and its checks
 * would reach the first's), or the process that runs a topology on this data root (its services would share their
 * state directories with the running ones: copies, volumes, registries, apps).
 */
async function claim(dataRoot: string, plan: { name: string; port: number }[]): Promise<() => void> {
  mkdirSync(dataRoot, { recursive: true, mode: 0o700 });
  let unlock: (() => void) | undefined;
  let rootInUse: DirectoryInUseError | undefined;
  try { unlock = lockDirectory(dataRoot, TOPOLOGY_ROOT); } catch (err) {
    if (!(err instanceof DirectoryInUseError)) throw err;
    rootInUse = err;
  }
  const inUse = (await Promise.all(plan.map(async (p) => ((await canListen(p.port)) ? undefined : p)))).filter((p) => p !== undefined);
  if (inUse.length) {
    unlock?.();
    throw new TopologyPortsInUseError(inUse.sort((a, b) => a.port - b.port), rootInUse && dataRoot);
  }
  if (rootInUse) throw rootInUse;
  return unlock!;
}

/** Every port of the fixed plan starting at `base`, named by site and service. */
function portPlan(base: number, names: string[], postgres: boolean, mariadb: boolean): { name: string; port: number }[] {
  return [{ name: 'hub', port: planned(base, 'hub', 0) }, ...names.flatMap((site, i) => (['site', 'crb', 'dsbFs', ...(postgres ? ['dsbPostgres' as const] : []), ...(mariadb ? ['dsbMariadb' as const] : []), 'psb'] as const)
    .map((key) => ({ name: `${site} ${SERVICE_OF[key]}`, port: planned(base, key, i) })))];
}

const SERVICE_OF = { hub: 'hub', site: 'site', crb: 'crb-fs', dsbFs: 'dsb-fs', dsbPostgres: 'dsb-postgres', dsbMariadb: 'dsb-mariadb', psb: 'psb-process' } as const;

/** Whether a server could listen on 127.0.0.1:`port` now (where the services listen). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** The token in `file`, made (32 random bytes, 0600) if the file does not exist yet. */
function tokenOf(file: string): string {
  try { return readFileSync(file, 'utf8').trim(); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}

async function reachable(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try { await c.connect(); await c.query('select 1'); return true; } catch { return false; } finally { await c.end().catch(() => undefined); }
}
