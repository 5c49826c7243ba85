// The Hub's operation kinds: persisted, restart-safe long work (deploy, transfer, copy, saved-image, stop).
import { ConflictError, GatewayTimeoutError, OcopeaError, UpstreamError } from '@ocopea/errors';
import { FINAL_PHASES, waitFor, type OperationEngine, type OperationKind, type StepContext } from '@ocopea/operations';
import type { HubConfig } from '../domain/config';
import type { HubRepository } from '../domain/hub-repository';
import { isUnreachable, peerError, toFailure } from '../domain/errors';
import type { HubSite } from '../domain/model';
import { webEntryUrl } from '../domain/planning';
import type { SiteAppCopy, SiteGateway } from '../domain/site-gateway';
import type { SiteStatusBook } from '../domain/site-status';
import { hubStateOf, type CopyInput, type DeployInput, type DeployState, type SavedImageInput, type StopInput, type StopState, type TransferInput, type TransferState } from '../domain/operation-inputs';

export interface Deps { store: HubRepository; gateway: SiteGateway; engine: OperationEngine; config: HubConfig; book: SiteStatusBook }

async function siteOf(deps: Deps, siteId: string): Promise<HubSite> {
  const site = await deps.store.getSite(siteId);
  if (!site) throw new Error(`site '${siteId}' is no longer connected`);
  return site;
}

/**
 * Polls `probe` with backoff until it returns a value. Unreachable Sites are tolerated up to
 * `config.siteUnreachableMs` in a row; the whole wait is capped by `capMs`. Throws `GatewayTimeoutError` on either.
 */
async function follow<T>(deps: Deps, site: HubSite, capMs: number, signal: AbortSignal, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  let downSince: number | undefined;
  return waitFor(async () => {
    try {
      const v = await probe();
      downSince = undefined;
      await deps.book.confirmed(site.id);
      return v;
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      downSince ??= Date.now();
      await deps.book.lost(site.id);
      if (Date.now() - downSince > deps.config.siteUnreachableMs) {
        throw new GatewayTimeoutError(`site '${site.urn}' unreachable for more than ${deps.config.siteUnreachableMs} ms while waiting for ${what}`);
      }
      return undefined;
    }
  }, { initialDelayMs: 50, maxDelayMs: deps.config.pollMaxDelayMs, timeoutMs: capMs, signal, what });
}

/** Whether an operation other than `selfId` on `subject` is still pending or running. */
async function otherOpenOperation(engine: OperationEngine, selfId: string, subject: string): Promise<boolean> {
  const ops = await engine.list({ subject, limit: 1000 });
  return ops.some((o) => o.id !== selfId && !FINAL_PHASES.has(o.phase));
}

/** Waits (polling the engine) until every listed operation is final. */
async function awaitOps(engine: OperationEngine, ids: string[], signal: AbortSignal): Promise<void> {
  // No deadline of its own: each transfer operation has its own (HUB_TRANSFER_TIMEOUT_MS).
  await waitFor(async () => ((await Promise.all(ids.map((id) => engine.get(id)))).every((o) => FINAL_PHASES.has(o.phase)) ? true : undefined),
    { initialDelayMs: 20, maxDelayMs: 500, timeoutMs: Number.POSITIVE_INFINITY, signal, what: 'the transfers' });
}

