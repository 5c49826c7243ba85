import { hubClient, siteClient, type HubClient } from '@ocopea/api';
import { backoffDelay, sleep } from '@ocopea/errors';

/** Where the demo's notes live. */
export type DemoStorage = 'volume' | 'postgres' | 'mariadb';

/** The DSB each storage needs (registered under this URN by `pnpm start`). */
const STORAGE_DSB: Record<DemoStorage, string> = { volume: 'dsb-fs', postgres: 'dsb-postgres', mariadb: 'dsb-mariadb' };

/** One printed step of the story. */
export interface DemoStep { step: string; ms: number; detail: string }

/** What the story needs to know about the topology. */
export interface DemoTarget {
  hubUrl: string;
  /** Bearer token for the Hub (operator or admin). */
  hubToken?: string;
  /** Bearer token for the first Site (a viewer suffices: the demo only reads what its brokers call themselves). */
  siteToken?: string;
  /** Hub site ids and Site URLs of where to deploy first and where to bring the saved image up. */
  from: { siteId: string; siteUrl: string; name: string };
  to: { siteId: string; siteUrl: string; name: string };
  /** Data service for the notes: `volume` (dsb-fs, embedded), `postgres` (dsb-postgres) or `mariadb` (dsb-mariadb). */
  storage?: DemoStorage;
  log?: (s: DemoStep) => void;
  /** Per wait, ms (default 120 000). */
  timeoutMs?: number;
}

/**
 * The product story end to end, through the Hub only: create the notes-app template, deploy it on one site, write a
 * note through the app, save an image (an app copy), deploy the image on another site, read the same note there, stop
 * both. Throws on the first failure. Bytes travel broker to broker; the Hub and Sites only orchestrate.
 */
