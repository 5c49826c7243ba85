import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { CheckFailure, CheckSkipped, expectErrorShape, expectStatus, HttpClient, type Answer } from './http';
import { grantUrl, openCrb, type CrbTarget } from './crb-target';
import { runProbe } from './probe';
import { Report } from './report';
import { checkAnonymousRefused, pollUntil, type Timing } from './common';

export interface DsbOptions extends Partial<Timing> {
  url: string;
  token?: string;
  /** Plan id to create instances with (default: the first plan that offers shpanRest copies). */
  plan?: string;
  /** A CRB the broker can reach; default a crb-fs the kit starts. */
  crbUrl?: string;
  crbToken?: string;
  probeCmd?: string;
  /** Extra `instanceSettings` (the plan's dsbSettings are merged in as the Site does). */
  settings?: Record<string, string>;
}

const isShpanRest = (p: { copyProtocol?: unknown }) => typeof p?.copyProtocol === 'string' && p.copyProtocol.toLowerCase() === 'shpanrest';
const state = (a: Answer) => String(a.json?.state ?? '').toUpperCase();

/**
 * What the Site does with a DSB, in order: read its info and plans, probe for an instance (404), create one and poll
 * it to RUNNING, read its binding, list it, copy it into a CRB through a scoped grant, check the copy landed whole,
 * restore a new instance from it, delete both; plus the error answers for bad input.
 */
