// What a restart left half done gets its operation again (or fails, for a copy that never started).
import { FINAL_PHASES, type OperationEngine } from '@ocopea/operations';
import type { DeployInput, StopInput } from './operation-inputs';
import type { SiteRepository } from './site-repository';

export class Reconciler {
  constructor(
    private readonly store: SiteRepository,
    private readonly engine: OperationEngine,
  ) {}

  /**
   * After a restart: an application left `deploying`/`stopping` with no open operation (the Site died between
   * recording it and submitting its work) gets its operation now; a copy left `creating` without one fails. The
   * other half of reconciling, asking the DSBs whether running applications' data is still there
   * (`checkDataServices`), runs in the background from start-up on (`DataServiceWatch`): a slow DSB must not hold
   * the Site's start.
   */
  async reconcile(): Promise<void> {
    const open = (await this.engine.list({ limit: 100_000 })).filter((o) => !FINAL_PHASES.has(o.phase));
    const openFor = (subject: string, kinds: string[]) => open.some((o) => o.subject === subject && kinds.includes(o.kind));
    for (const app of await this.store.listApps()) {
      if (app.state === 'deploying' && !openFor(app.id, ['deploy'])) await this.engine.submit<DeployInput>('deploy', app.id, { appInstanceId: app.id, startedBy: 'system' });
      if (app.state === 'stopping' && !openFor(app.id, ['stop'])) await this.engine.submit<StopInput>('stop', app.id, { appInstanceId: app.id, startedBy: 'system' });
      for (const c of await this.store.listCopies(app.id)) {
        if (c.state === 'creating' && !open.some((o) => (o.input as { appCopyId?: string })?.appCopyId === c.id)) {
          await this.store.setCopyState(c.id, 'failed', 'interrupted: the Site restarted before the copy started', ['creating']);
        }
      }
    }
  }
}
