// The kit against brokers written only from the orcs contract (fakes in this process): the faithful one passes with
// no token and no extensions; each broken one fails, on the check that names its flaw.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startService, type StartedService } from '@ocopea/testing';
import { runDsb, type Report } from '../src';
import { startFakeOrcsDsb, type Flaws } from './fake-orcs-dsb';

jest.setTimeout(60_000);

const probeCmd = `${process.execPath} ${path.join(__dirname, 'probes/kv-probe.mjs')}`;
let crb: StartedService;

beforeAll(async () => { crb = await startService({ service: 'crb-fs' }); });
afterAll(async () => { await crb?.stop(); });

async function kitAgainst(flaws: Flaws): Promise<Report> {
  const dsb = await startFakeOrcsDsb(flaws);
  try {
    return await runDsb({ url: dsb.url, crbUrl: crb.url, crbToken: crb.token, probeCmd, readyTimeoutMs: 10_000, pollMs: 50 });
  } finally { await dsb.close(); }
}
const failed = (r: Report) => r.failed.map((c) => c.title);

it('passes a broker written from the orcs contract alone (no auth, UPPER-case states, no extensions)', async () => {
  const r = await kitAgainst({});
  expect(failed(r)).toEqual([]);
  const skipped = r.checks.filter((c) => c.outcome === 'skip').map((c) => c.title);
  expect(skipped).toEqual(expect.arrayContaining([
    'copy: the size the broker reported is the size that landed', 'copy: the checksum the broker reported is the digest of what landed',
    'auth: a request without a token is refused with 401',
  ]));
  expect(r.verdict()[0]).toMatch(/^The Site can use this DSB: .*restore instances from those copies/);
});

it('fails a broker that reports RUNNING before it is ready', async () => {
  const r = await kitAgainst({ runningBeforeReady: true });
  expect(failed(r)).toEqual(['probe: write test data through the binding']);
  expect(r.failed[0].detail).toMatch(/503 .*still starting/);
  expect(r.verdict().join('\n')).toMatch(/cannot rely on this DSB:\n {2}- the instance it reports RUNNING cannot be used/);
});

it('fails a broker that loses a copy, quoting the request and answer', async () => {
  const r = await kitAgainst({ losesCopies: true });
  expect(failed(r)).toEqual(['copy: the copy landed in the CRB whole']);
  expect(r.failed[0].exchange).toMatchObject({ method: 'GET', status: 404 });
  expect(r.failed[0].exchange!.url).toMatch(/\/copies\/[0-9a-f-]+\/data$/);
});

it('fails a broker that answers 500 on bad input', async () => {
  const r = await kitAgainst({ crashesOnBadInput: true });
  expect(failed(r)).toEqual([
    'bad body: a body without instanceId answers 400 with {code, message}',
    'bad body: an instanceId with a path in it answers 400 with {code, message}',
    'bad body: a body that is not an object answers 400 with {code, message}',
  ]);
  expect(r.failed[0]).toMatchObject({ detail: 'POST /service_instances with a body without instanceId: expected 400, got 500' });
  expect(r.failed[0].exchange!.responseBody).toMatch(/NullPointerException/);
});

describe('the command line', () => {
  const run = promisify(execFile);
  const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', path.join(__dirname, '../src/cli.ts'), ...args], { cwd: path.join(__dirname, '..') })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);

  it('exits 1 on a failure, prints the request and answer, and writes a private JUnit file', async () => {
    const dsb = await startFakeOrcsDsb({ losesCopies: true });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'conformance-junit-'));
    try {
      const junit = path.join(dir, 'out.xml');
      const r = await cli(['dsb', dsb.url, '--crb', crb.url, '--crb-token', crb.token, '--timeout', '10', '--junit', junit]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL {2}copy: the copy landed in the CRB whole\n.*expected 200, got 404\n\s+request: GET http:\/\/127\.0\.0\.1:\d+\/crb\/copies\/[0-9a-f-]+\/data\n\s+answer: {2}404 /);
      expect(r.stdout).toMatch(/\d+ passed, 1 failed, \d+ skipped/);
      expect(r.stdout).toContain('The Site cannot rely on this DSB:');
      expect(r.stdout).not.toContain(crb.token);
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toMatch(/<testsuite name="dsb http:[^"]+" tests="\d+" failures="1" skipped="\d+"/);
      expect(xml).toMatch(/<failure message="[^"]*expected 200, got 404">request: GET /);
      expect(statSync(junit).mode & 0o077).toBe(0);
    } finally { await dsb.close(); rmSync(dir, { recursive: true, force: true }); }
  });

  it('exits 2 on bad usage', async () => {
    expect((await cli(['dsb', 'not a url'])).code).toBe(2);
    expect((await cli(['nope'])).code).toBe(2);
  });
});