export async function runDsb(o: DsbOptions): Promise<Report> {
  const r = new Report('dsb', o.url);
  const dsb = new HttpClient(o.url, o.token);
  const t: Timing = { readyTimeoutMs: o.readyTimeoutMs ?? 120_000, pollMs: o.pollMs ?? 250, copyTimeoutMs: o.copyTimeoutMs ?? 600_000 };
  const run = randomUUID().slice(0, 8);
  const instanceId = `conformance-${run}`;
  const restoredId = `conformance-${run}-restored`;
  const created = new Set<string>();
  const copyId = randomUUID();
  let crb: CrbTarget | undefined;

  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- broker JSON, checked field by field
    const info = await r.check('info: GET / describes the broker and its plans', { consequence: 'registration fails: the Site reads GET / when a DSB is registered' }, async (): Promise<any> => {
      const a = await dsb.call('GET', '/');
      expectStatus(a, [200], 'GET /');
      const j = a.json;
      if (!j || typeof j.name !== 'string' || typeof j.type !== 'string') throw new CheckFailure('no name or type', a.exchange);
      if (!Array.isArray(j.plans) || j.plans.length === 0) throw new CheckFailure('no plans: the Site offers nothing to deploy', a.exchange);
      if (j.plans.some((p: { id?: unknown }) => typeof p?.id !== 'string' || !p.id)) throw new CheckFailure('a plan has no id', a.exchange);
      return j;
    });
    if (!info) return r;
    r.can(`register it (type '${info.type}', plans ${info.plans.map((p: { id: string }) => p.id).join(', ')})`);

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a plan from the broker's JSON
    const plan = await r.check('plans: a plan offers the shpanRest copy protocol', { consequence: 'app copies fail: no plan offers shpanRest, the only copy protocol the Site speaks' }, async (): Promise<any> => {
      const plans = info.plans as { id: string; copyProtocols?: { copyProtocol?: string; copyProtocolVersion?: string | null }[]; dsbSettings?: Record<string, string> }[];
      const chosen = o.plan ? plans.find((p) => p.id === o.plan) : plans.find((p) => (p.copyProtocols ?? []).some(isShpanRest)) ?? plans[0];
      if (!chosen) throw new CheckFailure(`no plan '${o.plan}'; plans: ${plans.map((p) => p.id).join(', ')}`);
      const cp = (chosen.copyProtocols ?? []).find(isShpanRest);
      if (!cp) throw new CheckFailure(`plan '${chosen.id}' lists no shpanRest copy protocol (copyProtocols: ${JSON.stringify(chosen.copyProtocols ?? null)})`);
      return chosen;
    });

    await r.check('icon: GET /icon answers an image or 204', { optional: true, consequence: 'the Site shows no icon for this broker' }, async () => {
      const a = await dsb.call('GET', '/icon');
      if (a.status === 404) throw new CheckSkipped('not served (404)');
      expectStatus(a, [200, 204], 'GET /icon');
      if (a.status === 200 && !/^image\//.test(a.headers.get('content-type') ?? '')) throw new CheckFailure('200 without an image content type', a.exchange);
    });

    await r.check('unknown instance: GET answers 404 with {code, message}', { consequence: 'deploys stall: the Site probes GET /service_instances/{id} and takes 404 as "not created yet"' }, async () => {
      const a = await dsb.call('GET', `/service_instances/conformance-${run}-unknown`);
      expectStatus(a, [404], 'GET of an unknown instance');
      expectErrorShape(a, 'GET of an unknown instance');
    });

    const settings = { ...(plan?.dsbSettings ?? {}), ...(o.settings ?? {}), ...(plan ? { plan: plan.id } : {}) };
    const createBody = (id: string, restoreInfo?: unknown) => ({ instanceId: id, namespaces: ['default'], instanceSettings: settings, ...(restoreInfo ? { restoreInfo } : {}) });

    const made = await r.check('create: POST /service_instances accepts a new instance', { consequence: 'deploys fail: instances cannot be created' }, async () => {
      created.add(instanceId);
      const a = await dsb.call('POST', '/service_instances', { json: createBody(instanceId), timeoutMs: t.readyTimeoutMs });
      expectStatus(a, [200, 201, 202], 'POST /service_instances');
      if (a.json?.instanceId !== undefined && a.json.instanceId !== instanceId) throw new CheckFailure(`answered instanceId '${a.json.instanceId}'`, a.exchange);
      return a.status === 200 ? '' : `answered ${a.status} (the spec says 200; the Site accepts any 2xx)`;
    });

    const binding = made === undefined ? undefined : await waitRunning(r, dsb, instanceId, t, 'create');
    if (binding) r.can('create instances and bind applications to them');

    if (made !== undefined) {
      await r.check('list: GET /service_instances lists the instance', { consequence: 'the Site\'s views of this broker miss instances' }, async () => {
        const a = await dsb.call('GET', '/service_instances');
        expectStatus(a, [200], 'GET /service_instances');
        if (!Array.isArray(a.json) || !a.json.some((i: { instanceId?: string }) => i?.instanceId === instanceId)) throw new CheckFailure(`'${instanceId}' is not listed`, a.exchange);
      });
      await r.check('duplicate id: POST of an existing instanceId answers 409 with {code, message}', { consequence: 'a retried deploy may take over or break an existing instance' }, async () => {
        const a = await dsb.call('POST', '/service_instances', { json: createBody(instanceId) });
        expectStatus(a, [409], 'POST of an existing instanceId');
        expectErrorShape(a, 'POST of an existing instanceId');
      });
    }
    await checkBadInput(r, dsb, run, settings);

    // The copy, as the Site takes it: metadata first, then the DSB streams the bytes through a write grant.
    let copied: { size?: number; checksum?: string } | undefined;
    if (binding) {
      let usable = true;
      if (o.probeCmd) {
        usable = await r.check('probe: write test data through the binding', { consequence: 'the instance it reports RUNNING cannot be used' }, () => runProbe(o.probeCmd!, 'write', instanceId, binding)) !== undefined;
      } else r.skip('probe: write test data through the binding', 'no --probe-cmd given');
      if (usable) crb = await r.check('copy: the CRB to copy into is ready', {}, async () => openCrb(o.crbUrl, o.crbToken));
      else r.skip('copy: POST /service_instances/{id}/copy streams a copy into the CRB', 'the probe could not write to the instance');
      if (crb) {
        const target = crb;
        copied = await r.check('copy: POST /service_instances/{id}/copy streams a copy into the CRB', { consequence: 'app copies fail: the copy request is refused or fails' }, async () => {
          const meta = await target.client.call('POST', `/copies/${copyId}`, { json: { copyId, repoId: target.repoId, copyTimeStamp: new Date().toISOString(), facility: 'shpanCopy', copyAdditionalInfo: {} } });
          expectStatus(meta, [200, 201], 'the CRB\'s POST /copies/{copyId} (metadata, as the Site stores it)');
          const url = await grantUrl(target, { access: 'write', copyId, repoId: target.repoId });
          const a = await dsb.call('POST', `/service_instances/${instanceId}/copy`, {
            json: { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: target.repoId }, copyType: 'shpanCopy', copyTime: Date.now() },
            timeoutMs: t.copyTimeoutMs,
          });
          expectStatus(a, [200], 'POST /service_instances/{id}/copy');
          if (a.json?.status !== undefined && Number(a.json.status) !== 0) throw new CheckFailure(`status ${a.json.status}: the Site treats any status but 0 as a failed copy`, a.exchange);
          return { size: typeof a.json?.size === 'number' ? a.json.size : undefined, checksum: typeof a.json?.checksum === 'string' ? a.json.checksum : undefined };
        });
      }
      if (crb && copied) {
        const landed = await checkLanded(r, crb, copyId, copied);
        if (landed) r.can('take copies into a CRB with shpanRest');
        const restored = landed && await r.check('restore: POST /service_instances with restoreInfo accepts a new instance from the copy', { consequence: 'restores fail: instances cannot be created from a copy' }, async () => {
          created.add(restoredId);
          const url = await grantUrl(crb!, { access: 'read', copyId });
          const a = await dsb.call('POST', '/service_instances', {
            json: createBody(restoredId, { copyId, copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url, repoId: crb!.repoId }, copyType: 'shpanCopy' }),
            timeoutMs: t.readyTimeoutMs,
          });
          expectStatus(a, [200, 201, 202], 'POST /service_instances (restoreInfo)');
          return true;
        });
        const restoredBinding = restored ? await waitRunning(r, dsb, restoredId, t, 'restore') : undefined;
        if (restoredBinding) {
          r.can('restore instances from those copies');
          if (o.probeCmd) {
            await r.check('probe: the data written before the copy is in the restored instance', { consequence: 'restores lose data: the restored instance lacks what was copied' }, () => runProbe(o.probeCmd!, 'check', restoredId, restoredBinding));
          } else r.skip('probe: the data written before the copy is in the restored instance', 'no --probe-cmd given');
        }
      }
    } else {
      for (const title of ['copy: POST /service_instances/{id}/copy streams a copy into the CRB', 'restore: POST /service_instances with restoreInfo accepts a new instance from the copy']) {
        r.skip(title, 'no RUNNING instance to copy');
      }
    }

    await r.check('copy of an unknown instance answers 404 with {code, message}', { consequence: 'copy failures of vanished instances are misreported' }, async () => {
      const a = await dsb.call('POST', `/service_instances/conformance-${run}-unknown/copy`, {
        json: { copyId: randomUUID(), copyRepoProtocol: 'shpanRest', copyRepoProtocolVersion: '1.0', copyRepoCredentials: { url: crb?.url ?? 'http://127.0.0.1:9/crb', repoId: crb?.repoId ?? 'default' } },
      });
      expectStatus(a, [404], 'copy of an unknown instance');
      expectErrorShape(a, 'copy of an unknown instance');
    });

    for (const id of [restoredId, instanceId]) {
      if (!created.has(id)) continue;
      const gone = await r.check(`delete: DELETE ${id === instanceId ? 'the instance' : 'the restored instance'}, then GET answers 404`, { consequence: 'stopping apps leaks data services: deleted instances stay' }, async () => {
        const a = await dsb.call('DELETE', `/service_instances/${id}`, { timeoutMs: t.readyTimeoutMs });
        expectStatus(a, [200, 202, 204], 'DELETE /service_instances/{id}');
        await pollUntil(t, async () => {
          const g = await dsb.call('GET', `/service_instances/${id}`);
          if (g.status === 404) return true;
          if (g.status === 200 && ['REMOVING', 'RUNNING'].includes(state(g))) return false;
          throw new CheckFailure(`after DELETE: expected 404 (or REMOVING meanwhile), got ${g.status} ${state(g)}`, g.exchange);
        }, () => new CheckFailure(`still there ${t.readyTimeoutMs} ms after DELETE`));
        return true;
      });
      if (gone) created.delete(id);
    }
    if (!created.has(instanceId) && made !== undefined) r.can('delete instances');

    await checkAnonymousRefused(r, dsb, '/service_instances', o.token);
    return r;
  } finally {
    for (const id of created) await dsb.call('DELETE', `/service_instances/${id}`).catch(() => undefined);
    if (crb && !crb.started) await crb.client.call('DELETE', `/copies/${copyId}`).catch(() => undefined);
    await crb?.close();
  }
}

