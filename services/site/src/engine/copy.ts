import { COPY_PROTOCOL, COPY_PROTOCOL_VERSION } from '@ocopea/api';
import { GatewayTimeoutError } from '@ocopea/errors';
import { waitFor, type OperationKind, type OperationStep, type StepContext } from '@ocopea/operations';
import { COPY_FACILITY, deleteCopyEverywhere, newCopyRecord } from '../domain/copy-records';
import type { CopyInput } from '../domain/operation-inputs';
import type { AppCopy, CopyProtocol, DataServiceCopy } from '../domain/types';
import { msg, scopedCrbUrl, type WorkContext } from './context';
import { settleAll } from './deploy';

type Ctx = StepContext<CopyInput, Record<string, never>>;

export const DEFAULT_COPY_PROTOCOL: CopyProtocol = { protocol: COPY_PROTOCOL, version: COPY_PROTOCOL_VERSION };

/**
 * Picks the copy protocol for a data service: the DSB plan's copy protocols (default `shpanRest` 1.0 when it lists
 * none) matched case-insensitively with the CRB repository's (same default); versions must be equal when both given.
 */
export function negotiateProtocol(dsbProtocols: CopyProtocol[], crbProtocols: CopyProtocol[]): CopyProtocol | undefined {
  const a = dsbProtocols.length ? dsbProtocols : [DEFAULT_COPY_PROTOCOL];
  const b = crbProtocols.length ? crbProtocols : [DEFAULT_COPY_PROTOCOL];
  for (const p of a) {
    const m = b.find((q) => q.protocol.toLowerCase() === p.protocol.toLowerCase() && (!p.version || !q.version || p.version === q.version));
    if (m) return { protocol: p.protocol, version: p.version ?? m.version };
  }
  return undefined;
}
const listP = (ps: CopyProtocol[]) => (ps.length ? ps : [DEFAULT_COPY_PROTOCOL]).map((p) => `${p.protocol} ${p.version ?? ''}`.trim()).join(', ');

function landed(md: { copyAdditionalInfo: Record<string, unknown>; copyDataURL: string | null } | undefined): boolean {
  return !!md && (md.copyAdditionalInfo.sha256 !== undefined || md.copyAdditionalInfo.size !== undefined);
}

/** The steps of taking an application copy, shared by `copy` and `protect`. */
function copySteps(w: WorkContext, createRecord: boolean): OperationStep<CopyInput, Record<string, never>>[] {
  const load = async (id: string) => {
    const c = await w.store.getCopy(id, true);
    if (!c) throw new Error(`application copy ${id} no longer exists`);
    return c;
  };
  const eachPart = async (c: AppCopy, fn: (d: DataServiceCopy) => Promise<void>) => {
    await settleAll(c.dataServiceCopies.map(async (d) => {
      try { await fn(d); } catch (err) {
        await w.store.updateDsCopy(c.id, d.bindName, { status: 'failed', message: msg(err) });
        throw new Error(`data service ${d.bindName}: ${msg(err)}`, { cause: err });
      }
    }));
  };
  return [
    {
      name: 'prepare-copy',
      run: async ({ input }: Ctx) => {
        if (!createRecord) { await load(input.appCopyId); return; }
        const app = await w.store.getApp(input.appInstanceId);
        if (!app) throw new Error(`application ${input.appInstanceId} no longer exists`);
        if (!['running', 'deploying'].includes(app.state) || app.dataServices.some((d) => d.state !== 'bound')) {
          throw new Error(`application ${app.id} is ${app.state}; its data services are not all bound`);
        }
        await w.store.insertCopy(newCopyRecord(app, input.appCopyId));
      },
    },
    {
      name: 'negotiate-protocols',
      run: async ({ input }: Ctx) => {
        const c = await load(input.appCopyId);
        const crb = (await w.store.listCrbs())[0];
        if (!crb) throw new Error('no CRB is registered on this Site');
        const client = w.brokers.crb(crb.url);
        const app = await w.store.getApp(c.appInstanceId);
        let repo: { id: string; protocols: CopyProtocol[] } | undefined;
        await eachPart(c, async (d) => {
          if (d.status !== 'pending') return;
          if (!repo) {
            const repoId = (await client.repositories())[0];
            if (!repoId) throw new Error(`no repositories defined for CRB ${crb.urn}`);
            repo = { id: repoId, protocols: await client.repositoryProtocols(repoId).catch(() => []) };
          }
          const ds = app?.dataServices.find((x) => x.bindName === d.bindName);
          const plan = (await w.store.getDsb(d.dsbUrn))?.plans.find((p) => p.id === ds?.spec.plan);
          const dsbProtocols = plan?.copyProtocols ?? [];
          const chosen = negotiateProtocol(dsbProtocols, repo.protocols);
          if (!chosen) {
            throw new Error(`no copy protocol in common: DSB ${d.dsbUrn} plan ${ds?.spec.plan ?? '?'} offers ${listP(dsbProtocols)}; ` +
              `CRB ${crb.urn} repository ${repo.id} supports ${listP(repo.protocols)}`);
          }
          await w.store.updateDsCopy(c.id, d.bindName, { crbUrn: crb.urn, repoId: repo.id, protocol: chosen.protocol, protocolVersion: chosen.version, status: 'queued' });
        });
      },
    },
    {
      name: 'store-metadata',
      run: async ({ input }: Ctx) => {
        const c = await load(input.appCopyId);
        const app = await w.store.getApp(c.appInstanceId);
        await eachPart(c, async (d) => {
          if (d.status !== 'queued') return;
          const crb = await w.store.getCrb(d.crbUrn!);
          if (!crb) throw new Error(`CRB ${d.crbUrn} is no longer registered`);
          const ds = app?.dataServices.find((x) => x.bindName === d.bindName);
          // Metadata before data (the reference CRB requires it); 409 = stored by an interrupted attempt.
          await w.brokers.crb(crb.url).storeMetadata({
            copyId: d.dsCopyId, repoId: d.repoId, copyTimeStamp: c.timeStamp, protocol: d.protocol, protocolVersion: d.protocolVersion,
            facility: d.facility, copyDataURL: crb.url, copyAdditionalInfo: { ...(ds?.spec.dsbSettings ?? {}) },
          });
        });
      },
    },
    {
      name: 'copy-data',
      run: async ({ input, signal }: Ctx) => {
        const c = await load(input.appCopyId);
        const app = await w.store.getApp(c.appInstanceId);
        await eachPart(c, async (d) => {
          if (d.status === 'created') return;
          const crb = await w.store.getCrb(d.crbUrn!);
          if (!crb) throw new Error(`CRB ${d.crbUrn} is no longer registered`);
          const crbClient = w.brokers.crb(crb.url);
          if (d.status === 'running') {
            // Resumed after a restart: the DSB may still be streaming the copy started before; give it a moment to land.
            const md = await waitFor(async () => {
              const m = await crbClient.getMetadata(d.dsCopyId).catch(() => undefined);
              return landed(m) ? m! : undefined;
            }, { initialDelayMs: 50, maxDelayMs: 1000, timeoutMs: w.settings.copyResumeGraceMs, signal, what: `copy ${d.dsCopyId} to land` })
              .catch((err) => { if (err instanceof GatewayTimeoutError) return undefined; throw err; });
            if (md) {
              await w.store.updateDsCopy(c.id, d.bindName, { status: 'created', size: Number(md.copyAdditionalInfo.size ?? 0), checksum: md.copyAdditionalInfo.sha256 ? `sha256:${md.copyAdditionalInfo.sha256}` : null });
              return;
            }
          }
          const ds = app?.dataServices.find((x) => x.bindName === d.bindName);
          const dsb = await w.store.getDsb(d.dsbUrn);
          const url = dsb?.url ?? ds?.spec.dsbUrl;
          if (!url) throw new Error(`DSB ${d.dsbUrn} is no longer registered`);
          await w.store.updateDsCopy(c.id, d.bindName, { status: 'running' });
          const r = await w.brokers.dsb(url).copy(d.serviceId, {
            copyId: d.dsCopyId, copyRepoProtocol: d.protocol!, copyRepoProtocolVersion: d.protocolVersion,
            copyRepoCredentials: { url: await scopedCrbUrl(w, crb.url, { access: 'write', copyId: d.dsCopyId, repoId: d.repoId! }), repoId: d.repoId! }, copyType: d.facility ?? COPY_FACILITY, copyTime: c.timeStamp,
          });
          if (r.status !== 0) throw new Error(`the DSB failed the copy (status ${r.status}): ${r.statusMessage ?? ''}`);
          await w.store.updateDsCopy(c.id, d.bindName, { status: 'created', size: r.size, checksum: r.checksum });
        });
      },
    },
    {
      name: 'finish-copy',
      run: async ({ input }: Ctx) => {
        if (await w.store.setCopyState(input.appCopyId, 'created', null, ['creating'])) {
          w.bus.publish(input.appInstanceId, `Application copy ${input.appCopyId} created`, []);
        }
      },
    },
  ];
}

