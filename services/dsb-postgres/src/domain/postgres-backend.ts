import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import path from 'node:path';
import pg from 'pg';
import { ConflictError, UnavailableError } from '@ocopea/errors';
import { feedTool, findStdbuf, runTool, type Tool, type BrokerInfo, type DsbBackend, type DumpStream, type GoldenBackend, type InstanceRecord, type InstanceView } from '@ocopea/dsb-common';

/** What the broker keeps per instance (in its registry file, mode 0600). */
export interface PgInstance {
  database: string;
  role: string;
  password: string;
}

export interface PostgresBackendConfig {
  /** Superuser connection used to create databases and roles, and by pg_dump / pg_restore. */
  adminUrl: string;
  /** Host and port written into bindings (what applications connect to); default: the admin URL's. */
  publicHost?: string;
  publicPort?: number;
  /** Folder of pg_dump / pg_restore; default: PATH. */
  binDir?: string;
  /** pg_dump `--compress` level 0-9 (default 0: the CRB stores bytes as they come and compression costs CPU). */
  dumpCompression?: number;
  /** Prefix of database and role names (default `ocopea_`): give each broker sharing a server its own. */
  namePrefix?: string;
  /**
   * stdio buffer of pg_dump's output and pg_restore's input, as `stdbuf` takes it (default `1M`; `0`: none).
   * Why: both tools use C stdio, which on a pipe moves 4 KiB per system call; the broker then wakes once per 4 KiB
   * (measured: 4.5 CPU-s in the broker per GB copied; 1.9 with 1 MiB). Needs coreutils' `stdbuf` on PATH and
   * dynamically linked tools; without it the tools run as they are.
   */
  stdioBuffer?: string;
}

/** Where `stdbuf` is found (it moved to @ocopea/dsb-common, shared with dsb-mariadb). */
export { findStdbuf };

export const PG_NAME_PREFIX = 'ocopea_';

/** A name prefix must be a plain lower-case identifier start, short enough to leave room for the instance part. */
export function checkPgPrefix(prefix: string): string {
  if (!/^[a-z_][a-z0-9_]{0,29}$/.test(prefix)) throw new Error(`database name prefix '${prefix}' must match [a-z_][a-z0-9_]{0,29}`);
  return prefix;
}

/**
 * Database and role name for an instance id: the prefix (default `ocopea_`; brokers sharing one server need distinct
 * prefixes) + the id lower-cased with anything but [a-z0-9_] turned into `_` (truncated) + `_` + 8 hex digits of the
 * id's SHA-256, so distinct ids never collide and names stay within PostgreSQL's 63-byte limit. Always used quoted.
 */
export function pgNameFor(instanceId: string, prefix = PG_NAME_PREFIX): string {
  const base = instanceId.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, Math.min(40, 63 - 9 - prefix.length));
  const h = createHash('sha256').update(instanceId).digest('hex').slice(0, 8);
  return `${prefix}${base}_${h}`;
}

const ident = (s: string) => pg.escapeIdentifier(s);
const literal = (s: string) => pg.escapeLiteral(s);