/** Polls an instance to RUNNING (CREATING meanwhile) and checks its binding; answers the binding. */
async function waitRunning(r: Report, dsb: HttpClient, id: string, t: Timing, what: 'create' | 'restore'): Promise<Record<string, string> | undefined> {
  const running = await r.check(`${what}: the instance reaches RUNNING within ${Math.round(t.readyTimeoutMs / 1000)} s`, {
    consequence: what === 'create' ? 'deploys fail: instances never reach RUNNING' : 'restores fail: restored instances never reach RUNNING',
  }, async () => {
    let last: Answer | undefined;
    await pollUntil(t, async () => {
      last = await dsb.call('GET', `/service_instances/${id}`);
      expectStatus(last, [200], `GET /service_instances/${id}`);
      const s = state(last);
      if (s === 'RUNNING') return true;
      if (s === 'CREATING') return false;
      throw new CheckFailure(`state '${last.json?.state}'${last.json?.stateMessage ? ` (${last.json.stateMessage})` : ''}: the Site treats anything but CREATING or RUNNING as a failure`, last.exchange);
    }, () => new CheckFailure(`still ${last?.json?.state} after ${t.readyTimeoutMs} ms`, last?.exchange));
    const raw = String(last!.json.state);
    return { answer: last!, note: raw === raw.toUpperCase() ? '' : `state '${raw}' is lower case (accepted; the orcs wire is upper case)` };
  });
  if (!running) return undefined;
  if (running.note) r.checks[r.checks.length - 1].detail = running.note;
  const binding = await r.check(`${what}: the RUNNING instance has a binding`, { consequence: 'binding fails: applications get no connection details' }, async () => {
    const b = running.answer.json.binding;
    if (!b || typeof b !== 'object' || Object.keys(b).length === 0) throw new CheckFailure('binding is empty: the orcs Site fails the binding', running.answer.exchange);
    if (Object.values(b).some((v) => typeof v !== 'string')) throw new CheckFailure('binding values must be strings', running.answer.exchange);
    return b as Record<string, string>;
  });
  return binding;
}

