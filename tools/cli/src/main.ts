// `ocopea`: the command line of the Hub. See tools/cli/README.md.
import { run } from './program';

void run(process.argv.slice(2), {
  env: process.env,
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
}).then((code) => { process.exitCode = code; });
