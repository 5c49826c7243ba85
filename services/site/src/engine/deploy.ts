import { COPY_PROTOCOL, COPY_PROTOCOL_VERSION } from '@ocopea/api';
import type { OperationKind, StepContext } from '@ocopea/operations';
import type { PsbBinding } from '../domain/brokers';
import type { DeployInput } from '../domain/operation-inputs';
import type { AppInstance, DataServiceRec } from '../domain/types';
import { dsbUrl, msg, poll, psbUrl, scopedCrbUrl, type WorkContext } from './context';

type Ctx = StepContext<DeployInput, Record<string, never>>;

class Interrupted extends Error {}

async function load(w: WorkContext, id: string): Promise<AppInstance> {
  const app = await w.store.getApp(id);
  if (!app) throw new Error(`application ${id} no longer exists`);
  if (app.state !== 'deploying') throw new Interrupted(`deployment interrupted: application is ${app.state}`);
  return app;
}

/**
 * `deploy`: create data services (probing first), wait until they run and read their bindings, activate protection
 * policies, deploy app services (probing first) with the bindings, wait until they run, mark the app `running`.
 * Every step is idempotent, so a restarted Site re-runs the interrupted step safely.
 */
export function deployKind(w: WorkContext): OperationKind<DeployInput, Record<string, never>> {
  const dsMsg = (app: AppInstance, bind: string, state: string) => w.bus.publish(app.id, `Data Service ${bind} is in state ${state}`, [bind]);
  const asMsg = (app: AppInstance, name: string, state: string) => w.bus.publish(app.id, `App Service ${name} is in state ${state}`, [name]);

  async function createDataService(app: AppInstance, ds: DataServiceRec): Promise<void> {
    if (['created', 'binding', 'bound'].includes(ds.state)) return;
    try {
      const dsb = w.brokers.dsb(await dsbUrl(w, ds.spec.dsbUrn, ds.spec.dsbUrl));
      // Probe first (orcs): an instance left by an interrupted attempt is adopted, not created twice. Errors other
      // than 404 do not stop the create (it answers 409 when the instance exists).
      const existing = await dsb.getInstance(ds.serviceId).catch(() => undefined);
      if (!existing) {
        let restoreInfo = null;
        if (ds.spec.restoreInfo) {
          const ri = ds.spec.restoreInfo;
          const crb = await w.store.getCrb(ri.copyRepoUrn);
          if (!crb) throw new Error(`Invalid crb urn used for creating copy: '${ri.copyRepoUrn}' is not registered on this Site`);
          const repoId = (await w.brokers.crb(crb.url).repositories())[0];
          if (!repoId) throw new Error(`no repositories defined for CRB ${crb.urn}`);
          restoreInfo = {
            copyId: ri.copyId, copyRepoProtocol: ri.copyRepoProtocol && ri.copyRepoProtocol !== 'N/A' ? ri.copyRepoProtocol : COPY_PROTOCOL,
            copyRepoProtocolVersion: ri.copyRepoProtocolVersion && ri.copyRepoProtocolVersion !== 'N/A' ? ri.copyRepoProtocolVersion : COPY_PROTOCOL_VERSION,
            // Read access to exactly this copy, for as long as the deploy waits on the data service.
            copyRepoCredentials: {
              url: await scopedCrbUrl(w, crb.url, { access: 'read', copyId: ri.copyId, ttlSeconds: Math.min(86_400, Math.ceil(w.settings.dataServiceTimeoutMs / 1000) + 300) }),
              repoId,
            },
            copyType: ri.restoreFacility && ri.restoreFacility !== 'N/A' ? ri.restoreFacility : 'shpanCopy',
          };
        }
        await dsb.createInstance({
          instanceId: ds.serviceId, namespaces: ds.spec.namespaces, instanceSettings: ds.spec.dsbSettings, restoreInfo,
        });
      }
      await w.store.setDataServiceState(app.id, ds.bindName, 'creating', null);
      dsMsg(app, ds.bindName, 'creating');
    } catch (err) {
      await w.store.setDataServiceState(app.id, ds.bindName, 'errorcreating', msg(err));
      dsMsg(app, ds.bindName, 'errorcreating');
      throw new Error(`data service ${ds.bindName}: ${msg(err)}`, { cause: err });
    }
  }

  async function bindDataService(app: AppInstance, ds: DataServiceRec, signal: AbortSignal): Promise<void> {
    if (ds.state === 'bound') return;
    let phase: 'errorcreating' | 'errorbinding' = 'errorcreating';
    try {
      const dsb = w.brokers.dsb(await dsbUrl(w, ds.spec.dsbUrn, ds.spec.dsbUrl));
      const inst = await poll(w, async () => {
        const i = await dsb.getInstance(ds.serviceId);
        if (!i) throw new Error(`instance ${ds.serviceId} is not known to the DSB`);
        if (i.state === 'RUNNING') return i;
        if (i.state === 'CREATING') { await load(w, app.id); return undefined; }
        throw new Error(`data service in ${i.state} state${i.stateMessage ? `: ${i.stateMessage}` : ''}`);
      }, `data service ${ds.bindName} to run`, w.settings.dataServiceTimeoutMs, signal);
      await w.store.setDataServiceState(app.id, ds.bindName, 'created', null);
      phase = 'errorbinding';
      if (Object.keys(inst.binding).length === 0) throw new Error('the DSB reported no binding information');
      await w.store.setDataServiceState(app.id, ds.bindName, 'bound', null, { binding: inst.binding, ports: inst.bindingPorts });
      dsMsg(app, ds.bindName, 'bound');
    } catch (err) {
      if (err instanceof Interrupted || signal.aborted) throw err;
      await w.store.setDataServiceState(app.id, ds.bindName, phase, msg(err));
      dsMsg(app, ds.bindName, phase);
      throw new Error(`data service ${ds.bindName}: ${msg(err)}`, { cause: err });
    }
  }

  return {
    kind: 'deploy',
    resumable: true,
    initialState: () => ({}),
    steps: [
      {
        name: 'create-data-services',
        run: async ({ input }: Ctx) => {
          const app = await load(w, input.appInstanceId);
          w.bus.publish(app.id, `Deploying application ${app.name}`, []);
          await settleAll(app.dataServices.map((ds) => createDataService(app, ds)));
        },
      },
      {
        name: 'bind-data-services',
        run: async ({ input, signal }: Ctx) => {
          const app = await load(w, input.appInstanceId);
          await settleAll(app.dataServices.map((ds) => bindDataService(app, ds, signal)));
        },
      },
      {
        name: 'activate-policies',
        run: async ({ input }: Ctx) => {
          const app = await load(w, input.appInstanceId);
          for (const p of app.policies) {
            const s = p.policySettings ?? {};
            const name = p.policyName || 'protection';
            await w.store.upsertPolicy({
              appInstanceId: app.id, name, intervalSeconds: posInt(s.intervalSeconds) ?? 86_400,
              retainCount: posInt(s.retainCount), retainSeconds: posInt(s.retainSeconds), nextRun: Date.now(), active: true,
            });
            w.bus.publish(app.id, `Policy ${name} is active`, []);
          }
        },
      },
      {
        name: 'deploy-app-services',
        run: async ({ input }: Ctx) => {
          const app = await load(w, input.appInstanceId);
          const registries = new Map((await w.store.listRegistries()).map((r) => [r.name, r]));
          await settleAll(app.appServices.map(async (as) => {
            if (as.state === 'deploying' || as.state === 'deployed') return;
            try {
              const psb = w.brokers.psb(await psbUrl(w, as.spec.psbUrn, as.spec.psbUrl));
              const found = await psb.get(as.spec.space, as.spec.psbAppServiceId).catch(() => undefined);
              if (found && (found.status === 'error' || found.status === 'stopped')) {
                throw new Error(`the PSB reports it ${found.status}${found.statusMessage ? `: ${found.statusMessage}` : ''}`);
              }
              if (!found) {
                const serviceBindings: Record<string, PsbBinding[]> = {};
                for (const bind of as.spec.dependencies) {
                  const ds = app.dataServices.find((d) => d.bindName === bind);
                  if (!ds) continue;
                  (serviceBindings[ds.spec.dsbUrn] ??= []).push({
                    serviceName: bind, serviceId: ds.serviceId, plan: ds.spec.plan, bindInfo: ds.binding ?? {}, ports: ds.bindingPorts,
                  });
                }
                const reg = registries.get(as.spec.artifactRegistryName);
                const params: Record<string, string> = {};
                if (reg) {
                  params.url = reg.url;
                  if (reg.username) params.username = reg.username;
                  if (reg.password) params.password = reg.password;
                }
                await psb.deploy({
                  appServiceId: as.spec.psbAppServiceId, space: as.spec.space, imageName: as.spec.imageName, imageVersion: as.spec.imageVersion,
                  environmentVariables: as.spec.environmentVariables, artifactRegistryType: reg?.type ?? null, artifactRegistryParameters: params,
                  psbSettings: as.spec.psbSettings, route: as.spec.route, exposedPorts: as.spec.exposedPorts, httpPort: as.spec.httpPort,
                  serviceBindings,
                });
              }
              await w.store.setAppServiceState(app.id, as.name, 'deploying', null);
              asMsg(app, as.name, 'deploying');
            } catch (err) {
              await w.store.setAppServiceState(app.id, as.name, 'error', msg(err));
              asMsg(app, as.name, 'error');
              throw new Error(`app service ${as.name}: ${msg(err)}`, { cause: err });
            }
          }));
        },
      },
      {
        name: 'wait-app-services',
        run: async ({ input, signal }: Ctx) => {
          const app = await load(w, input.appInstanceId);
          await settleAll(app.appServices.map(async (as) => {
            if (as.state === 'deployed') return;
            try {
              const psb = w.brokers.psb(await psbUrl(w, as.spec.psbUrn, as.spec.psbUrl));
              const s = await poll(w, async () => {
                const st = await psb.get(as.spec.space, as.spec.psbAppServiceId);
                if (!st) throw new Error('the PSB no longer knows it');
                if (st.status === 'running') return st;
                if (st.status === 'starting') { await load(w, app.id); return undefined; }
                throw new Error(`app service in ${st.status} state${st.statusMessage ? `: ${st.statusMessage}` : ''}`);
              }, `app service ${as.name} to run`, w.settings.appServiceTimeoutMs, signal);
              await w.store.setAppServiceState(app.id, as.name, 'deployed', null, s.entryPointURL);
              asMsg(app, as.name, 'deployed');
            } catch (err) {
              if (err instanceof Interrupted || signal.aborted) throw err;
              await w.store.setAppServiceState(app.id, as.name, 'error', msg(err));
              asMsg(app, as.name, 'error');
              throw new Error(`app service ${as.name}: ${msg(err)}`, { cause: err });
            }
          }));
          const done = await w.store.getApp(app.id);
          const entry = done?.appServices.find((s) => s.name === app.entryPointService);
          const url = entry?.publicUrl ?? null;
          if (await w.store.setAppState(app.id, 'running', null, { from: ['deploying'], entryPointURL: url })) {
            w.bus.publish(app.id, 'Application deployed successfully!', []);
          }
        },
      },
    ],
    onFailed: async (op, reason) => {
      const id = op.input.appInstanceId;
      if (await w.store.setAppState(id, 'error', reason, { from: ['pending', 'deploying'] })) {
        const app = await w.store.getApp(id);
        for (const ds of app?.dataServices ?? []) {
          if (['pending', 'queued', 'creating'].includes(ds.state)) await w.store.setDataServiceState(id, ds.bindName, 'errorcreating', reason);
          else if (ds.state === 'created' || ds.state === 'binding') await w.store.setDataServiceState(id, ds.bindName, 'errorbinding', reason);
        }
        for (const as of app?.appServices ?? []) {
          if (['pending', 'queued', 'deploying'].includes(as.state)) await w.store.setAppServiceState(id, as.name, 'error', reason);
        }
        w.bus.publish(id, `Application failed deploying: ${reason}`, [], 'err');
      }
    },
  };
}

/** Runs all, waits for all, and throws the first failure (so no work is left running behind a failed step). */
export async function settleAll(ps: Promise<unknown>[]): Promise<void> {
  const rs = await Promise.allSettled(ps);
  const failed = rs.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) throw failed.length === 1 ? failed[0].reason : new Error(failed.map((f) => msg(f.reason)).join('; '));
}

function posInt(v: string | undefined): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : null;
}
