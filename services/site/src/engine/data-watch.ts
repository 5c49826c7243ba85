import { dsbUrl, type WorkContext } from './context';

/** Longest part of a DSB's own message quoted in a reason. */
const MAX_QUOTED = 512;
const cut = (s: string) => (s.length <= MAX_QUOTED ? s : `${s.slice(0, MAX_QUOTED)}… (${s.length} characters)`);

/**
 * Asks the DSBs about the data services of every `running` application: one whose DSB answers 404 (the instance is
 * gone) or reports it in `ERROR` makes the application `error`, with the reason. An application whose data vanished
 * underneath it is not running as it should, and saying so keeps copies and policies from working on it as if it
 * were (a copy refuses an app that is not `running`; the scheduler deactivates its policies). A DSB that cannot be
 * reached, or answers anything else, changes nothing: unknown is not gone. Returns the ids of the applications
 * marked `error`.
 */
export async function checkDataServices(w: WorkContext): Promise<string[]> {
  const marked: string[] = [];
  for (const app of await w.store.listApps()) {
    if (app.state !== 'running') continue;
    for (const ds of app.dataServices) {
      if (ds.state !== 'bound') continue;
      let reason: string | undefined;
      try {
        const inst = await w.brokers.dsb(await dsbUrl(w, ds.spec.dsbUrn, ds.spec.dsbUrl)).getInstance(ds.serviceId);
        if (!inst) reason = `data service '${ds.bindName}' is gone: DSB '${ds.spec.dsbUrn}' no longer has instance '${ds.serviceId}'`;
        else if (inst.state === 'ERROR') {
          reason = `data service '${ds.bindName}' is in ERROR at DSB '${ds.spec.dsbUrn}' (instance '${ds.serviceId}')${inst.stateMessage ? `: ${cut(inst.stateMessage)}` : ''}`;
        }
      } catch { continue; } // unreachable or a bad answer: ask again next time
      if (reason === undefined) continue;
      if (await w.store.setAppState(app.id, 'error', reason, { from: ['running'] })) {
        w.bus.publish(app.id, `Application ${app.name} is in state error: ${reason}`, [ds.bindName]);
        marked.push(app.id);
      }
      break;
    }
  }
  return marked;
}

/** Runs `checkDataServices` once at start, then every `intervalMs` (0: never again); one pass at a time. */
export class DataServiceWatch {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly w: WorkContext, private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void = (err) => console.error('data service watch:', err)) {}

  start(): void {
    void this.tick();
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => { void this.tick(); }, this.intervalMs);
    this.timer.unref();
  }

  /** One pass (exposed for tests); joins the pass under way, if any. */
  tick(): Promise<unknown> {
    this.running ??= checkDataServices(this.w).catch(this.onError).finally(() => { this.running = undefined; });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
