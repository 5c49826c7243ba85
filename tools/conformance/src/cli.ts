import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runCrb } from './crb';
import { runDsb } from './dsb';
import { runPsb } from './psb';
import { formatHuman, formatJunit, type Report } from './report';

// The JUnit file and anything a started crb-fs writes are for this user only.
process.umask(0o077);

const seconds = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number of seconds');
  return n * 1000;
};
const httpUrl = (v: string) => {
  let u: URL;
  try { u = new URL(v); } catch { throw new InvalidArgumentError('a URL'); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError('an http(s) URL');
  return v.replace(/\/+$/, '');
};
const keyValue = (v: string, acc: Record<string, string> = {}) => {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError('KEY=VALUE');
  return { ...acc, [v.slice(0, i)]: v.slice(i + 1) };
};
/** A token from the option or, to keep it out of `ps` and shell history, from the environment. */
const tokenOption = (env: string) => new Option('--token <token>', 'bearer token for the broker').env(env);

async function finish(report: Report, junit: string | undefined): Promise<void> {
  process.stdout.write(formatHuman(report));
  if (junit) writeFileSync(junit, formatJunit(report), { mode: 0o600 });
  process.exitCode = report.passed ? 0 : 1;
}

const program = new Command('ocopea-conformance')
  .description('Checks a broker against the behaviour the Ocopea Site relies on. Exit status: 0 all passed, 1 a check failed, 2 bad usage.')
  .showHelpAfterError()
  .exitOverride((err) => { process.exit(err.exitCode === 0 ? 0 : 2); });

const common = (c: Command) => c
  .option('--junit <file>', 'also write the results as JUnit XML')
  .option('--timeout <seconds>', 'how long an instance or app service may take to get ready', seconds);

common(program.command('dsb')
  .description('check a Data Service Broker (its registered URL, e.g. http://host:8083/dsb)')
  .argument('<url>', 'the DSB\'s registered URL', httpUrl)
  .addOption(tokenOption('OCOPEA_CONFORMANCE_TOKEN'))
  .option('--plan <id>', 'plan to create instances with (default: the first offering shpanRest copies)')
  .option('--setting <key=value>', 'extra instanceSettings (repeatable)', keyValue)
  .option('--crb <url>', 'a CRB the broker can reach (default: the kit starts its own crb-fs)', httpUrl)
  .addOption(new Option('--crb-token <token>', 'bearer token for --crb').env('OCOPEA_CONFORMANCE_CRB_TOKEN'))
  .option('--probe-cmd <cmd>', 'run as `<cmd> write` before the copy and `<cmd> check` after the restore, binding in the env'))
  .action(async (url: string, o: { token?: string; plan?: string; setting?: Record<string, string>; crb?: string; crbToken?: string; probeCmd?: string; junit?: string; timeout?: number }) => {
    await finish(await runDsb({ url, token: o.token, plan: o.plan, settings: o.setting, crbUrl: o.crb, crbToken: o.crbToken, probeCmd: o.probeCmd, readyTimeoutMs: o.timeout }), o.junit);
  });

common(program.command('crb')
  .description('check a Copy Repository Broker (its registered URL, e.g. http://host:8082/crb)')
  .argument('<url>', 'the CRB\'s registered URL', httpUrl)
  .addOption(tokenOption('OCOPEA_CONFORMANCE_TOKEN')))
  .action(async (url: string, o: { token?: string; junit?: string }) => {
    await finish(await runCrb({ url, token: o.token }), o.junit);
  });

common(program.command('psb')
  .description('check a Platform Service Broker (its registered URL, e.g. http://host:8085)')
  .argument('<url>', 'the PSB\'s registered URL', httpUrl)
  .addOption(tokenOption('OCOPEA_CONFORMANCE_TOKEN'))
  .option('--image <name:version>', 'what to deploy', 'notes-app:1.0.0')
  .option('--space <space>', 'space to deploy into (default: the first listed)')
  .option('--http-port <port>', 'port the image serves HTTP on', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a port number');
    return n;
  }, 8080)
  .option('--env <key=value>', 'environment of the app service (repeatable)', keyValue))
  .action(async (url: string, o: { token?: string; image: string; space?: string; httpPort: number; env?: Record<string, string>; junit?: string; timeout?: number }) => {
    await finish(await runPsb({ url, token: o.token, image: o.image, space: o.space, httpPort: o.httpPort, environment: o.env, readyTimeoutMs: o.timeout }), o.junit);
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`ocopea-conformance: ${err.message}\n`);
  process.exit(2);
});
