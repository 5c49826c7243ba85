import type { OperationEngine, OperationKind, StepContext } from '@ocopea/operations';
import type { StopInput } from '../domain/operation-inputs';
import { dsbUrl, msg, poll, psbUrl, type WorkContext } from './context';
import { settleAll } from './deploy';

type Ctx = StepContext<StopInput, Record<string, never>>;

/**
 * `stop`: let an unfinished deploy notice the stop, undeploy the app services at their PSBs (404 = already gone),
 * then delete the data services no app service that is still up uses (a removed one is never deleted twice), and
 * mark the app `stopped`; `errorstopping` with the reason on failure.
 */
export function stopKind(w: WorkContext, engine: () => OperationEngine): OperationKind<StopInput, Record<string, never>> {
  const app = async (id: string) => {
    const a = await w.store.getApp(id);
    if (!a) throw new Error(`application ${id} no longer exists`);
    return a;
  };
  return {
    kind: 'stop',
    resumable: true,
    initialState: () => ({}),
    steps: [
      {
        name: 'wait-for-deploy',
        run: async ({ input, signal }: Ctx) => {
          await w.store.setPoliciesActive(input.appInstanceId, false);
          // An unfinished deploy sees the app `stopping` at its next probe and ends; wait for it so the two never race.
          await poll(w, async () => {
            // Only running ones: a pending deploy ends by itself when claimed (it sees `stopping`), and waiting for it
            // could starve the engine's worker slots.
            const open = (await engine().list({ subject: input.appInstanceId })).filter((o) => ['deploy', 'copy', 'protect'].includes(o.kind) && o.phase === 'running');
            return open.length ? undefined : true;
          }, 'running work on the application to end', 600_000, signal);
        },
      },
      {
        name: 'undeploy-app-services',
        run: async ({ input }: Ctx) => {
          const a = await app(input.appInstanceId);
          await settleAll(a.appServices.map(async (as) => {
            if (as.state === 'stopped') return;
            await w.store.setAppServiceState(a.id, as.name, 'stopping', null);
            w.bus.publish(a.id, `App Service ${as.name} is in state stopping`, [as.name]);
            try {
              await w.brokers.psb(await psbUrl(w, as.spec.psbUrn, as.spec.psbUrl)).remove(as.spec.space, as.spec.psbAppServiceId);
              await w.store.setAppServiceState(a.id, as.name, 'stopped', null);
              w.bus.publish(a.id, `App Service ${as.name} is in state stopped`, [as.name]);
            } catch (err) {
              await w.store.setAppServiceState(a.id, as.name, 'errorstopping', msg(err));
              throw new Error(`app service ${as.name}: ${msg(err)}`, { cause: err });
            }
          }));
        },
      },
      {
        name: 'remove-data-services',
        run: async ({ input, signal }: Ctx) => {
          const a = await app(input.appInstanceId);
          await settleAll(a.dataServices.map(async (ds) => {
            if (ds.state === 'removed') return; // guard: never delete twice (orcs §7.7)
            const users = a.appServices.filter((s) => s.spec.dependencies.includes(ds.bindName) && s.state !== 'stopped');
            if (users.length) throw new Error(`data service ${ds.bindName} is still used by ${users.map((u) => u.name).join(', ')}`);
            await w.store.setDataServiceState(a.id, ds.bindName, 'removing', null);
            try {
              const dsb = w.brokers.dsb(await dsbUrl(w, ds.spec.dsbUrn, ds.spec.dsbUrl));
              await dsb.deleteInstance(ds.serviceId);
              // DSBs remove asynchronously (listed as REMOVING until gone): `removed` means gone (404).
              await poll(w, async () => {
                const i = await dsb.getInstance(ds.serviceId);
                if (!i) return true;
                if (i.state === 'ERROR') throw new Error(`the DSB failed to remove it${i.stateMessage ? `: ${i.stateMessage}` : ''}`);
                return undefined;
              }, `data service ${ds.bindName} to be removed`, w.settings.dataServiceTimeoutMs, signal);
              await w.store.setDataServiceState(a.id, ds.bindName, 'removed', null);
              w.bus.publish(a.id, `Data Service ${ds.bindName} is in state removed`, [ds.bindName]);
            } catch (err) {
              await w.store.setDataServiceState(a.id, ds.bindName, 'errorremoving', msg(err));
              throw new Error(`data service ${ds.bindName}: ${msg(err)}`, { cause: err });
            }
          }));
          if (await w.store.setAppState(a.id, 'stopped', null, { from: ['stopping'] })) w.bus.publish(a.id, 'Application stopped', []);
        },
      },
    ],
    onFailed: async (op, reason) => {
      if (await w.store.setAppState(op.input.appInstanceId, 'errorstopping', reason, { from: ['stopping'] })) {
        w.bus.publish(op.input.appInstanceId, `Application failed stopping: ${reason}`, [], 'err');
      }
    },
  };
}
