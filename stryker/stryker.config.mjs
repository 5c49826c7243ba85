// StrykerJS for the whole workspace, one package per run: scripts/mutation.mjs sets OCOPEA_MUTATION_PACKAGE
// (a folder such as libs/operations) and runs `stryker run stryker/stryker.config.mjs` from the repository root.
// See docs/developing.md ("Mutation testing") and stryker/equivalent-mutants.md for the survivors we accept.
const pkg = process.env.OCOPEA_MUTATION_PACKAGE;
if (!pkg) throw new Error('OCOPEA_MUTATION_PACKAGE is not set: run `pnpm test:mutation <package folder>`');
// Whose tests judge the mutants: the package's own by default; OCOPEA_MUTATION_TESTS names another package folder
// (e.g. mutate libs/errors, judge it by libs/service-kit's tests, which load it through the workspace link).
const tests = process.env.OCOPEA_MUTATION_TESTS || pkg;
const slug = (tests === pkg ? pkg : `${pkg}-by-${tests}`).replace(/[\\/]+/g, '-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  plugins: ['@stryker-mutator/jest-runner'],
  // The tests, exactly as `npx jest <package>` runs them (its jest.config.cjs on jest.preset.cjs).
  jest: { projectType: 'custom', configFile: `${tests}/jest.config.cjs`, enableFindRelatedTests: false },
  // PGlite needs VM modules under jest, as in `pnpm test`.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  // Each mutant runs only the tests that executed its code.
  coverageAnalysis: 'perTest',
  mutate: [`${pkg}/src/**/*.ts`, `!${pkg}/src/**/generated/**`],
  // In place, not in a sandbox copy: packages import each other as `@ocopea/*` through pnpm's node_modules
  // symlinks (libs/operations/node_modules/@ocopea/errors -> ../../../errors), which a sandbox would still point at
  // the unmutated originals. Stryker restores every file when it ends; run it in your own worktree, not one others
  // are editing, and do not commit while it runs.
  inPlace: true,
  // swc does no type checking, so Stryker need not prepend `// @ts-nocheck` to every source and test file (in place
  // that would rewrite files far outside the package under test).
  disableTypeChecks: false,
  // Rerun only what changed: results of untouched mutants (same code, same tests) are taken from the last run. The
  // file is a per-machine cache (gitignored), one per package, because each run only knows its own package's files.
  incremental: true,
  incrementalFile: `stryker/.cache/${slug}.incremental.json`,
  tempDirName: 'stryker/.cache/tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `stryker/.cache/reports/${slug}.html` },
  jsonReporter: { fileName: `stryker/.cache/reports/${slug}.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  // 2 cores shared by everybody: one or two test processes (scripts/mutation.mjs --concurrency 2).
  concurrency: 1,
  // A mutant that makes a test wait forever (a lease never released, a loop never ending) is a timeout, which counts
  // as detected: give up on it soon after the tests' usual time.
  timeoutMS: 3_000,
  timeoutFactor: 2,
  thresholds: { high: 90, low: 80, break: null },
};
