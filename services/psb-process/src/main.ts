// psb-process: a PaaS Service Broker running app services as supervised local processes. Only file reading env.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger, envNumber, runService, serviceDataDir, servicePort } from '@ocopea/service-kit';
import { createPsbProcessApp } from './app';
import { artifactRoots } from './domain/artifacts';
import { openFilesLimit, resolveRunAs } from './domain/run-as';
import { ProcessSupervisor } from './domain/supervisor';
import { attachLogsSocket } from './http/logs-socket';

const env = process.env;
const int = (name: string, dflt: number): number => envNumber(name) ?? dflt;
const list = (raw: string | undefined, dflt: string[]) => (raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : dflt);

async function main(): Promise<void> {
  const log = createLogger('psb-process');
  const version = (JSON.parse(readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as { version: string }).version;
  // Artifact roots: a list separated by the platform's path delimiter (':'), like PATH. Refused at start-up when
  // missing or when a data volume directory is at, above or below one (see README.md).
  const roots = artifactRoots(
    (env.PSB_PROCESS_ARTIFACTS_DIR || path.join(__dirname, '../../../examples')).split(path.delimiter).filter(Boolean),
    (msg) => log.warn({}, msg),
  );
  // A root PSB never runs apps as root: they get PSB_PROCESS_RUN_AS (default nobody).
  const isRoot = process.getuid?.() === 0;
  const runAs = isRoot ? resolveRunAs(env.PSB_PROCESS_RUN_AS || 'nobody') : undefined;
  if (!isRoot && env.PSB_PROCESS_RUN_AS) log.warn({}, `PSB_PROCESS_RUN_AS=${env.PSB_PROCESS_RUN_AS} ignored: the PSB does not run as root, so apps run as its own user`);
  log.info({ artifactRoots: roots, runAs: runAs ? `${runAs.spec} (uid ${runAs.uid}, gid ${runAs.gid})` : 'the PSB user' }, 'app services confined');
  const supervisor = new ProcessSupervisor({
    dataDir: serviceDataDir('psb-process'),
    artifactRoots: roots,
    spaces: list(env.PSB_PROCESS_SPACES, ['default']),
    idMaxLength: int('PSB_PROCESS_ID_MAX_LENGTH', 64),
    publicHost: env.PSB_PROCESS_PUBLIC_HOST || '127.0.0.1',
    startTimeoutMs: int('PSB_PROCESS_START_TIMEOUT_MS', 60_000),
    stopTimeoutMs: int('PSB_PROCESS_STOP_TIMEOUT_MS', 10_000),
    monitorIntervalMs: int('PSB_PROCESS_MONITOR_INTERVAL_MS', 250),
    inheritEnv: list(env.PSB_PROCESS_INHERIT_ENV, []),
    hostEnv: env,
    runAs,
    openFilesLimit: openFilesLimit(envNumber('PSB_PROCESS_OPEN_FILES', { min: 16 }) ?? 4096),
    log,
  });
  supervisor.start();
  const stopChildren = env.PSB_PROCESS_STOP_CHILDREN_ON_EXIT === '1';
  const svc = createPsbProcessApp({ supervisor, version });
  const running = await runService(svc, {
    port: servicePort(8085),
    onClose: () => supervisor.close({ stopChildren }),
  });
  const logs = attachLogsSocket(running.server, supervisor, { tailLines: int('PSB_PROCESS_LOG_TAIL_LINES', 200), pollMs: 200, authorize: (req) => svc.authorizeUpgrade(req) });
  // Open log sockets would hold the HTTP drain until its timeout: cut them as soon as shutdown begins.
  process.once('SIGTERM', () => logs.close());
  process.once('SIGINT', () => logs.close());
}

main().catch((err) => {
  process.stderr.write(`psb-process failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