async function onCopyFailed(w: WorkContext, input: CopyInput, reason: string): Promise<void> {
  const c = await w.store.getCopy(input.appCopyId, true);
  if (!c) return;
  for (const d of c.dataServiceCopies) if (d.status !== 'created' && d.status !== 'failed') await w.store.updateDsCopy(c.id, d.bindName, { status: 'failed', message: reason });
  if (await w.store.setCopyState(c.id, 'failed', reason, ['creating'])) {
    w.bus.publish(input.appInstanceId, `Application copy ${c.id} failed: ${reason}`, [], 'err');
  }
}

/** `copy`: one application copy (create-app-copy); the copy record exists before the operation. */
export function copyKind(w: WorkContext): OperationKind<CopyInput, Record<string, never>> {
  return {
    kind: 'copy', resumable: true, initialState: () => ({}), steps: copySteps(w, false),
    onFailed: (op, reason) => onCopyFailed(w, op.input, reason),
  };
}

/** `protect`: one scheduled run of a protection policy: a copy, then the retention pass. */
export function protectKind(w: WorkContext): OperationKind<CopyInput, Record<string, never>> {
  return {
    kind: 'protect', resumable: true, initialState: () => ({}),
    steps: [
      ...copySteps(w, true),
      {
        name: 'retention',
        run: async ({ input }: Ctx) => {
          const policy = input.policyName ? await w.store.getPolicy(input.appInstanceId, input.policyName) : undefined;
          if (!policy || (policy.retainCount === null && policy.retainSeconds === null)) return;
          const now = Date.now();
          const kept = (await w.store.listCopies(input.appInstanceId)).filter((c) => c.state === 'created').reverse(); // newest first
          for (const [i, c] of kept.entries()) {
            const tooMany = policy.retainCount !== null && i >= policy.retainCount;
            const tooOld = policy.retainSeconds !== null && c.id !== input.appCopyId && c.timeStamp < now - policy.retainSeconds * 1000;
            if (tooMany || tooOld) {
              await deleteCopyEverywhere(w, c);
              w.bus.publish(input.appInstanceId, `Application copy ${c.id} expired and was deleted`, []);
            }
          }
        },
      },
    ],
    onFailed: (op, reason) => onCopyFailed(w, op.input, reason),
  };
}
