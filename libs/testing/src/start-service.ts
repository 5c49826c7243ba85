import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

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
  /** How it was started: `node <args>` (cwd: the package). */
  command: string;
  child: ChildProcess;
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
   * Run it exactly as its package's `start` script does (node flags and env assignments), instead of the tests' way
   * (`node --import tsx`): benchmarks use this so that what they measure is what `pnpm start` runs.
   */
  asStartScript?: boolean;
  /**
   * Serve over TLS: the service gets OCOPEA_TLS_CERT_FILE/KEY_FILE and trusts `ca` (OCOPEA_TLS_CA_FILE); the
   * health probe trusts `ca` too, and `origin`/`url` are https.
   */
  tls?: { certFile: string; keyFile: string; caFile: string };
}

/**
 * What a package's `start` script runs: `[prepare &&] [exec] [VAR=v ...] node <args>` (or `tsx <file>`), as node
 * arguments, env assignments and the shell command to run first (e.g. crb-fs compiles its bundle).
 */
export function startScriptCommand(packageDir: string): { args: string[]; env: Record<string, string>; prepare?: string } {
  const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const script = pkg.scripts?.start ?? '';
  const parts = script.split('&&').map((p) => p.trim());
  const last = parts.pop()!.replace(/^exec\s+/, '');
  const prepare = parts.length ? parts.join(' && ') : undefined;
  const words = last.split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const w = words.shift()!;
    env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  const cmd = words.shift();
  if (cmd === 'node') return { args: words, env, prepare };
  if (cmd === 'tsx') return { args: ['--import', 'tsx', ...words], env, prepare };
  throw new Error(`cannot run the start script of ${packageDir} directly: '${script}'`);
}

const BASE_PATHS: Record<string, string> = {
  'crb-fs': '/crb', 'dsb-postgres': '/dsb', 'dsb-fs': '/dsb', 'psb-process': '', 'psb-k8s': '', site: '/site-api', hub: '/hub-api',
};

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/**
 * Starts `services/<name>/src/main.ts` with tsx as a child process (PORT, OCOPEA_DATA_DIR set) and waits until its
 * /healthz answers. Logs go to `<dataDir>/../<name>.log` so a failing test can show them.
 */
export async function startService(o: StartOptions): Promise<StartedService> {
  const port = o.port ?? await freePort();
  const dataDir = o.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `ocopea-${o.service}-`));
  const entry = path.join(ROOT, o.dir ?? 'services', o.service, 'src/main.ts');
  if (!existsSync(entry)) throw new Error(`no entry point ${entry}`);
  const logFile = `${dataDir}.log`;
  const out = createWriteStream(logFile, { flags: 'a', mode: 0o600 }); // a service's log is as private as its state
  const cwd = path.join(ROOT, o.dir ?? 'services', o.service);
  const how = o.asStartScript ? startScriptCommand(cwd) : { args: ['--import', 'tsx', entry], env: {} };
  if ('prepare' in how && how.prepare) execSync(how.prepare, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  const child = spawn(process.execPath, how.args, {
    cwd,
    // In-process tests run with OCOPEA_AUTH=off (jest setup); the services they start never do unless asked to.
    env: {
      ...process.env, OCOPEA_AUTH: '', NODE_OPTIONS: '', LOG_LEVEL: process.env.SERVICE_LOG_LEVEL ?? 'info', OCOPEA_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...how.env,
      ...(o.tls ? { OCOPEA_TLS_CERT_FILE: o.tls.certFile, OCOPEA_TLS_KEY_FILE: o.tls.keyFile, OCOPEA_TLS_CA_FILE: o.tls.caFile } : {}),
      ...o.env, PORT: String(port), OCOPEA_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const origin = `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const svc: StartedService = {
    name: o.service, port, origin, command: `node ${how.args.join(' ')}`, url: origin + (o.basePath ?? BASE_PATHS[o.service] ?? ''), dataDir, child,
    stop: async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); return exited; },
    kill: async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); await exited; },
    logs: () => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } },
    token: o.env?.OCOPEA_ADMIN_TOKEN ?? TEST_ADMIN_TOKEN,
    headers: { authorization: `Bearer ${o.env?.OCOPEA_ADMIN_TOKEN ?? TEST_ADMIN_TOKEN}` },
  };
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000); // the embedded database alone takes seconds on a loaded 2-core machine
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${o.service} exited with ${child.exitCode} before becoming healthy:\n${svc.logs().slice(-4000)}`);
    try {
      if (await healthy(`${origin}/healthz`, o.tls && readFileSync(o.tls.caFile, 'utf8'))) return svc;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { await svc.kill(); throw new Error(`${o.service} not healthy after ${o.startTimeoutMs ?? 60_000} ms:\n${svc.logs().slice(-4000)}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether `url` answers 2xx; over https, trusting `ca` (global fetch cannot be given a CA on Node 20). */
function healthy(url: string, ca?: string): Promise<boolean> {
  if (!ca) return fetch(url).then((r) => r.ok);
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => { res.resume(); resolve((res.statusCode ?? 0) < 300); });
    req.on('error', reject);
  });
}
