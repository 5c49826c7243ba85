// Mutation testing, one package at a time: `pnpm test:mutation [--concurrency N] [--force] [--tests <folder>] [package…]`
// (package folders such as libs/operations; default: the core libraries). Runs StrykerJS with
// stryker/stryker.config.mjs for each and prints the mutation score per package. Exit 1 when a run fails or a score
// is under 80 %. Incremental: a rerun only tests mutants whose code or tests changed (`--force` tests them all).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BAR = 80;
const DEFAULT_PACKAGES = ['libs/operations', 'libs/errors', 'libs/service-kit'];

const args = process.argv.slice(2);
const packages = [];
const strykerArgs = [];
let tests;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--concurrency') strykerArgs.push('--concurrency', args[++i]);
  else if (a === '--force') strykerArgs.push('--force');
  else if (a === '--tests') tests = args[++i];
  else if (a === '--help' || a === '-h') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')[0].slice(3)); process.exit(0); }
  else if (a.startsWith('-')) { console.error(`unknown option ${a}`); process.exit(2); }
  else packages.push(a.replace(/\/+$/, ''));
}

const results = [];
for (const pkg of packages.length ? packages : DEFAULT_PACKAGES) {
  const judge = tests ?? pkg;
  if (!existsSync(path.join(root, pkg, 'src'))) { results.push({ pkg, problem: 'no src/ folder' }); continue; }
  if (!existsSync(path.join(root, judge, 'jest.config.cjs'))) { results.push({ pkg, problem: `no ${judge}/jest.config.cjs` }); continue; }
  if (!hasTests(path.join(root, judge))) { results.push({ pkg, problem: `no tests in ${judge}: every mutant survives (0 %)` }); continue; }
  console.log(`\n=== mutation testing ${pkg}${judge === pkg ? '' : ` (tests of ${judge})`} ===`);
  const run = spawnSync(path.join(root, 'node_modules/.bin/stryker'), ['run', 'stryker/stryker.config.mjs', ...strykerArgs], {
    cwd: root, stdio: 'inherit',
    // Tests that run on both stores run on PostgreSQL only here: the same code under test, real row locks, and
    // none of PGlite's wasm start-up, which every mutant's run would pay again (5x the time).
    env: { OCOPEA_TEST_STORES: 'postgres', ...process.env, OCOPEA_MUTATION_PACKAGE: pkg, OCOPEA_MUTATION_TESTS: judge === pkg ? '' : judge },
  });
  if (run.status !== 0) { results.push({ pkg, problem: `stryker exited with ${run.status ?? run.signal}` }); continue; }
  const slug = (judge === pkg ? pkg : `${pkg}-by-${judge}`).replace(/[\\/]+/g, '-');
  results.push({ pkg, ...score(JSON.parse(readFileSync(path.join(root, 'stryker/.cache/reports', `${slug}.json`), 'utf8'))) });
}

console.log('\nmutation score (killed + timed out) / (killed + timed out + survived + no coverage):');
let ok = true;
for (const r of results) {
  if (r.problem) { ok = false; console.log(`  ${r.pkg.padEnd(22)} FAILED: ${r.problem}`); continue; }
  if (r.score < BAR) ok = false;
  console.log(`  ${r.pkg.padEnd(22)} ${r.score.toFixed(2).padStart(6)} %  (${r.total} mutants: ${r.Killed} killed, ${r.Timeout} timed out, ` +
    `${r.Survived} survived, ${r.NoCoverage} no coverage)${r.score < BAR ? `  < ${BAR} %` : ''}`);
}
process.exit(ok ? 0 : 1);

function score(report) {
  const n = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  for (const file of Object.values(report.files)) for (const m of file.mutants) n[m.status in n ? m.status : 'other']++;
  const valid = n.Killed + n.Timeout + n.Survived + n.NoCoverage;
  return { ...n, total: valid + n.other, score: valid ? (100 * (n.Killed + n.Timeout)) / valid : 0 };
}

function hasTests(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .some((e) => e.isFile() && e.name.endsWith('.test.ts') && !(e.parentPath ?? e.path).includes('node_modules'));
}
