import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BadRequestError, ConflictError, NotFoundError, UnavailableError } from '@ocopea/errors';
import { appServiceEnvironment, BINDINGS_ENV, environmentLimitProblem, type AppServiceManifest } from '@ocopea/psb-common';
import { quote, resolveArtifact } from './artifacts';
import { answersHttp, freeTcpPort, identify, isSameProcessAlive, signalGroup } from './procs';
import { JsonRegistry, type AppServiceRecord } from './registry';
import type { RunAs } from './run-as';

export interface SupervisorOptions {
  /** Holds the registry file and the app services' log folders. */
  dataDir: string;
  /** The artifact roots (real paths, checked by `artifactRoots`): images resolve only inside them. */
  artifactRoots: string[];
  spaces: string[];
  idMaxLength: number;
  /** Host put in `entryPointURL` (default 127.0.0.1). The readiness probe always uses 127.0.0.1. */
  publicHost: string;
  /** An app service not answering HTTP after this long is stopped and reported `error`. */
  startTimeoutMs: number;
  /** SIGTERM → SIGKILL grace period on delete. */
  stopTimeoutMs: number;
  monitorIntervalMs: number;
  /**
   * Names of the PSB's own environment variables passed on to app services besides `PATH` (and `HOME` when the app
   * runs as the PSB's user): `PSB_PROCESS_INHERIT_ENV`, empty by default. Nothing else of the PSB's environment
   * (which holds its tokens) reaches an app.
   */
  inheritEnv: string[];
  /** The PSB's environment (only `PATH`, `HOME` and `inheritEnv` names are read from it). */
  hostEnv: Record<string, string | undefined>;
  /** The user and group app processes run as (set when the PSB runs as root); undefined: the PSB's own. */
  runAs?: RunAs;
  /** Open-files limit (soft and hard) of each app process; core dumps are always off. */
  openFilesLimit: number;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

/** What psb-process runs: the manifest every PSB takes (routes, ports and PSB settings are not its business). */
export type DeployRequest = AppServiceManifest;

/** What the PSB reports about an app service. */
export interface AppServiceView extends AppServiceRecord { instances: number }

const key = (space: string, id: string) => `${space}\u0000${id}`;
const STDERR_TAIL_BYTES = 1500;
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * Variables a manifest may not set: each makes a program load or run code other than the image's (a preload
 * library, a Node `--require`, a shell start-up file, another search path for the command itself), which would let
 * a deploy run any file the app's user can read, a restored data volume included.
 */
const RESERVED_ENV = new Set([
  'PATH', 'NODE_OPTIONS', 'NODE_PATH', 'BASH_ENV', 'ENV', 'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PERL5OPT', 'PERL5LIB',
  'RUBYOPT', 'RUBYLIB', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'GCONV_PATH',
]);
const reservedEnv = (name: string) => RESERVED_ENV.has(name) || name.startsWith('LD_') || name.startsWith('DYLD_');

/**
 * Runs app services as detached child processes (own process group, stdout/stderr appended to log files by file
 * descriptor, no pipes), so they outlive a PSB crash or restart. State is kept in a JSON registry; on start the PSB
 * re-adopts the children still alive (same pid AND same kernel start time) and reports the others `stopped`.
 */
export class ProcessSupervisor {
  private readonly records = new Map<string, AppServiceRecord>();
  /** Children spawned by this PSB process (adopted ones have no handle and are polled). */
  private readonly children = new Map<string, ChildProcess>();
  private readonly stopping = new Map<string, Promise<void>>();
  /** Ids reserved by a deploy in progress (checked synchronously, so concurrent deploys cannot both pass). */
  private readonly reserved = new Set<string>();
  private readonly registry: JsonRegistry;
  private timer?: NodeJS.Timeout;
  private lockFile?: string;
  private ticking = false;

  constructor(private readonly o: SupervisorOptions) {
    mkdirSync(o.dataDir, { recursive: true });
    this.registry = new JsonRegistry(path.join(o.dataDir, 'app-services.json'));
  }

  /** Loads the registry, re-adopts live children, marks the dead ones `stopped`, starts the monitor. */
  start(): void {
    this.lock();
    for (const r of this.registry.load()) {
      const k = key(r.space, r.appServiceId);
      if (r.status === 'starting' || r.status === 'running') {
        if (r.pid > 0 && isSameProcessAlive(r.pid, { startTime: r.procStartTime })) {
          this.o.log.info({ appServiceId: r.appServiceId, space: r.space, pid: r.pid }, 're-adopted running app service');
        } else {
          this.markDown(r, 'stopped', `process ${r.pid} is no longer running (found after a PSB restart)`);
        }
      }
      this.records.set(k, r);
    }
    this.persist();
    this.timer = setInterval(() => { void this.tick(); }, this.o.monitorIntervalMs);
    this.timer.unref();
  }

