import type { hub, HubClient } from '@ocopea/api';
import { CliError } from './errors';

export type Operation = hub.components['schemas']['Operation'];

const MARK: Record<string, string> = { pending: ' ', running: '…', succeeded: '✓', failed: '✗', skipped: '-' };

export interface FollowOptions {
  /** Where step lines go (stderr, so that stdout stays the command's result). */
  log: (line: string) => void;
  intervalMs?: number;
  /** Give up waiting (the operation goes on) after this long; default 35 minutes, beyond the Hub's 30-minute cap. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Polls `GET /operations/{id}` until it is `succeeded` (returned) or `failed` (thrown as a CliError with the
 * operation's reason), printing each step when its phase or message changes. Ctrl-C leaves the operation running
 * and says how to follow it again.
 */
export async function followOperation(c: HubClient, id: string, o: FollowOptions): Promise<Operation> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const seen = new Map<string, string>();
  const onSigint = () => {
    o.log(`interrupted: operation ${id} goes on; follow it with \`ocopea ops get ${id} --watch\``);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  const deadline = Date.now() + (o.timeoutMs ?? 35 * 60_000);
  try {
    for (;;) {
      const { data: op } = await c.get('/operations/{operationId}', { path: { operationId: id } });
      for (const s of op.steps) {
        const line = `  ${MARK[s.phase] ?? '?'} ${s.name}${s.message ? ` — ${s.message}` : ''}`;
        if (s.phase !== 'pending' && seen.get(s.name) !== line) { seen.set(s.name, line); o.log(line); }
      }
      if (op.phase === 'succeeded') return op;
      if (op.phase === 'failed') {
        const e = op.error;
        throw new CliError(`operation ${id} failed${e?.step ? ` at ${e.step}` : ''}: ${e?.message ?? 'no reason given'}${e?.reason ? ` (${e.reason})` : ''}`);
      }
      if (Date.now() > deadline) throw new CliError(`operation ${id} still ${op.phase} after waiting; follow it with \`ocopea ops get ${id} --watch\``);
      await sleep(o.intervalMs ?? 500);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