/** Fetches the landed copy from the CRB and compares it with what the broker reported (size, checksum). */
async function checkLanded(r: Report, crb: CrbTarget, copyId: string, reported: { size?: number; checksum?: string }): Promise<boolean> {
  const ok = await r.check('copy: the copy landed in the CRB whole', { consequence: 'app copies are lost: the broker reports a copy the CRB does not hold' }, async () => {
    const a = await crb.client.call('GET', `/copies/${copyId}/data`, { timeoutMs: 600_000 });
    expectStatus(a, [200], 'the CRB\'s GET /copies/{copyId}/data');
    const sha256 = createHash('sha256').update(a.bytes).digest('hex');
    const crc = (crc32(a.bytes) >>> 0).toString(16).padStart(8, '0');
    const meta = await crb.client.call('GET', `/copies/${copyId}`);
    const info = meta.json?.copyAdditionalInfo ?? {};
    if (info.size !== undefined && Number(info.size) !== a.bytes.length) throw new CheckFailure(`the CRB's metadata says ${info.size} bytes, it served ${a.bytes.length}`, meta.exchange);
    if (typeof info.sha256 === 'string' && info.sha256 !== sha256) throw new CheckFailure(`the CRB's metadata says sha256 ${info.sha256}, it served ${sha256}`, meta.exchange);
    return { size: a.bytes.length, sha256, crc };
  });
  if (!ok) return false;
  const sizeOk = await r.check('copy: the size the broker reported is the size that landed', { optional: true, consequence: 'the Site records a wrong copy size' }, async () => {
    if (reported.size === undefined) throw new CheckSkipped('the broker reports no size (extension)');
    if (reported.size !== ok.size) throw new CheckFailure(`the broker reported ${reported.size} bytes, the CRB holds ${ok.size}`);
    return `${ok.size} bytes`;
  });
  const digestOk = await r.check('copy: the checksum the broker reported is the digest of what landed', { optional: true, consequence: 'the Site records a wrong checksum: copies cannot be verified' }, async () => {
    if (reported.checksum === undefined) throw new CheckSkipped('the broker reports no checksum (extension)');
    const [alg, hex] = reported.checksum.split(':');
    const mine = alg === 'sha256' ? ok.sha256 : alg === 'crc32' ? ok.crc : undefined;
    if (!mine) throw new CheckFailure(`checksum '${reported.checksum}' is neither sha256:<hex> nor crc32:<hex>`);
    if (hex?.toLowerCase() !== mine) throw new CheckFailure(`the broker reported ${reported.checksum}, what landed has ${alg}:${mine}`);
    return reported.checksum;
  });
  return sizeOk !== undefined || reported.size === undefined ? digestOk !== undefined || reported.checksum === undefined : false;
}