  info() { return { spaces: this.o.spaces, idMaxLength: this.o.idMaxLength }; }

  list(space?: string): AppServiceView[] {
    return [...this.records.values()].filter((r) => space === undefined || r.space === space).map(view);
  }

  get(space: string, appServiceId: string): AppServiceView {
    const r = this.records.get(key(space, appServiceId));
    if (!r) throw new NotFoundError(`app service '${appServiceId}' not found in space '${space}'`);
    return view(r);
  }

  has(space: string, appServiceId: string): boolean { return this.records.has(key(space, appServiceId)); }

  logFiles(space: string, appServiceId: string): { out: string; err: string } {
    const r = this.get(space, appServiceId);
    return { out: path.join(r.logDir, 'stdout.log'), err: path.join(r.logDir, 'stderr.log') };
  }

  /** Validates, resolves the image, spawns the child and answers at once (`starting`); the monitor does the rest. */
  async deploy(req: DeployRequest): Promise<AppServiceView> {
    const { appServiceId, space } = req;
    if (appServiceId.length > this.o.idMaxLength) {
      throw new BadRequestError(`appServiceId is ${appServiceId.length} characters long; this PSB accepts at most ${this.o.idMaxLength} (appServiceIdMaxLength)`);
    }
    // '.' and '..' would make the log folder apps/<space> or apps/ itself (a DELETE then wiped every app's logs);
    // a NUL cannot go into a child's environment (spawn threw: a 500).
    if (appServiceId === '.' || appServiceId === '..' || [...appServiceId].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
      throw new BadRequestError(`appServiceId ${JSON.stringify(appServiceId)} is not allowed ('.', '..' and control characters are refused)`);
    }
    if (!this.o.spaces.includes(space)) throw new BadRequestError(`unknown space '${space}' (spaces: ${this.o.spaces.join(', ')})`);
    const k = key(space, appServiceId);
    if (this.records.has(k) || this.reserved.has(k)) throw new ConflictError(`app service '${appServiceId}' already exists in space '${space}'`);
    const artifact = resolveArtifact(this.o.artifactRoots, req);
    const { env: appEnv, unresolved } = appServiceEnvironment(req.environmentVariables, req.serviceBindings);
    const tooBig = environmentLimitProblem(req.environmentVariables, appEnv, appEnv[BINDINGS_ENV]);
    if (tooBig) throw new BadRequestError(tooBig);
    if (unresolved.length) {
      throw new BadRequestError(`environment placeholders not matched by any service binding: ${[...new Set(unresolved)].map((u) => quote(u)).join(', ')}`);
    }
    for (const [name, value] of Object.entries(appEnv)) {
      if (!name || name.includes('=') || name.includes('\u0000') || String(value).includes('\u0000')) {
        throw new BadRequestError(`environment variable ${quote(name)} cannot be passed to a process (empty name, '=' or NUL)`);
      }
    }
    const reserved = Object.keys(req.environmentVariables ?? {}).filter(reservedEnv);
    if (reserved.length) {
      throw new BadRequestError(`environment variables ${reserved.map((n) => quote(n)).join(', ')} cannot be set by a manifest: they would make the app load code from outside its image`);
    }
    const base: Record<string, string> = { PATH: this.o.hostEnv.PATH || DEFAULT_PATH };
    const home = this.o.runAs ? this.o.runAs.home : this.o.hostEnv.HOME;
    if (home) base.HOME = home;
    for (const n of this.o.inheritEnv) { const v = this.o.hostEnv[n]; if (v !== undefined && !(n in base)) base[n] = v; }
    const argv = artifact.command.map((a, i) => (i === 0 && a === 'node' ? process.execPath : a));
    if (!findExecutable(argv[0], base.PATH, artifact.dir)) {
      throw new BadRequestError(`image '${req.imageName}' cannot be run (${argv.join(' ')}): ${quote(argv[0])} is not an executable file here`);
    }
    this.reserved.add(k);
    try {
      const port = await freeTcpPort(new Set([...this.records.values()].map((r) => r.port)));
      const logDir = path.join(this.o.dataDir, 'apps', encodeURIComponent(space), encodeURIComponent(appServiceId));
      mkdirSync(logDir, { recursive: true });
      const env = { ...base, ...appEnv, PORT: String(port), OCOPEA_APP_SERVICE_ID: appServiceId, OCOPEA_SPACE: space };
      const out = openSync(path.join(logDir, 'stdout.log'), 'a');
      const err = openSync(path.join(logDir, 'stderr.log'), 'a');
      // Resource limits through the shell, which then execs the app in its place (same pid, so the process group,
      // the registry's pid and the kernel start time are the app's). Node cannot set rlimits itself; `sh` is
      // everywhere (start scripts need it anyway), where prlimit needs util-linux. Both limits are set soft and hard,
      // so the app cannot raise them again.
      // (`unset PWD`: some shells export it; the app gets no variable but the ones listed in the README.)
      const limits = `ulimit -c 0 && ulimit -n ${this.o.openFilesLimit} && unset PWD OLDPWD && exec "$0" "$@"`;
      const ids = this.o.runAs ? { uid: this.o.runAs.uid, gid: this.o.runAs.gid } : {};
      let child: ChildProcess;
      try {
        child = spawn('/bin/sh', ['-c', limits, ...argv], { cwd: artifact.dir, env, detached: true, stdio: ['ignore', out, err], ...ids });
      } finally { closeSync(out); closeSync(err); }
      if (child.pid === undefined) {
        const e = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
        if (e.code === 'EAGAIN' || e.code === 'ENOMEM') throw new UnavailableError(`cannot start a process now: ${e.message}`);
        throw new BadRequestError(`image '${req.imageName}' cannot be run (${argv.join(' ')}): ${e.message}`);
      }
      child.on('error', () => { /* reported through 'exit' */ });
      child.unref();
      const pid = child.pid;
      const id = identify(pid);
      const rec: AppServiceRecord = {
        space, appServiceId, imageName: req.imageName, imageVersion: artifact.version, command: argv, cwd: artifact.dir,
        port, pid, procStartTime: id.startTime, cmdline: id.cmdline, startedAt: Date.now(),
        status: 'starting', statusMessage: `started as pid ${pid} on port ${port}; waiting for it to answer HTTP`, entryPointURL: null, logDir,
      };
      this.records.set(k, rec);
      this.children.set(k, child);
      child.once('exit', (code, signal) => this.onChildExit(k, pid, code, signal));
      this.persist();
      this.o.log.info({ appServiceId, space, pid, port, command: argv, cwd: artifact.dir }, 'app service spawned');
      return view(rec);
    } finally { this.reserved.delete(k); }
  }