const ICON = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="PostgreSQL">
<ellipse cx="32" cy="14" rx="22" ry="8" fill="#336791"/><path d="M10 14v36c0 4.4 9.8 8 22 8s22-3.6 22-8V14c0 4.4-9.8 8-22 8S10 18.4 10 14z" fill="#336791"/>
<path d="M10 26c0 4.4 9.8 8 22 8s22-3.6 22-8M10 38c0 4.4 9.8 8 22 8s22-3.6 22-8" fill="none" stroke="#fff" stroke-width="2"/></svg>
`);

/** Databases with a dedicated role each, on one PostgreSQL server; copies with pg_dump -Fc, restores with pg_restore. */
export class PostgresBackend implements DsbBackend<PgInstance>, GoldenBackend<PgInstance> {
  readonly name = 'dsb-postgres';
  readonly facility = 'pg_dump';
  private readonly pool: pg.Pool;
  private readonly admin: URL;
  private serverMajor: string | null = null;
  /** [stdbuf, size] when the tools' stdio is re-buffered. */
  private readonly stdbuf?: [string, string];

  constructor(private readonly cfg: PostgresBackendConfig) {
    if (cfg.namePrefix !== undefined) checkPgPrefix(cfg.namePrefix);
    this.admin = new URL(cfg.adminUrl);
    this.pool = new pg.Pool({ connectionString: cfg.adminUrl, max: 3, connectionTimeoutMillis: 5000, idleTimeoutMillis: 10_000 });
    this.pool.on('error', () => undefined); // an idle client lost its server: the next query reports it
    const size = cfg.stdioBuffer ?? '1M';
    if (!/^(0|[1-9][0-9]*[KMG]?)$/.test(size)) throw new Error(`stdio buffer '${size}' must be 0 or a size like 1M, 512K`);
    const stdbuf = size === '0' ? undefined : findStdbuf();
    if (stdbuf) this.stdbuf = [stdbuf, size];
  }

  /** Whether pg_dump / pg_restore run with a large stdio buffer (see `stdioBuffer`). */
  get stdioBuffered(): boolean { return this.stdbuf !== undefined; }

  /** Runs pg_dump or pg_restore, under `stdbuf` when configured (`stream`: which of its stdio to re-buffer). */
  private tool(name: 'pg_dump' | 'pg_restore', args: string[], stream: 'input' | 'output', database: string): Tool {
    const env = this.toolEnv(database);
    if (!this.stdbuf) return runTool(this.bin(name), args, { env, stdin: stream === 'input' ? 'pipe' : 'ignore' });
    const [stdbuf, size] = this.stdbuf;
    return runTool(stdbuf, [stream === 'input' ? `--input=${size}` : `--output=${size}`, this.bin(name), ...args], {
      env, stdin: stream === 'input' ? 'pipe' : 'ignore', label: name,
    });
  }

  private get host(): string { return this.cfg.publicHost ?? (decodeURIComponent(this.admin.hostname) || '127.0.0.1'); }
  private get port(): number { return this.cfg.publicPort ?? Number(this.admin.port || 5432); }
  private bin(tool: string): string { return this.cfg.binDir ? path.join(this.cfg.binDir, tool) : tool; }

  /** libpq environment for pg_dump / pg_restore: credentials by env, never on the command line. */
  private toolEnv(database: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('PG')) delete env[k];
    const q = this.admin.searchParams;
    env.PGHOST = q.get('host') ?? (decodeURIComponent(this.admin.hostname) || '127.0.0.1');
    env.PGPORT = this.admin.port || '5432';
    env.PGUSER = decodeURIComponent(this.admin.username) || 'postgres';
    if (this.admin.password) env.PGPASSWORD = decodeURIComponent(this.admin.password);
    if (q.get('sslmode')) env.PGSSLMODE = q.get('sslmode')!;
    env.PGDATABASE = database;
    env.PGAPPNAME = 'ocopea-dsb-postgres';
    return env;
  }

  private async query(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new UnavailableError(`postgres server ${this.admin.hostname}:${this.admin.port || 5432} unreachable: ${(err as Error).message}`, { cause: err });
    }
    try { return await client.query(sql, params); } finally { client.release(); }
  }

  async ping(): Promise<void> {
    const r = await this.query('SHOW server_version_num');
    this.serverMajor = String(Math.floor(Number(r.rows[0].server_version_num) / 10000));
  }

  async info(): Promise<BrokerInfo> {
    if (this.serverMajor === null) await this.ping().catch(() => undefined);
    return {
      name: 'postgres-dsb',
      type: 'postgres',
      description: 'PostgreSQL databases, each with its own role, on a shared server',
      plans: [{
        id: 'standard', name: 'Standard', description: 'One database and a dedicated login role on the shared server', price: 'free',
        protocols: [{ protocol: 'postgres', version: this.serverMajor, properties: {} }],
        dsbSettings: {},
      }],
    };
  }

  icon() { return { contentType: 'image/svg+xml' as const, body: ICON }; }

  prepare(instanceId: string): PgInstance {
    const name = pgNameFor(instanceId, this.cfg.namePrefix ?? PG_NAME_PREFIX);
    return { database: name, role: name, password: randomBytes(18).toString('base64url') };
  }

  /** A new instance never adopts (or changes the password of) a database or role that is already on the server. */
  async ensureFree(instanceId: string, extra: PgInstance): Promise<void> {
    const r = await this.query('SELECT (SELECT count(*) FROM pg_database WHERE datname = $1)::int AS dbs, (SELECT count(*) FROM pg_roles WHERE rolname = $2)::int AS roles', [extra.database, extra.role]);
    if (r.rows[0].dbs || r.rows[0].roles) {
      throw new ConflictError(`database or role '${extra.database}' for service instance '${instanceId}' already exists on the PostgreSQL server (left by another broker? give each broker its own DSB_POSTGRES_DB_PREFIX)`);
    }
  }

  /** The instance's login role, created or (an interrupted create, a reset) given its password again. */
  private async ensureRole(role: string, password: string): Promise<void> {
    const roles = await this.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    await this.query(`${roles.rowCount ? 'ALTER' : 'CREATE'} ROLE ${ident(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${literal(password)}`);
  }

  /** Only its own role (and superusers) may connect to an instance's database. */
  private async restrictTo(database: string, role: string): Promise<void> {
    await this.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
    await this.query(`GRANT ALL ON DATABASE ${ident(database)} TO ${ident(role)}`);
  }

  async create(rec: InstanceRecord<PgInstance>, openCopy: (() => Promise<Readable>) | undefined, signal: AbortSignal): Promise<void> {
    const { database, role, password } = rec.extra;
    await this.ensureRole(role, password);
    const dbs = await this.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!dbs.rowCount) await this.query(`CREATE DATABASE ${ident(database)} OWNER ${ident(role)} TEMPLATE template0 ENCODING 'UTF8'`);
    await this.restrictTo(database, role);
    if (!openCopy || signal.aborted) return;
    await this.restore(database, role, openCopy, signal);
  }

  /** pg_restore of a copy into `database`; objects are created as `role` (--role after connecting as admin), whatever owned them at dump time. */
  private async restore(database: string, role: string, openCopy: () => Promise<Readable>, signal: AbortSignal): Promise<void> {
    const source = await openCopy();
    const tool = this.tool('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', `--role=${role}`, `--dbname=${database}`], 'input', database);
    await feedTool(source, tool, signal);
  }

  // ---- golden copies (GoldenBackend) ----
  // A golden is a database `<prefix>g_<16 hex>` owned by the admin, which nobody may connect to once built
  // (ALLOW_CONNECTIONS false). Its objects belong to one NOLOGIN role, `<prefix>golden`, which owns no database: a
  // clone made with `CREATE DATABASE … TEMPLATE golden STRATEGY FILE_COPY` then gets them with `REASSIGN OWNED BY
  // <golden role> TO <instance role>` run inside the clone — which touches the clone's objects and the role's shared
  // objects (none), never the golden or another clone.

  private get prefix(): string { return this.cfg.namePrefix ?? PG_NAME_PREFIX; }
  private goldenDb(name: string): string { return `${this.prefix}${name}`; }
  private get goldenRole(): string { return `${this.prefix}golden`; }

  /** Runs `sql` as the admin inside `database` (a golden being built, a fresh clone). */
  private async inDatabase(database: string, sql: string): Promise<void> {
    const url = new URL(this.cfg.adminUrl);
    url.pathname = `/${encodeURIComponent(database)}`;
    const client = new pg.Client({ connectionString: url.href, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(sql);
    } catch (err) {
      throw new UnavailableError(`postgres server: ${sql.split(' ').slice(0, 2).join(' ')} in ${database} failed: ${(err as Error).message}`, { cause: err });
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async cloneMethod(): Promise<string> {
    // PostgreSQL 18 copies a template's files with reflinks (`file_copy_method = clone`) where the filesystem can:
    // then a clone takes the same time at any size. Before 18 the setting does not exist (NULL).
    const r = await this.query("SELECT current_setting('file_copy_method', true) AS m").catch(() => undefined);
    return r?.rows[0]?.m === 'clone' ? 'template-file-copy-clone' : 'template-file-copy';
  }

  async buildGolden(name: string, openCopy: () => Promise<Readable>, signal: AbortSignal): Promise<void> {
    const db = this.goldenDb(name);
    const role = this.goldenRole;
    const roles = await this.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (!roles.rowCount) await this.query(`CREATE ROLE ${ident(role)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`).catch(async (err) => {
      // Two first builds at once: the other one created it.
      if (!(await this.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount) throw err;
    });
    await this.query(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
    await this.query(`CREATE DATABASE ${ident(db)} TEMPLATE template0 ENCODING 'UTF8'`);
    await this.query(`REVOKE ALL ON DATABASE ${ident(db)} FROM PUBLIC`);
    await this.query(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${ident(db)} TO ${ident(role)}`);
    // The restore runs as the golden role, which must be able to create in `public` (owned by the database owner).
    await this.inDatabase(db, `ALTER SCHEMA public OWNER TO ${ident(role)}`);
    await this.restore(db, role, openCopy, signal);
    if (signal.aborted) throw new Error('aborted');
    // From now on nobody connects (superusers neither): the golden only changes by being dropped.
    await this.query(`ALTER DATABASE ${ident(db)} WITH ALLOW_CONNECTIONS false`);
  }

  async goldenIntact(name: string): Promise<boolean> {
    const r = await this.query(
      'SELECT d.datallowconn, (SELECT count(*) FROM pg_stat_activity a WHERE a.datid = d.oid)::int AS sessions FROM pg_database d WHERE d.datname = $1', [this.goldenDb(name)]);
    return r.rowCount === 1 && r.rows[0].datallowconn === false && r.rows[0].sessions === 0;
  }

  /**
   * Cuts the instance's database from golden `name`. The clone is made aside (`<prefix>s_<16 hex>`) and renamed into
   * place, so a reset replaces a live database in one step: the old one is closed to new sessions, its sessions
   * ended, renamed away (`<prefix>t_<16 hex>`) and dropped after the instance is back — the application waits for a
   * rename, not for a drop. Whatever a crash leaves aside is dropped by `sweepLeftovers` at the next start.
   */
  async cloneGolden(name: string, rec: InstanceRecord<PgInstance>): Promise<void> {
    const { database, role, password } = rec.extra;
    await this.ensureRole(role, password);
    const staging = this.asideName('s', database);
    await this.query(`DROP DATABASE IF EXISTS ${ident(staging)} WITH (FORCE)`);
    const strategy = Number(this.serverMajor ?? 15) >= 15 ? ' STRATEGY FILE_COPY' : ''; // before 15 it is the only way
    await this.query(`CREATE DATABASE ${ident(staging)} OWNER ${ident(role)} TEMPLATE ${ident(this.goldenDb(name))}${strategy}`);
    await this.restrictTo(staging, role); // before anything else: a new database lets PUBLIC connect
    await this.inDatabase(staging, `REASSIGN OWNED BY ${ident(this.goldenRole)} TO ${ident(role)}`);
    const old = await this.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    let trash: string | undefined;
    if (old.rowCount) {
      trash = this.asideName('t', `${database}\n${Date.now()}`);
      await this.query(`ALTER DATABASE ${ident(database)} WITH ALLOW_CONNECTIONS false`);
      await this.query('SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1', [database]);
      await this.query(`ALTER DATABASE ${ident(database)} RENAME TO ${ident(trash)}`);
    }
    await this.query(`ALTER DATABASE ${ident(staging)} RENAME TO ${ident(database)}`);
    if (trash) {
      const gone = trash;
      void this.query(`DROP DATABASE IF EXISTS ${ident(gone)} WITH (FORCE)`).catch(() => undefined); // else swept at the next start
    }
  }

  /** A database set aside by a clone: `<prefix><kind>_<16 hex>` (instance names end in `_<8 hex>`: never one of these). */
  private asideName(kind: 's' | 't', of: string): string {
    return `${this.prefix}${kind}_${createHash('sha256').update(of).digest('hex').slice(0, 16)}`;
  }

  /** Drops clones and replaced databases a crash left aside (see `cloneGolden`). Run once at start-up. */
  async sweepLeftovers(): Promise<string[]> {
    const r = await this.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [this.prefix]);
    const aside = new RegExp(`^${this.prefix}[st]_[0-9a-f]{16}$`);
    const names = r.rows.map((x) => x.datname as string).filter((n) => aside.test(n));
    for (const n of names) await this.query(`DROP DATABASE IF EXISTS ${ident(n)} WITH (FORCE)`);
    return names;
  }

  async dropGolden(name: string): Promise<void> {
    await this.query(`DROP DATABASE IF EXISTS ${ident(this.goldenDb(name))} WITH (FORCE)`);
  }

  async goldenSize(name: string): Promise<number> {
    const r = await this.query('SELECT pg_database_size(datname)::text AS size FROM pg_database WHERE datname = $1', [this.goldenDb(name)]);
    return r.rowCount ? Number(r.rows[0].size) : 0;
  }

  async discard(rec: InstanceRecord<PgInstance>): Promise<void> {
    await this.query(`DROP DATABASE IF EXISTS ${ident(rec.extra.database)} WITH (FORCE)`);
  }

  async remove(rec: InstanceRecord<PgInstance>): Promise<void> {
    await this.query(`DROP DATABASE IF EXISTS ${ident(rec.extra.database)} WITH (FORCE)`);
    await this.query(`DROP ROLE IF EXISTS ${ident(rec.extra.role)}`);
  }

  async describe(rec: InstanceRecord<PgInstance>): Promise<InstanceView> {
    const { database, role, password } = rec.extra;
    const host = this.host;
    const port = this.port;
    const hostInUri = host.includes(':') ? `[${host}]` : host;
    let size: number | undefined;
    if (rec.state === 'RUNNING') {
      // The binding does not need the server; only the size does (omitted while the server is unreachable).
      const r = await this.query('SELECT pg_database_size(datname)::text AS size FROM pg_database WHERE datname = $1', [database]).catch(() => undefined);
      if (r?.rowCount) size = Number(r.rows[0].size);
    }
    return {
      binding: {
        host, port: String(port), database, username: role, password,
        uri: `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(password)}@${hostInUri}:${port}/${encodeURIComponent(database)}`,
      },
      bindingPorts: [{ protocol: 'tcp', destination: host, port }],
      storageType: 'postgres',
      ...(size !== undefined ? { size } : {}),
    };
  }

  dump(rec: InstanceRecord<PgInstance>): DumpStream {
    const level = this.cfg.dumpCompression ?? 0;
    const tool = this.tool('pg_dump', ['--format=custom', `--compress=${level}`], 'output', rec.extra.database);
    return { stream: tool.child.stdout!, succeeded: tool.succeeded, kill: tool.kill };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