export async function runDemo(t: DemoTarget): Promise<DemoStep[]> {
  const bearer = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const hub = hubClient(t.hubUrl, { timeoutMs: 30_000, headers: bearer(t.hubToken) });
  const steps: DemoStep[] = [];
  const stamp = Date.now().toString(36);
  // The Hub identifies users by UUID (orcs did too); the demo acts as one fixed user.
  const user = DEMO_USER_ID;
  const step = async <T>(name: string, fn: () => Promise<[T, string]>): Promise<T> => {
    const t0 = Date.now();
    const [v, detail] = await fn();
    const s = { step: name, ms: Date.now() - t0, detail };
    steps.push(s);
    t.log?.(s);
    return v;
  };

  // What this topology's brokers call themselves, so the template matches them (PSB type, DSB protocol).
  const site = siteClient(t.from.siteUrl, { headers: bearer(t.siteToken) });
  const psbs = (await site.get('/site/psb')).data as { urn: string; type: string }[];
  const catalog = (await site.get('/dsb/catalog')).data as { urn: string; plans: { supportedProtocols?: { protocolName: string }[] }[] }[];
  const storage = t.storage ?? 'volume';
  const dsbUrn = STORAGE_DSB[storage];
  const database = storage !== 'volume';
  const dsb = catalog.find((d) => d.urn === dsbUrn);
  if (!dsb) throw new Error(`${t.from.name} has no ${dsbUrn} registered`);
  const protocol = dsb.plans[0]?.supportedProtocols?.[0]?.protocolName;
  const psbType = psbs.find((p) => p.urn === 'psb-process')?.type ?? psbs[0]?.type;
  if (!protocol || !psbType) throw new Error('cannot tell the PSB type or the DSB protocol of the topology');
  const depName = database ? 'notes-db' : 'notes-files';
  const env = database ? { NOTES_DATABASE_URL: `\${${depName}.uri}` } : { NOTES_DIR: `\${${depName}.path}` };

  const templateId = await step('create template', async () => {
    const res = await hub.post('/commands/createApplicationTemplate', { body: {
      name: `notes-${stamp}`, version: '1.0', description: 'Notes sample application', createdByUserId: user,
      entryPointServiceName: 'notes-web',
      appServiceTemplates: [{
        appServiceName: 'notes-web', psbType, imageName: 'notes-app', imageType: 'nodejs', imageVersion: '1.0.0',
        psbSettings: {}, environmentVariables: env, exposedPorts: [8080], httpPort: 8080, entryPointUrl: '',
        dependencies: [{ type: database ? 'DATABASE' : 'VOLUME', name: depName, description: 'where notes live', protocols: [{ protocolName: protocol }] }],
      }],
    } as never });
    const id = (res.data as { id: string }).id;
    return [id, `template ${id} (psbType ${psbType}, dependency ${depName} over ${protocol})`];
  });

  const plan = async (siteId: string) => (await hub.post('/commands/create-app-deployment-plan', { body: { appTemplateId: templateId, siteId, appPolicies: [] } as never })).data;

  const firstId = await step(`deploy on ${t.from.name}`, async () => {
    const p = await plan(t.from.siteId);
    const res = await hub.post('/commands/deploy-application', { body: { appInstanceName: `notes-${stamp}-a`, appTemplateId: templateId, siteId: t.from.siteId, creatorUserId: user, purpose: 'demo', appPolicies: [], deploymentPlan: p } as never });
    const id = String(res.data);
    const url = await waitRunning(hub, id, t.timeoutMs);
    return [{ id, url }, `instance ${id} running at ${url}`];
  });

  const text = `a note written on ${t.from.name} at ${new Date().toISOString()}`;
  await step('write a note through the app', async () => {
    const res = await fetch(`${firstId.url.replace(/\/$/, '')}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    if (res.status !== 201) throw new Error(`POST /notes answered ${res.status}: ${await res.text()}`);
    return [undefined, `POST /notes -> 201`];
  });

  const imageId = await step('save an image (app copy)', async () => {
    const res = await hub.post('/commands/create-saved-image', { body: { name: `notes-image-${stamp}`, appInstanceId: firstId.id, userId: user, tags: ['demo'], comment: 'taken by pnpm demo' } as never });
    const id = String(res.data);
    await poll(async () => {
      const img = (await hub.get('/test-dev/saved-images/{savedImageId}', { path: { savedImageId: id } as never })).data as { state: string; stateMessage?: string };
      if (img.state === 'failed') throw new Error(`saved image failed: ${img.stateMessage ?? ''}`);
      return img.state === 'created' ? true : undefined;
    }, t.timeoutMs, 'saved image created');
    return [id, `saved image ${id} created`];
  });

  const secondId = await step(`deploy the image on ${t.to.name}`, async () => {
    const p = await plan(t.to.siteId);
    const res = await hub.post('/commands/deploy-saved-image', { body: { appInstanceName: `notes-${stamp}-b`, savedImageId: imageId, userId: user, purpose: 'demo', siteId: t.to.siteId, deploymentPlan: p } as never });
    const id = String(res.data);
    const url = await waitRunning(hub, id, t.timeoutMs);
    return [{ id, url }, `instance ${id} running at ${url}`];
  });

  await step(`read the note on ${t.to.name}`, async () => {
    const res = await fetch(`${secondId.url.replace(/\/$/, '')}/notes`);
    const notes = (await res.json()) as { text: string }[];
    if (!notes.some((n) => n.text === text)) throw new Error(`the restored app does not have the note; it has ${JSON.stringify(notes)}`);
    return [undefined, `found "${text}" among ${notes.length} note(s)`];
  });

  await step('stop both', async () => {
    for (const id of [firstId.id, secondId.id]) await hub.post('/commands/stop-app', { body: { appInstanceId: id, userId: user } as never });
    for (const id of [firstId.id, secondId.id]) {
      await poll(async () => {
        const s = (await hub.get('/app/instance-state/{appInstanceId}', { path: { appInstanceId: id } as never })).data as { state: string };
        if (s.state === 'error') throw new Error(`instance ${id} ended in error while stopping`);
        return s.state === 'stopped' ? true : undefined;
      }, t.timeoutMs, `instance ${id} stopped`);
    }
    return [undefined, 'both stopped'];
  });
  return steps;
}

/** The user the demo acts as. */
export const DEMO_USER_ID = '00000000-0000-4000-8000-00000000de30';

async function waitRunning(hub: HubClient, id: string, timeoutMs?: number): Promise<string> {
  return poll(async () => {
    const s = (await hub.get('/app/instance-state/{appInstanceId}', { path: { appInstanceId: id } as never })).data as { state: string; webEntryPointURL?: string | null };
    if (s.state === 'error' || s.state === 'stopped') throw new Error(`instance ${id} is ${s.state}`);
    return s.state === 'running' && s.webEntryPointURL ? s.webEntryPointURL : undefined;
  }, timeoutMs, `instance ${id} running`);
}

async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs = 120_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(backoffDelay(attempt, { initialMs: 50, maxMs: 500 }));
  }
}
