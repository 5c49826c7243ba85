import { randomUUID } from 'node:crypto';
import { CheckFailure, CheckSkipped, expectErrorShape, expectStatus, HttpClient, type Answer } from './http';
import { Report } from './report';
import { checkAnonymousRefused, pollUntil, type Timing } from './common';

export interface PsbOptions extends Partial<Timing> {
  url: string;
  token?: string;
  /** `NAME:VERSION` of what to deploy (default `notes-app:1.0.0`, our sample app, which psb-process runs). */
  image?: string;
  /** Space to deploy into (default: the first of GET /psb/spaces). */
  space?: string;
  /** Port the image serves HTTP on (default 8080). */
  httpPort?: number;
  environment?: Record<string, string>;
}

/**
 * What the Site does with a PSB: info and spaces, probe (404), deploy, poll to `running`, open the entry URL, ask
 * for the logs address, delete and probe again (404); plus the refusals for bad manifests.
 */
export async function runPsb(o: PsbOptions): Promise<Report> {
  const r = new Report('psb', o.url);
  const psb = new HttpClient(o.url, o.token);
  const t: Timing = { readyTimeoutMs: o.readyTimeoutMs ?? 120_000, pollMs: o.pollMs ?? 250, copyTimeoutMs: 0 };
  const image = o.image ?? 'notes-app:1.0.0';
  const colon = image.lastIndexOf(':');
  const [imageName, imageVersion] = colon > 0 ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
  let deployed: { space: string; id: string } | undefined;
  try {
    const info = await r.check('info: GET /psb/info describes the broker', { consequence: 'registration fails: the Site reads GET /psb/info' }, async () => {
      const a = await psb.call('GET', '/psb/info');
      expectStatus(a, [200], 'GET /psb/info');
      if (typeof a.json?.type !== 'string' || typeof a.json?.name !== 'string') throw new CheckFailure('no name or type: the Site matches app services to PSBs by type', a.exchange);
      const max = Number(a.json.appServiceIdMaxLength);
      return { type: a.json.type as string, maxLength: Number.isInteger(max) && max > 0 ? max : 50 };
    });
    if (!info) return r;
    r.can(`register it (type '${info.type}')`);
    const space = await r.check('spaces: GET /psb/spaces lists a space to deploy into', { consequence: 'deploys fail: there is no space to deploy into' }, async () => {
      const a = await psb.call('GET', '/psb/spaces');
      expectStatus(a, [200], 'GET /psb/spaces');
      const names = Array.isArray(a.json) ? a.json.map((s: { name?: unknown }) => s?.name).filter((n: unknown) => typeof n === 'string') : [];
      if (names.length === 0) throw new CheckFailure('no space', a.exchange);
      if (o.space && !names.includes(o.space)) throw new CheckFailure(`space '${o.space}' is not listed (${names.join(', ')})`, a.exchange);
      return (o.space ?? names[0]) as string;
    });
    if (!space) return r;
    const id = `conf${randomUUID().replace(/-/g, '').slice(0, Math.min(16, info.maxLength - 4))}`;
    const path = `/psb/app-services/${encodeURIComponent(space)}/${id}`;

    await r.check('unknown app service: GET answers 404', { consequence: 'deploys stall: the Site probes before deploying and takes 404 as "not there yet"' }, async () => {
      const a = await psb.call('GET', path);
      expectStatus(a, [404], 'GET of an unknown app service');
    });
    await r.check('bad manifest: a deploy without imageName answers 400 with {code, message}', { consequence: 'bad manifests crash the broker or pass: the Site cannot tell a mistake from an outage' }, async () => {
      const a = await psb.call('POST', '/psb/app-services', { json: { appServiceId: `${id}x`, space } });
      expectStatus(a, [400], 'POST /psb/app-services without imageName');
      expectErrorShape(a, 'POST /psb/app-services without imageName');
    });

    const manifest = {
      appServiceId: id, space, imageName, ...(imageVersion ? { imageVersion } : {}), environmentVariables: o.environment ?? {},
      psbSettings: {}, exposedPorts: [o.httpPort ?? 8080], httpPort: o.httpPort ?? 8080, serviceBindings: {},
    };
    const accepted = await r.check(`deploy: POST /psb/app-services accepts ${image}`, { consequence: 'deploys fail: app services cannot be started' }, async () => {
      deployed = { space, id };
      const a = await psb.call('POST', '/psb/app-services', { json: manifest, timeoutMs: t.readyTimeoutMs });
      expectStatus(a, [200, 201], 'POST /psb/app-services');
      if (Number(a.json?.status) !== 0) throw new CheckFailure(`status ${a.json?.status}: the Site treats any status but 0 as a failure`, a.exchange);
      return true;
    });
    const entry = accepted && await r.check(`running: the app service reaches running within ${Math.round(t.readyTimeoutMs / 1000)} s`, { consequence: 'deploys fail: app services never reach running' }, async () => {
      let last: Answer | undefined;
      await pollUntil(t, async () => {
        last = await psb.call('GET', path);
        expectStatus(last, [200], `GET ${path}`);
        const s = String(last.json?.status ?? '').toLowerCase();
        if (s === 'running') return true;
        if (s === 'starting' || s === 'stopped') return false;
        throw new CheckFailure(`status '${last.json?.status}'${last.json?.statusMessage ? ` (${last.json.statusMessage})` : ''}`, last.exchange);
      }, () => new CheckFailure(`still ${last?.json?.status} after ${t.readyTimeoutMs} ms`, last?.exchange));
      const url = last!.json.entryPointURL;
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new CheckFailure('running without an http(s) entryPointURL: the Site links the app to it', last!.exchange);
      return url as string;
    });
    if (entry) {
      r.can('deploy app services and poll them to running');
      await r.check('entry URL: the running app service answers HTTP at entryPointURL', { consequence: 'users get a link that does not answer' }, async () => {
        const probe = new HttpClient(entry);
        let last: CheckFailure | undefined;
        await pollUntil({ ...t, readyTimeoutMs: Math.min(t.readyTimeoutMs, 30_000) }, async () => {
          try {
            const a = await probe.call('GET', '', { timeoutMs: 5000 });
            if (a.status < 500) return true;
            last = new CheckFailure(`answered ${a.status}`, a.exchange);
          } catch (err) { last = err as CheckFailure; }
          return false;
        }, () => last ?? new CheckFailure(`${entry} does not answer`));
        return entry;
      });
      await r.check('logs: GET …/logs answers a websocket address', { consequence: 'the Site shows no logs for the app service' }, async () => {
        const a = await psb.call('GET', `${path}/logs`);
        expectStatus(a, [200], 'GET …/logs');
        if (typeof a.json?.address !== 'string' || !/^wss?:\/\//.test(a.json.address)) throw new CheckFailure('no ws:// or wss:// address', a.exchange);
      });
      await r.check('list: GET /psb/app-services lists the app service', { optional: true, consequence: 'a Site reconciling after a restart cannot see what runs' }, async () => {
        const a = await psb.call('GET', '/psb/app-services');
        if ([404, 405, 501].includes(a.status)) throw new CheckSkipped(`not advertised (answered ${a.status})`);
        expectStatus(a, [200], 'GET /psb/app-services');
        if (!Array.isArray(a.json) || !a.json.some((s: { appServiceId?: string }) => s?.appServiceId === id)) throw new CheckFailure(`${id} is not listed`, a.exchange);
      });
    }
    if (accepted) {
      await r.check('duplicate: a second deploy of the same id answers 409', { optional: true, consequence: 'a retried deploy may start a second copy of the app service' }, async () => {
        const a = await psb.call('POST', '/psb/app-services', { json: manifest });
        if (a.status >= 200 && a.status < 300) throw new CheckFailure(`accepted (${a.status}) a second deploy of the same id`, a.exchange);
        if (a.status !== 409) throw new CheckSkipped(`answered ${a.status}: the orcs contract names no answer for a duplicate (the Site probes with GET first)`);
      });
      const gone = await r.check('delete: DELETE the app service, then GET answers 404', { consequence: 'stopping apps leaks app services' }, async () => {
        const a = await psb.call('DELETE', path, { timeoutMs: t.readyTimeoutMs });
        expectStatus(a, [200], `DELETE ${path}`);
        if (a.json?.status !== undefined && Number(a.json.status) !== 0) throw new CheckFailure(`status ${a.json.status}: the Site treats any status but 0 as a failure`, a.exchange);
        await pollUntil(t, async () => (await psb.call('GET', path)).status === 404, () => new CheckFailure(`GET ${path} still answers after DELETE`));
        return true;
      });
      if (gone) { deployed = undefined; r.can('stop them'); }
    }
    await checkAnonymousRefused(r, psb, '/psb/spaces', o.token);
    return r;
  } finally {
    if (deployed) await psb.call('DELETE', `/psb/app-services/${encodeURIComponent(deployed.space)}/${deployed.id}`).catch(() => undefined);
  }
}
