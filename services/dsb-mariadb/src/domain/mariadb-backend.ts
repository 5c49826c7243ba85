import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import mysql from 'mysql2/promise';
import { ConflictError, UnavailableError } from '@ocopea/errors';
import { feedTool, findStdbuf, runTool, type BrokerInfo, type DsbBackend, type DumpStream, type InstanceRecord, type InstanceView } from '@ocopea/dsb-common';
import { DefinerRewrite } from './definer-rewrite';

/** What the broker keeps per instance (in its registry file, mode 0600). */
export interface MariadbInstance {
  database: string;
  user: string;
  password: string;
}

export interface MariadbBackendConfig {
  /** Administrative account (creates databases and users, runs mariadb-dump): `mysql://root[:password]@host:port`. */
  adminUrl: string;
  /** Host and port written into bindings (what applications connect to); default: the admin URL's. */
  publicHost?: string;
  publicPort?: number;
  /** Folder of `mariadb-dump` and `mariadb` (or `mysqldump` and `mysql`); default: PATH. */
  binDir?: string;
  /** Client tool names (default `mariadb-dump` and `mariadb`; `mysqldump` / `mysql` for MySQL's tools). */
  dumpTool?: string;
  clientTool?: string;
  /** Prefix of database and user names (default `ocopea_`): give each broker sharing a server its own. */
  namePrefix?: string;
  /**
   * stdio buffer of mariadb-dump's output, as `stdbuf` takes it (default `1M`; `0`: none). mariadb-dump writes 4 KiB
   * per system call into a pipe otherwise (5615 writes for a 23 MB dump; 24 under stdbuf), and the broker wakes for
   * each. Needs coreutils' `stdbuf` on PATH; without it the tool runs as it is.
   */
  stdioBuffer?: string;
}

export const MARIADB_NAME_PREFIX = 'ocopea_';

/** A prefix is a plain lower-case identifier start of at most 12 characters (user names stay within MySQL's 32). */
export function checkMariadbPrefix(prefix: string): string {
  if (!/^[a-z_][a-z0-9_]{0,11}$/.test(prefix)) throw new Error(`database name prefix '${prefix}' must match [a-z_][a-z0-9_]{0,11}`);
  return prefix;
}

/**
 * Database and user name of an instance: the prefix + the id lower-cased with anything but [a-z0-9_] turned into
 * `_` (cut) + `_` + 8 hex digits of the id's SHA-256, at most 32 characters (MySQL's user name limit), so distinct
 * ids never collide. Only [a-z0-9_]: safe inside backquotes and quotes.
 */
export function mariadbNameFor(instanceId: string, prefix = MARIADB_NAME_PREFIX): string {
  const base = instanceId.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 32 - 9 - prefix.length);
  const h = createHash('sha256').update(instanceId).digest('hex').slice(0, 8);
  return `${prefix}${base}_${h}`;
}