  /** Stops the process group (SIGTERM, SIGKILL after stopTimeoutMs), then forgets the app service and its logs. */
  async remove(space: string, appServiceId: string): Promise<string> {
    const k = key(space, appServiceId);
    const r = this.records.get(k);
    if (!r) throw new NotFoundError(`app service '${appServiceId}' not found in space '${space}'`);
    let p = this.stopping.get(k);
    if (!p) {
      p = (async () => {
        await this.stopProcess(k, r);
        if (this.records.get(k) === r) this.records.delete(k);
        this.children.delete(k);
        this.persist();
        rmSync(r.logDir, { recursive: true, force: true });
      })().finally(() => this.stopping.delete(k));
      this.stopping.set(k, p);
    }
    await p;
    return `app service '${appServiceId}' stopped and removed from space '${space}'`;
  }

  /** Graceful PSB shutdown. Children keep running unless `stopChildren` (they are the user's applications). */
  async close(opts: { stopChildren: boolean }): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (opts.stopChildren) {
      await Promise.all([...this.records.entries()].map(async ([k, r]) => {
        if (r.status !== 'starting' && r.status !== 'running') return;
        this.stopping.set(k, Promise.resolve());
        try { await this.stopProcess(k, r); } finally { this.stopping.delete(k); }
        this.markDown(r, 'stopped', 'stopped when the PSB shut down (PSB_PROCESS_STOP_CHILDREN_ON_EXIT=1)');
      }));
    }
    this.persist();
    if (this.lockFile) rmSync(this.lockFile, { force: true });
  }

  /** One PSB per data dir: two would both manage (and kill) the same children. A dead holder's lock is taken over. */
  private lock(): void {
    const file = path.join(this.o.dataDir, 'psb.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, JSON.stringify({ pid: process.pid, startTime: identify(process.pid).startTime }), { flag: 'wx' });
        this.lockFile = file;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let holder: { pid?: number; startTime?: string } = {};
      try { holder = JSON.parse(readFileSync(file, 'utf8')) as typeof holder; } catch { /* torn write: stale */ }
      if (holder.pid && isSameProcessAlive(holder.pid, { startTime: holder.startTime })) {
        throw new Error(`data dir ${this.o.dataDir} is in use by another psb-process (pid ${holder.pid}); give each PSB its own OCOPEA_DATA_DIR`);
      }
      rmSync(file, { force: true });
    }
    throw new Error(`cannot lock data dir ${this.o.dataDir}`);
  }

  private isAlive(k: string, r: AppServiceRecord): boolean {
    const child = this.children.get(k);
    if (child && child.pid === r.pid) return child.exitCode === null && child.signalCode === null;
    return r.pid > 0 && isSameProcessAlive(r.pid, { startTime: r.procStartTime });
  }

  private async stopProcess(k: string, r: AppServiceRecord): Promise<void> {
    if (r.pid <= 0) return;
    if (this.isAlive(k, r)) {
      signalGroup(r.pid, 'SIGTERM');
      if (!(await this.waitGone(k, r, this.o.stopTimeoutMs))) {
        this.o.log.warn({ appServiceId: r.appServiceId, pid: r.pid }, 'did not stop on SIGTERM; sending SIGKILL');
        signalGroup(r.pid, 'SIGKILL');
        await this.waitGone(k, r, 5_000);
      }
    }
    // Leftovers of the group (e.g. the children of a `sh -c` start script), only while the leader is ours.
    if (this.children.get(k)?.pid === r.pid || isSameProcessAlive(r.pid, { startTime: r.procStartTime })) signalGroup(r.pid, 'SIGKILL');
  }

  private async waitGone(k: string, r: AppServiceRecord, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.isAlive(k, r)) {
      if (Date.now() > deadline) return false;
      await new Promise((res) => setTimeout(res, 50));
    }
    return true;
  }

  private onChildExit(k: string, pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    const r = this.records.get(k);
    if (!r || r.pid !== pid || this.stopping.has(k)) return;
    if (r.status === 'starting' || r.status === 'running') {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.markDown(r, 'error', `process ${pid} ${how}${stderrTail(r)}`);
      this.persist();
      this.o.log.warn({ appServiceId: r.appServiceId, pid, code, signal }, 'app service exited');
    }
  }

  /** Polls adopted children for liveness and `starting` ones for readiness or start timeout. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const [k, r] of this.records) {
        if (this.stopping.has(k) || (r.status !== 'starting' && r.status !== 'running')) continue;
        if (!this.isAlive(k, r)) {
          if (this.children.get(k)?.pid === r.pid) continue; // the 'exit' event reports it, with the exit code
          this.markDown(r, 'error', `process ${r.pid} is no longer running${stderrTail(r)}`);
          this.persist();
          continue;
        }
        if (r.status !== 'starting') continue;
        if (await answersHttp('127.0.0.1', r.port)) {
          if (this.records.get(k) !== r || r.status !== 'starting' || this.stopping.has(k)) continue;
          r.status = 'running';
          r.entryPointURL = `http://${this.o.publicHost}:${r.port}`;
          r.statusMessage = `running as pid ${r.pid}`;
          this.persist();
          this.o.log.info({ appServiceId: r.appServiceId, entryPointURL: r.entryPointURL }, 'app service running');
        } else if (Date.now() - r.startedAt > this.o.startTimeoutMs && !this.stopping.has(k)) {
          this.stopping.set(k, Promise.resolve());
          try { await this.stopProcess(k, r); } finally { this.stopping.delete(k); }
          this.markDown(r, 'error', `did not answer HTTP on port ${r.port} within ${this.o.startTimeoutMs} ms; stopped${stderrTail(r)}`);
          this.persist();
        }
      }
    } catch (err) {
      this.o.log.warn({ err }, 'monitor pass failed');
    } finally { this.ticking = false; }
  }

  private markDown(r: AppServiceRecord, status: 'stopped' | 'error', message: string): void {
    r.status = status;
    r.statusMessage = message;
    r.entryPointURL = null;
  }

  private persist(): void { this.registry.save([...this.records.values()]); }
}

/** True when `cmd` names an executable file: a path (relative to `cwd`), or a name found in `PATH`. */
function findExecutable(cmd: string, searchPath: string, cwd: string): boolean {
  const ok = (p: string) => {
    try { accessSync(p, constants.X_OK); return statSync(p).isFile(); } catch { return false; }
  };
  if (cmd.includes('/')) return ok(path.resolve(cwd, cmd));
  return searchPath.split(path.delimiter).some((d) => d !== '' && ok(path.join(d, cmd)));
}

function view(r: AppServiceRecord): AppServiceView {
  return { ...r, instances: r.status === 'starting' || r.status === 'running' ? 1 : 0 };
}

/** `; stderr: <last lines>` from the app service's stderr log, or ''. */
function stderrTail(r: AppServiceRecord): string {
  const file = path.join(r.logDir, 'stderr.log');
  try {
    const size = statSync(file).size;
    if (size === 0) return '';
    const len = Math.min(size, STDERR_TAIL_BYTES);
    const buf = Buffer.alloc(len);
    const fd = openSync(file, 'r');
    try { readSync(fd, buf, 0, len, size - len); } finally { closeSync(fd); }
    return `; stderr: ${buf.toString('utf8').trim()}`;
  } catch { return ''; }
}
