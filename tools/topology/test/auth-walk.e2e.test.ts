// Every operation of every spec, against every service we ship running as a real process: anonymous and a set of
// bad credentials (malformed, alg none, forged grants, near-miss tokens) → 401,
// a viewer on anything above viewer → 403, the role the spec declares (x-ocopea-role) → neither 401 nor 403.
// Generated from specs/*.yaml, so an operation added without a role (the kit refuses to start) or a route that
// forgets its check cannot pass unnoticed.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSpec } from '@ocopea/service-kit';
import { requireTestPostgres } from '@ocopea/sql-store';
import { startService, type StartedService } from '@ocopea/testing';
// The fake stands for the Kubernetes API server only (there is no cluster here); psb-k8s itself runs for real.
import { FakeKubernetesApiServer } from '@ocopea/testing';

jest.setTimeout(240_000);

type Role = 'viewer' | 'operator' | 'admin';
const token = () => randomBytes(24).toString('base64url');
const TOKENS: Record<Role, string> = { viewer: token(), operator: token(), admin: token() };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/** The services and the spec each serves. psb-process and psb-k8s both serve psb.yaml. */
const TARGETS: { service: string; spec: string; env?: (dir: string) => Record<string, string> }[] = [
  { service: 'crb-fs', spec: 'crb' },
  { service: 'dsb-fs', spec: 'dsb' },
  { service: 'dsb-postgres', spec: 'dsb', env: () => ({ DSB_POSTGRES_DB_PREFIX: `ocopea_authwalk_${process.pid}_` }) },
  { service: 'dsb-mariadb', spec: 'dsb', env: () => ({ DSB_MARIADB_DB_PREFIX: `aw${process.pid.toString(36)}_` }) },
  { service: 'psb-process', spec: 'psb' },
  { service: 'psb-k8s', spec: 'psb' },
  { service: 'site', spec: 'site' },
  { service: 'hub', spec: 'hub' },
];

interface Op { method: string; path: string; operationId: string; role: Role; body: boolean; octets: boolean }

function operations(specName: string): Op[] {
  const spec = loadSpec(specName);
  const out: Op[] = [];
  for (const [p, item] of Object.entries(spec.paths as Record<string, Record<string, { operationId: string; 'x-ocopea-role': Role; requestBody?: { content?: Record<string, unknown> } }>>)) {
    for (const m of ['get', 'post', 'put', 'delete', 'patch']) {
      const o = item[m];
      if (!o) continue;
      const content = Object.keys(o.requestBody?.content ?? {});
      out.push({ method: m.toUpperCase(), path: p, operationId: o.operationId, role: o['x-ocopea-role'], body: content.length > 0, octets: content.includes('application/octet-stream') });
    }
  }
  return out;
}

/** A request for `op` with made-up ids: what it reaches is not the point, only whether the caller got past the door. */
async function send(svc: StartedService, basePath: string, op: Op, bearer?: string, rawAuthorization?: string): Promise<{ status: number; body: unknown }> {
  const url = svc.origin + (basePath === '/' ? '' : basePath) + op.path.replace(/\{[^}]+\}/g, (k) => `auth-walk-${k.slice(1, -1).toLowerCase()}`);
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (rawAuthorization !== undefined) headers.authorization = rawAuthorization;
  let body: string | undefined;
  if (op.body) {
    headers['content-type'] = op.octets ? 'application/octet-stream' : 'application/json';
    body = op.octets ? '' : '{}';
  }
  const res = await fetch(url, { method: op.method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Credentials no service may accept: each must be a 401 {code, message}, never a 5xx. */
const BAD_CREDENTIALS = [
  'Bearer garbage', 'Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer  ', `Bearer ${'a'.repeat(9000)}`, 'Bearer ä-not-ascii',
  `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', ocopea_role: 'admin', exp: 9999999999 })}.`,
  `Bearer ${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ acc: 'read', cid: 'auth-walk-copyid', aud: 'ocopea-crb-grant', exp: 1 })}.c2ln`,
  `Bearer ${TOKENS.admin}x`, `Bearer ${TOKENS.admin.slice(1)}`,
];

describe('every operation of every spec refuses the wrong caller (real processes)', () => {
  const running: { svc: StartedService; spec: string; basePath: string }[] = [];
  let dir: string;
  let fake: FakeKubernetesApiServer;

  beforeAll(async () => {
    await requireTestPostgres();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ocopea-auth-walk-'));
    const tokensFile = path.join(dir, 'tokens.yaml');
    writeFileSync(tokensFile, JSON.stringify({ principals: [
      { name: 'walk-viewer', role: 'viewer', sha256: sha(TOKENS.viewer) },
      { name: 'walk-operator', role: 'operator', sha256: sha(TOKENS.operator) },
    ] }), { mode: 0o600 });
    fake = await new FakeKubernetesApiServer(['default']).start();
    const kubeconfig = fake.writeKubeconfig(dir);
    const started = await Promise.allSettled(TARGETS.map(async (t) => {
      const env: Record<string, string> = { OCOPEA_ADMIN_TOKEN: TOKENS.admin, OCOPEA_TOKENS_FILE: tokensFile, ...t.env?.(dir) };
      if (t.service === 'psb-k8s') Object.assign(env, { KUBECONFIG: kubeconfig, KUBERNETES_SERVICE_HOST: '' });
      const svc = await startService({ service: t.service, env, startTimeoutMs: 90_000 });
      running.push({ svc, spec: t.spec, basePath: new URL(svc.url).pathname.replace(/\/$/, '') || '/' });
    }));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  });

  afterAll(async () => {
    for (const r of running.reverse()) await r.svc.stop().catch(() => undefined);
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('anonymous 401, viewer 403 above its role, the declared role neither', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { svc, spec, basePath } of running) {
      for (const op of operations(spec)) {
        const where = `${svc.name} ${op.method} ${op.path} (${op.operationId}, ${op.role})`;
        const anon = await send(svc, basePath, op);
        if (anon.status !== 401 || typeof (anon.body as { message?: unknown })?.message !== 'string') failures.push(`${where}: anonymous got ${anon.status}`);
        const viewer = await send(svc, basePath, op, TOKENS.viewer);
        if (op.role !== 'viewer' && viewer.status !== 403) failures.push(`${where}: viewer got ${viewer.status}, expected 403`);
        if (op.role === 'viewer' && (viewer.status === 401 || viewer.status === 403)) failures.push(`${where}: viewer refused with ${viewer.status}`);
        for (const bad of BAD_CREDENTIALS) {
          const r = await send(svc, basePath, op, undefined, bad);
          if (r.status !== 401 || typeof (r.body as { message?: unknown })?.message !== 'string') failures.push(`${where}: '${bad.slice(0, 40)}' got ${r.status}`);
        }
        const right = await send(svc, basePath, op, TOKENS[op.role]);
        if (right.status === 401 || right.status === 403) failures.push(`${where}: ${op.role} refused with ${right.status}: ${JSON.stringify(right.body)}`);
        if (right.status >= 500 && right.status !== 502 && right.status !== 503) failures.push(`${where}: ${op.role} got ${right.status}: ${JSON.stringify(right.body)}`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    // 14 CRB + 2×7 DSB + 2×7 PSB + Site + Hub operations: the walk covered every one of them.
    const expected = TARGETS.reduce((n, t) => n + operations(t.spec).length, 0);
    expect(checked).toBe(expected);
    expect(checked).toBeGreaterThanOrEqual(99);
  });
});
