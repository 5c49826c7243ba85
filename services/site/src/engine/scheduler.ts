import { randomUUID } from 'node:crypto';
import { ConflictError } from '@ocopea/errors';
import type { OperationEngine } from '@ocopea/operations';
import type { CopyInput } from '../domain/operation-inputs';
import type { SiteRepository } from '../domain/site-repository';

/**
 * Submits `protect` operations for due protection policies. The schedule lives in SQL (`next_run`): the operation
 * id is derived from the policy and its due time, so a restart between submitting and moving `next_run` on neither
 * loses nor duplicates a run.
 */
export class ProtectionScheduler {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(private readonly store: SiteRepository, private readonly engine: OperationEngine, private readonly tickMs = 1000,
    private readonly onError: (err: unknown) => void = (err) => console.error('protection scheduler:', err)) {}

  start(): void {
    this.timer = setInterval(() => { void this.tick(); }, this.tickMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** One pass (exposed for tests). */
  tick(now = Date.now()): Promise<void> {
    this.ticking ??= this.run(now).catch(this.onError).finally(() => { this.ticking = undefined; });
    return this.ticking;
  }

  private async run(now: number): Promise<void> {
    for (const p of await this.store.duePolicies(now)) {
      const app = await this.store.getApp(p.appInstanceId);
      if (!app || ['stopping', 'stopped', 'errorstopping', 'error'].includes(app.state)) {
        await this.store.setPoliciesActive(p.appInstanceId, false);
        continue;
      }
      const opId = `protect-${p.appInstanceId}-${p.name}-${p.nextRun}`.slice(0, 200);
      try {
        await this.engine.submit<CopyInput>('protect', p.appInstanceId, { appInstanceId: p.appInstanceId, appCopyId: randomUUID(), policyName: p.name, startedBy: 'system' }, opId);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err; // submitted before a restart: just move on
      }
      const interval = p.intervalSeconds * 1000;
      let next = p.nextRun + interval;
      if (next <= now) next = now + interval;
      await this.store.advancePolicy(p.appInstanceId, p.name, p.nextRun, next);
    }
  }
}