export function registerKinds(deps: Deps): void {
  const { store, gateway, engine, config } = deps;

  const deploy: OperationKind<DeployInput, DeployState> = {
    kind: 'deploy',
    resumable: true,
    initialState: () => ({ transferred: {} }),
    steps: [
      {
        name: 'transfer-copies',
        run: async (ctx: StepContext<DeployInput, DeployState>) => {
          const { input } = ctx;
          if (!input.transfers.length) return;
          for (const t of input.transfers) {
            const child: TransferInput = {
              parentId: ctx.op.id, appInstanceId: input.appInstanceId, siteId: input.siteId, savedImageId: input.savedImageId ?? null,
              appCopyId: input.appCopyId ?? null, bindName: t.bindName, dsCopyId: t.dsCopyId, sourceCrbUrl: t.sourceCrbUrl, targetCrbUrl: t.targetCrbUrl,
              sourceSiteId: t.sourceSiteId, sourceCrbUrn: t.sourceCrbUrn, targetCrbUrn: t.targetCrbUrn, startedBy: input.startedBy ?? null,
            };
            try { await engine.submit('transfer', input.appInstanceId, child, t.opId); } catch (err) { if (!(err instanceof ConflictError)) throw err; }
          }
          await awaitOps(engine, input.transfers.map((t) => t.opId), ctx.signal);
          for (const t of input.transfers) {
            const op = await engine.get(t.opId);
            if (op.phase !== 'succeeded') throw new Error(`transfer of data service '${t.bindName}' copy ${t.dsCopyId} failed: ${op.error ?? 'unknown error'}`);
            ctx.state.transferred[t.bindName] = (op.state as TransferState).result?.targetCopyId ?? t.dsCopyId;
          }
        },
      },
      {
        name: 'send-deploy',
        run: async (ctx) => {
          const { input } = ctx;
          const site = await siteOf(deps, input.siteId);
          const manifest = structuredClone(input.manifest);
          for (const t of input.transfers) {
            const ds = manifest.dataServices[t.bindName];
            if (ds) ds.restoreInfo = { ...t.restoreBase, copyRepoUrn: t.targetCrbUrn, copyId: ctx.state.transferred[t.bindName] ?? t.dsCopyId };
          }
          try {
            await gateway.deployApplication(site.url, manifest);
          } catch (err) {
            if (err instanceof UpstreamError && err.isConflict) return; // already accepted (a resumed operation re-sent it)
            const e = peerError(err, 'deploy-application', site);
            ctx.state.failure = toFailure(e);
            if (input.awaited && e.status >= 400 && e.status < 500) await store.deleteInstance(input.appInstanceId);
            throw e;
          }
        },
      },
      {
        name: 'await-running',
        run: async (ctx) => {
          const { input } = ctx;
          const site = await siteOf(deps, input.siteId);
          const inst = await store.getInstance(input.appInstanceId);
          if (!inst) return;
          try {
            const app = await follow(deps, site, config.deployTimeoutMs, ctx.signal, `instance ${input.appInstanceId} to run`, async () => {
              const a = await gateway.getAppInstance(site.url, input.appInstanceId);
              return a && a.state !== 'deploying' && a.state !== 'pending' ? a : undefined;
            });
            const state = hubStateOf(app.state);
            const url = state === 'running' ? webEntryUrl(app.entryPointURL, site.publicDns ?? site.url, inst.entryPointPath) : undefined;
            await store.setInstanceState(input.appInstanceId, state, { message: app.stateMessage, url, onlyFrom: ['deploying', 'unknown'] });
            if (state === 'error') throw new Error(`site reported the deployment failed: ${app.stateMessage ?? 'error'}`);
          } catch (err) {
            if (err instanceof GatewayTimeoutError) {
              await store.setInstanceState(input.appInstanceId, 'unknown', { message: err.message, onlyFrom: ['deploying'] });
            }
            throw err;
          }
        },
      },
    ],
    onFailed: async (op, reason) => {
      await store.setInstanceState(op.input.appInstanceId, 'error', { message: reason, onlyFrom: ['deploying'] });
    },
  };

  const transfer: OperationKind<TransferInput, TransferState> = {
    kind: 'transfer',
    resumable: true,
    initialState: () => ({}),
    steps: [{
      name: 'transfer',
      run: async (ctx) => {
        const { input } = ctx;
        try {
          if (input.sourceSiteId && input.sourceCrbUrn && input.targetCrbUrn) {
            // Scoped credentials from each Site, minted now (they expire): the source CRB may only transfer this
            // copy, and the target CRB only accepts this copy. The Hub holds neither CRB's own token.
            const source = await siteOf(deps, input.sourceSiteId);
            const target = await siteOf(deps, input.siteId!);
            const dst = await gateway.grantCopyAccess(target.url, { copyRepoURN: input.targetCrbUrn, copyId: input.dsCopyId, access: 'write' })
              .catch((err) => { throw peerError(err, 'grant-copy-access', target); });
            const src = await gateway.grantCopyAccess(source.url, { copyRepoURN: input.sourceCrbUrn, copyId: input.dsCopyId, access: 'transfer' })
              .catch((err) => { throw peerError(err, 'grant-copy-access', source); });
            ctx.state.result = await gateway.transferCopy(src.url, input.dsCopyId, { targetUrl: dst.url, ...(dst.repoId ? { targetRepoId: dst.repoId } : {}) });
          } else {
            ctx.state.result = await gateway.transferCopy(input.sourceCrbUrl, input.dsCopyId, { targetUrl: input.targetCrbUrl });
          }
        } catch (err) {
          // 409: the target already holds the data under this id (an earlier attempt finished before a restart).
          if (err instanceof UpstreamError && err.isConflict) {
            ctx.state.result = { copyId: input.dsCopyId, targetUrl: input.targetCrbUrl, targetRepoId: '', targetCopyId: input.dsCopyId, size: 0, sha256: '' };
            return;
          }
          throw err instanceof OcopeaError ? err : new Error(String(err));
        }
      },
    }],
  };

  const stop: OperationKind<StopInput, StopState> = {
    kind: 'stop',
    resumable: true,
    initialState: () => ({}),
    steps: [
      {
        name: 'send-stop',
        run: async (ctx) => {
          const site = await siteOf(deps, ctx.input.siteId);
          try {
            await gateway.stopApp(site.url, ctx.input.appInstanceId);
          } catch (err) {
            // The Site does not know the instance (its deploy never reached it, or it was forgotten there): nothing
            // runs, and await-stopped marks it stopped. Not while another operation on it may still send it there.
            if (err instanceof UpstreamError && err.isNotFound && !(await otherOpenOperation(engine, ctx.op.id, ctx.input.appInstanceId))) {
              await store.setInstanceState(ctx.input.appInstanceId, 'stopping');
              return;
            }
            const e = peerError(err, 'stop-app', site);
            ctx.state.failure = toFailure(e);
            throw e;
          }
          await store.setInstanceState(ctx.input.appInstanceId, 'stopping');
        },
      },
      {
        name: 'await-stopped',
        run: async (ctx) => {
          const { input } = ctx;
          const site = await siteOf(deps, input.siteId);
          try {
            const app = await follow(deps, site, config.deployTimeoutMs, ctx.signal, `instance ${input.appInstanceId} to stop`, async () => {
              const a = await gateway.getAppInstance(site.url, input.appInstanceId);
              if (!a) return 'stopped' as const; // the Site no longer knows it: nothing runs
              return a.state === 'stopping' || a.state === 'running' ? undefined : a.state;
            });
            const state = app === 'stopped' ? 'stopped' : 'error';
            await store.setInstanceState(input.appInstanceId, state, { message: state === 'error' ? `site reported ${app} while stopping` : null, url: state === 'stopped' ? null : undefined });
            if (state === 'error') throw new Error(`site reported ${app} while stopping`);
          } catch (err) {
            if (err instanceof GatewayTimeoutError) await store.setInstanceState(input.appInstanceId, 'unknown', { message: err.message, onlyFrom: ['stopping'] });
            throw err;
          }
        },
      },
    ],
  };

  const awaitCopy = async (ctx: StepContext<CopyInput, unknown>): Promise<SiteAppCopy> => {
    const site = await siteOf(deps, ctx.input.siteId);
    return follow(deps, site, config.copyTimeoutMs, ctx.signal, `copy ${ctx.input.appCopyId}`, async () => {
      const c = await gateway.getCopy(site.url, ctx.input.appCopyId);
      return c && c.state !== 'creating' ? c : undefined;
    });
  };

  /** Waits for the Site's copy to leave `creating`; a failed copy fails the step. */
  const awaitCreated = async (ctx: StepContext<CopyInput, unknown>) => {
    const c = await awaitCopy(ctx);
    if (c.state === 'failed') throw new Error(`the site reports copy ${c.copyId} failed`);
  };

  const copy: OperationKind<CopyInput, Record<string, never>> = {
    kind: 'copy',
    resumable: true,
    initialState: () => ({}),
    steps: [{ name: 'await-copy', run: (ctx) => awaitCreated(ctx as StepContext<CopyInput, unknown>) }],
  };

  const savedImage: OperationKind<SavedImageInput, Record<string, never>> = {
    kind: 'saved-image',
    resumable: true,
    initialState: () => ({}),
    steps: [{
      name: 'await-copy',
      run: async (ctx) => {
        await awaitCreated(ctx as StepContext<CopyInput, unknown>);
        await store.setSavedImageState(ctx.input.savedImageId, 'created');
      },
    }],
    onFailed: async (op, reason) => { await store.setSavedImageState(op.input.savedImageId, 'failed', reason); },
  };

  engine.register(deploy).register(transfer).register(stop).register(copy).register(savedImage);
}