const ICON = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="MariaDB">
<ellipse cx="32" cy="14" rx="22" ry="8" fill="#003545"/><path d="M10 14v36c0 4.4 9.8 8 22 8s22-3.6 22-8V14c0 4.4-9.8 8-22 8S10 18.4 10 14z" fill="#003545"/>
<path d="M10 26c0 4.4 9.8 8 22 8s22-3.6 22-8M10 38c0 4.4 9.8 8 22 8s22-3.6 22-8" fill="none" stroke="#c0765a" stroke-width="2"/></svg>
`);

/**
 * Databases with a dedicated user each, on one MariaDB (or MySQL) server. Copies are `mariadb-dump
 * --single-transaction` of the database, routines and triggers included; restores feed the copy to `mariadb` logged
 * in as the instance's own user, so the copy's SQL can do nothing outside that database.
 */
export class MariadbBackend implements DsbBackend<MariadbInstance> {
  readonly name = 'dsb-mariadb';
  readonly facility = 'mariadb-dump';
  private readonly pool: mysql.Pool;
  private readonly admin: { host: string; port: number; user: string; password: string };
  private serverVersion: string | null = null;
  /** [stdbuf, size] when the dump's stdio is re-buffered. */
  private readonly stdbuf?: [string, string];

  constructor(private readonly cfg: MariadbBackendConfig) {
    if (cfg.namePrefix !== undefined) checkMariadbPrefix(cfg.namePrefix);
    const size = cfg.stdioBuffer ?? '1M';
    if (!/^(0|[1-9][0-9]*[KMG]?)$/.test(size)) throw new Error(`stdio buffer '${size}' must be 0 or a size like 1M, 512K`);
    const stdbuf = size === '0' ? undefined : findStdbuf();
    if (stdbuf) this.stdbuf = [stdbuf, size];
    const u = new URL(cfg.adminUrl);
    if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new Error('the admin URL must be mysql://user[:password]@host[:port]');
    this.admin = {
      host: decodeURIComponent(u.hostname).replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port || 3306),
      user: decodeURIComponent(u.username) || 'root', password: decodeURIComponent(u.password),
    };
    this.pool = mysql.createPool({
      host: this.admin.host, port: this.admin.port, user: this.admin.user, password: this.admin.password || undefined,
      connectionLimit: 3, connectTimeout: 5000, maxIdle: 1, idleTimeout: 10_000, multipleStatements: false,
    });
  }

  /** Whether mariadb-dump runs with a large stdio buffer (see `stdioBuffer`). */
  get stdioBuffered(): boolean { return this.stdbuf !== undefined; }

  private get host(): string { return this.cfg.publicHost ?? this.admin.host; }
  private get port(): number { return this.cfg.publicPort ?? this.admin.port; }
  private bin(tool: string): string { return this.cfg.binDir ? path.join(this.cfg.binDir, tool) : tool; }

  /** Environment of the client tools: the password by env (MYSQL_PWD), never on the command line. */
  private toolEnv(password: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('MYSQL') || k.startsWith('MARIADB')) delete env[k];
    if (password) env.MYSQL_PWD = password;
    return env;
  }

  /** `--no-defaults` first: a my.cnf on the machine must not change what the broker runs or where it connects. */
  private connArgs(user: string): string[] {
    return ['--no-defaults', '--protocol=TCP', `--host=${this.admin.host}`, `--port=${this.admin.port}`, `--user=${user}`];
  }

  private async query<T = mysql.RowDataPacket[]>(sql: string, params: unknown[] = []): Promise<T> {
    let conn: mysql.PoolConnection;
    try {
      conn = await this.pool.getConnection();
    } catch (err) {
      throw new UnavailableError(`MariaDB server ${this.admin.host}:${this.admin.port} unreachable: ${(err as Error).message}`, { cause: err });
    }
    try { return (await conn.query(sql, params))[0] as T; } finally { conn.release(); }
  }

  async ping(): Promise<void> {
    const rows = await this.query<{ v: string }[]>('SELECT VERSION() AS v');
    this.serverVersion = String(rows[0].v).match(/^\d+\.\d+/)?.[0] ?? null;
  }

  async info(): Promise<BrokerInfo> {
    if (this.serverVersion === null) await this.ping().catch(() => undefined);
    return {
      name: 'mariadb-dsb',
      type: 'mariadb',
      description: 'MariaDB / MySQL databases, each with its own user, on a shared server',
      plans: [{
        id: 'standard', name: 'Standard', description: 'One database and a dedicated user granted only on it', price: 'free',
        protocols: [{ protocol: 'mysql', version: this.serverVersion, properties: {} }],
        dsbSettings: {},
      }],
    };
  }

  icon() { return { contentType: 'image/svg+xml' as const, body: ICON }; }

  prepare(instanceId: string): MariadbInstance {
    const name = mariadbNameFor(instanceId, this.cfg.namePrefix ?? MARIADB_NAME_PREFIX);
    return { database: name, user: name, password: randomBytes(18).toString('base64url') };
  }

  /** A new instance never adopts (or changes the password of) a database or user already on the server. */
  async ensureFree(instanceId: string, extra: MariadbInstance): Promise<void> {
    const rows = await this.query<{ dbs: number; users: number }[]>(
      'SELECT (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?) AS dbs, (SELECT COUNT(*) FROM mysql.user WHERE User = ?) AS users',
      [extra.database, extra.user]);
    if (Number(rows[0].dbs) || Number(rows[0].users)) {
      throw new ConflictError(`database or user '${extra.database}' for service instance '${instanceId}' already exists on the MariaDB server (left by another broker? give each broker its own DSB_MARIADB_DB_PREFIX)`);
    }
  }

  async create(rec: InstanceRecord<MariadbInstance>, openCopy: (() => Promise<Readable>) | undefined, signal: AbortSignal): Promise<void> {
    const { database, user, password } = rec.extra;
    // Names are [a-z0-9_] only (mariadbNameFor); the password goes as a parameter (escaped by the driver).
    await this.query(`CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY ?`, [password]);
    await this.query(`ALTER USER '${user}'@'%' IDENTIFIED BY ?`, [password]);
    await this.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await this.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${user}'@'%'`);
    if (!openCopy || signal.aborted) return;

    const source = await openCopy();
    // As the instance's user: the copy's statements are confined to its database. --binary-mode: the bytes as they are.
    const tool = runTool(this.bin(this.cfg.clientTool ?? 'mariadb'), [...this.connArgs(user), '--binary-mode', '--default-character-set=utf8mb4', database], {
      env: this.toolEnv(password), stdin: 'pipe',
    });
    const rewritten = new DefinerRewrite();
    source.once('error', (err) => rewritten.destroy(err)); // a bad digest at the end fails the restore
    source.pipe(rewritten);
    await feedTool(rewritten, tool, signal, source);
  }

  /** A failed or interrupted restore leaves nothing: the database goes (create makes it again). */
  async discard(rec: InstanceRecord<MariadbInstance>): Promise<void> {
    await this.query(`DROP DATABASE IF EXISTS \`${rec.extra.database}\``);
  }

  async remove(rec: InstanceRecord<MariadbInstance>): Promise<void> {
    await this.killSessions(rec.extra.user);
    await this.query(`DROP DATABASE IF EXISTS \`${rec.extra.database}\``);
    await this.query(`DROP USER IF EXISTS '${rec.extra.user}'@'%'`);
  }

  /** Ends the instance user's sessions, so that dropping its database does not wait on their locks. */
  private async killSessions(user: string): Promise<void> {
    const rows = await this.query<{ id: number }[]>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [user]);
    for (const r of rows) await this.query(`KILL ${Number(r.id)}`).catch(() => undefined);
  }

  async describe(rec: InstanceRecord<MariadbInstance>): Promise<InstanceView> {
    const { database, user, password } = rec.extra;
    const host = this.host;
    const port = this.port;
    let size: number | undefined;
    if (rec.state === 'RUNNING') {
      // The binding does not need the server; only the size does (omitted while it is unreachable).
      const rows = await this.query<{ size: string | null }[]>(
        'SELECT CAST(COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS CHAR) AS size FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database]).catch(() => undefined);
      if (rows?.length) size = Number(rows[0].size ?? 0);
    }
    const hostInUri = host.includes(':') ? `[${host}]` : host;
    return {
      binding: {
        host, port: String(port), database, username: user, password,
        uri: `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${hostInUri}:${port}/${encodeURIComponent(database)}`,
      },
      bindingPorts: [{ protocol: 'tcp', destination: host, port }],
      storageType: 'mariadb',
      ...(size !== undefined ? { size } : {}),
    };
  }

  /**
   * A consistent dump of one database (InnoDB: one transaction, no locks held), routines and triggers included,
   * binary columns as hex, no CREATE DATABASE / USE (a restore loads it into any database).
   */
  dump(rec: InstanceRecord<MariadbInstance>): DumpStream {
    const dumpTool = this.bin(this.cfg.dumpTool ?? 'mariadb-dump');
    const args = [
      ...this.connArgs(this.admin.user), '--single-transaction', '--routines', '--triggers', '--hex-blob', '--no-tablespaces',
      '--default-character-set=utf8mb4', '--skip-comments', rec.extra.database,
    ];
    const env = this.toolEnv(this.admin.password);
    const tool = this.stdbuf
      ? runTool(this.stdbuf[0], [`--output=${this.stdbuf[1]}`, dumpTool, ...args], { env, label: path.basename(dumpTool) })
      : runTool(dumpTool, args, { env });
    return { stream: tool.child.stdout!, succeeded: tool.succeeded, kill: tool.kill };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
