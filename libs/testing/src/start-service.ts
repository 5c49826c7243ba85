import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import https from 'node:https';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, launchArgs, REPO_ROOT } from './launch';

/**
 * The admin token every service a test starts is given (`OCOPEA_ADMIN_TOKEN`), new for each test process: services
 * run by tests are authenticated exactly as in production. Tests send it with `authHeaders()` or `svc.headers`.
 */
export const TEST_ADMIN_TOKEN = process.env.OCOPEA_TEST_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');

/** `{authorization: 'Bearer <TEST_ADMIN_TOKEN>'}` plus `extra`. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...extra };
}

/** A service running as a real child process. */
export interface StartedService {
  name: string;
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The registered URL: origin + the service's base path (`/crb`, `/dsb`, `/site-api`, ...; '' for PSBs). */
  url: string;
  dataDir: string;
  /** Where its stdout and stderr go (`<dataDir>.log`). */
  logFile: string;
  /** How it was started: `node <args>` (cwd: the package). */
  command: string;
  child: ChildProcess;
  /** The random id it was started with (OCOPEA_INSTANCE_ID), which its /healthz answered: this process, no other. */
  instance: string;
  /** Resolves when the process has exited, however. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait for exit. */
  kill(): Promise<void>;
  /** Everything it wrote to stdout/stderr so far. */
  logs(): string;
  /** The admin token it accepts (unless the test configured its own credentials through `env`). */
  token: string;
  /** `{authorization: 'Bearer <token>'}`: for fetch, or as `headers` of an `@ocopea/api` client. */
  headers: Record<string, string>;
}

/** How to start one service. */
export interface StartOptions {
  /** Folder under services/ (or examples/ with `dir`). */
  service: string;
  /** Base path the API hangs under, appended to form `url` (default: from a table of our services). */
  basePath?: string;
  env?: Record<string, string>;
  /** Reuse a data dir (e.g. to restart after a kill); default: a fresh temp dir. */
  dataDir?: string;
  port?: number;
  /** `services` (default) or `examples`. */
  dir?: string;
  startTimeoutMs?: number;
  /**
   * What to do when its build (`dist/main.js`) is older than its sources: rebuild it (default, so that a test never
   * runs yesterday's code), or refuse to start it (false: the topology, which runs what `pnpm build` made).
   */
  rebuild?: boolean;
  /**
   * Serve over TLS: the service gets OCOPEA_TLS_CERT_FILE/KEY_FILE and trusts `ca` (OCOPEA_TLS_CA_FILE); the
   * health probe trusts `ca` too, and `origin`/`url` are https.
   */
  tls?: { certFile: string; keyFile: string; caFile: string };
}

const BASE_PATHS: Record<string, string> = {
  'crb-fs': '/crb', 'dsb-postgres': '/dsb', 'dsb-fs': '/dsb', 'dsb-mariadb': '/dsb', 'psb-process': '', 'psb-k8s': '', site: '/site-api', hub: '/hub-api',
};

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/** A service that could not listen because another process holds its port (EADDRINUSE). */
export class PortInUseError extends Error {
  constructor(readonly service: string, readonly port: number) {
    super(`${service}: port ${port} is in use by another process`);
  }
}

/**
 * Starts a service from its build, as `pnpm start` does (`node <its declared flags> dist/main.js`, cwd its package;
 * see launch.ts), as a child process with PORT, OCOPEA_DATA_DIR, an admin token and a new random
 * OCOPEA_INSTANCE_ID, and waits until its /healthz answers with that id: an answer from whatever else holds the
 * port is never taken for it. A service that exits first fails the start (`PortInUseError` when its port was
 * taken). Logs go to `<dataDir>.log` so a failing test can show them.
 */
export async function startService(o: StartOptions): Promise<StartedService> {
  const port = o.port ?? await freePort();
  const dataDir = o.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `ocopea-${o.service}-`));
  const cwd = path.join(REPO_ROOT, o.dir ?? 'services', o.service);
  ensureBuilt(cwd, { rebuild: o.rebuild ?? true });
  const args = launchArgs(cwd);
  const logFile = `${dataDir}.log`;
  const out = createWriteStream(logFile, { flags: 'a', mode: 0o600 }); // a service's log is as private as its state
  const env: NodeJS.ProcessEnv = {
    // In-process tests run with OCOPEA_AUTH=off (jest setup); the services they start never do unless asked to.
    ...process.env, OCOPEA_AUTH: '', NODE_OPTIONS: '', LOG_LEVEL: process.env.SERVICE_LOG_LEVEL ?? 'info', OCOPEA_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    OCOPEA_INSTANCE_ID: randomUUID(),
    ...(o.tls ? { OCOPEA_TLS_CERT_FILE: o.tls.certFile, OCOPEA_TLS_KEY_FILE: o.tls.keyFile, OCOPEA_TLS_CA_FILE: o.tls.caFile } : {}),
    ...o.env, PORT: String(port), OCOPEA_DATA_DIR: dataDir,
  };
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  // The last words in memory too: the log file may not have them yet when the process has just died.
  let tail = '';
  const keep = (d: Buffer) => { tail = (tail + d.toString('utf8')).slice(-8000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const origin = `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const token = o.env?.OCOPEA_ADMIN_TOKEN ?? TEST_ADMIN_TOKEN;
  const svc: StartedService = {
    name: o.service, port, origin, command: `node ${args.join(' ')}`, url: origin + (o.basePath ?? BASE_PATHS[o.service] ?? ''),
    dataDir, logFile, child, instance: env.OCOPEA_INSTANCE_ID!, exited,
    stop: async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); return (await exited).code; },
    kill: async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); await exited; },
    logs: () => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } },
    token, headers: { authorization: `Bearer ${token}` },
  };
  const timeoutMs = o.startTimeoutMs ?? 60_000; // the embedded database alone takes seconds on a loaded 2-core machine
  const deadline = Date.now() + timeoutMs;
  const ca = o.tls && readFileSync(o.tls.caFile, 'utf8');
  // Services on the kit answer their instance id; anything else (the sample app) is taken at its first 2xx.
  const proves = answersInstance(cwd);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
      if (/EADDRINUSE/.test(tail)) throw new PortInUseError(o.service, port);
      throw new Error(`${o.service} exited with ${child.exitCode ?? child.signalCode} before becoming healthy:\n${tail.slice(-4000)}`);
    }
    // Only our process knows the id: another one on this port (a second topology's, anything) is not taken for it.
    const health = await healthOf(`${origin}/healthz`, ca).catch(() => undefined);
    if (health && (health.instance === svc.instance || !proves)) return svc;
    if (Date.now() > deadline) { await svc.kill(); throw new Error(`${o.service} not healthy after ${timeoutMs} ms:\n${svc.logs().slice(-4000)}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function answersInstance(packageDir: string): boolean {
  const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return '@ocopea/service-kit' in (pkg.dependencies ?? {});
}

/** The JSON `url` answers with 2xx, else undefined; over https, trusting `ca` (global fetch cannot be given a CA on Node 20). */
function healthOf(url: string, ca?: string): Promise<{ instance?: string } | undefined> {
  const parse = (status: number, body: string) => {
    if (status >= 300) return undefined;
    try { return JSON.parse(body) as { instance?: string }; } catch { return {}; }
  };
  if (!ca) return fetch(url).then(async (r) => parse(r.status, await r.text()));
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve(parse(res.statusCode ?? 0, body))).on('error', reject);
    });
    req.on('error', reject);
  });
}