/** The error answers the Site depends on: a bad body, a hostile id and an unknown plan are 400s, never 500s. */
async function checkBadInput(r: Report, dsb: HttpClient, run: string, settings: Record<string, string>): Promise<void> {
  const cases: [string, unknown][] = [
    ['a body without instanceId', { instanceSettings: settings }],
    ['an instanceId with a path in it', { instanceId: `../../conformance-${run}`, instanceSettings: settings }],
    ['a body that is not an object', ['not', 'an', 'object']],
  ];
  for (const [what, body] of cases) {
    await r.check(`bad body: ${what} answers 400 with {code, message}`, { consequence: 'bad requests crash the broker or pass: the Site cannot tell a mistake from an outage' }, async () => {
      const a = await dsb.call('POST', '/service_instances', { json: body });
      expectStatus(a, [400], `POST /service_instances with ${what}`);
      expectErrorShape(a, `POST /service_instances with ${what}`);
    });
  }
  await r.check('unknown plan: POST with instanceSettings.plan unknown answers 400 with {code, message}', { consequence: 'a deploy with a plan the broker lacks is not refused clearly' }, async () => {
    const a = await dsb.call('POST', '/service_instances', { json: { instanceId: `conformance-${run}-badplan`, instanceSettings: { ...settings, plan: `no-such-plan-${run}` } } });
    if (a.status >= 200 && a.status < 300) await dsb.call('DELETE', `/service_instances/conformance-${run}-badplan`).catch(() => undefined);
    expectStatus(a, [400], 'POST /service_instances with an unknown plan');
    expectErrorShape(a, 'POST /service_instances with an unknown plan');
  });
}
