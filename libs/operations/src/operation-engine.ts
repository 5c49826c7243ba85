import { randomUUID } from 'node:crypto';
import { backoffDelay, ConflictError, NotFoundError, sleep } from '@ocopea/errors';
import type { SqlDb } from '@ocopea/sql-store';
import { FINAL_PHASES, type Operation, type OperationKind, type OperationPhase } from './operation';

/** Engine settings. */
export interface EngineOptions {
  /** A lease not renewed for this long is considered abandoned (default 15 000 ms). */
  leaseMs?: number;
  /** Operations run at once (default 8). */
  concurrency?: number;
  /**
   * True when no other process can share the database (the embedded store): at start every open operation is
   * taken over at once instead of waiting for its lease to expire.
   */
  exclusive?: boolean;
  /** How long `stop` waits for running steps to notice the abort before leaving them (default 5 000 ms). */
  stopTimeoutMs?: number;
  /** Errors from hooks and the background loop. */
  onError?: (err: unknown, opId?: string) => void;
}

type Row = {
  id: string; kind: string; subject: string; phase: OperationPhase; step: string | null; steps: string[] | string;
  progress_completed: number; progress_total: number; input: unknown; state: unknown; error: string | null;
  attempts: number; lease_until: string | number; created: string | number; updated: string | number;
  step_times: string | Operation['stepTimes'] | null;
};

/**
 * Runs persisted operations. `submit` writes the record and returns at once; workers claim operations with a lease
 * (an atomic UPDATE, so two processes sharing a database never run the same one), run the steps in order, persist
 * the state after each step, and end in `succeeded` or `failed`. On `start`, open operations left by a previous
 * process are resumed from their step (resumable kinds) or failed with a reason; so are those a running engine takes
 * over because their worker's lease lapsed.
 */
export class OperationEngine {
  private readonly kinds = new Map<string, OperationKind<never, never>>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly owner = randomUUID();
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private kick?: Promise<void>;

  constructor(private readonly db: SqlDb, private readonly opts: EngineOptions = {}) {
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.concurrency = opts.concurrency ?? 8;
  }

  /** Declares a kind; call before `start`. */
  register<I, S>(kind: OperationKind<I, S>): this {
    this.kinds.set(kind.kind, kind as unknown as OperationKind<never, never>);
    return this;
  }

  /** Recovers open operations and starts the background loop. */
  async start(): Promise<void> {
    this.stopped = false;
    const open = (await this.db.query<Row>(`SELECT * FROM operations WHERE phase IN ('pending','running') ORDER BY created`)).rows;
    for (const row of open) {
      const kind = this.kinds.get(row.kind);
      const orphaned = this.opts.exclusive || row.phase === 'pending' || Number(row.lease_until) < Date.now();
      if (!orphaned) continue; // another live process holds it; the sweeper takes it if its lease lapses
      if (!kind || (!kind.resumable && row.phase === 'running')) {
        await this.fail(toOp(row), `interrupted: the service restarted during step '${row.step ?? 'start'}' and this operation cannot be resumed safely`);
      } else {
        await this.db.query(`UPDATE operations SET phase='pending', lease_owner=NULL, lease_until=0, updated=$2 WHERE id=$1`, [row.id, Date.now()]);
      }
    }
    // Renew (and sweep for lapsed leases) three times per lease, so one late round never loses a lease. No floor: a
    // floor above leaseMs / 3 would let short leases lapse between renewals and be taken over mid-step.
    this.timer = setInterval(() => { this.pump(); }, this.leaseMs / 3);
    this.timer.unref();
    this.pump();
  }

  /**
   * Stops claiming work and aborts running steps. Operations interrupted this way stay open with their lease
   * released, so the next start resumes them (or fails them, for non-resumable kinds). An operation whose claim was
   * in flight is handed back untouched; once `stop` resolves, nothing new runs here.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const r of this.running.values()) r.abort.abort(new Error('service shutting down'));
    // A step that ignores the abort is left behind: its lease lapses and the next start takes the operation over.
    const settled = Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((r) => { timer = setTimeout(r, this.opts.stopTimeoutMs ?? 5_000); })]);
    clearTimeout(timer);
    await this.kick;
  }

  /**
   * Records a new operation and schedules it. `id` makes submission idempotent per caller-chosen id: submitting an
   * existing id raises ConflictError.
   */
  async submit<I>(kindName: string, subject: string, input: I, id: string = randomUUID()): Promise<Operation<I>> {
    const kind = this.kinds.get(kindName);
    if (!kind) throw new Error(`unknown operation kind '${kindName}'`);
    const now = Date.now();
    const steps = kind.steps.map((s) => s.name);
    const state = (kind.initialState as unknown as (i: I) => unknown)(input);
    const res = await this.db.query<Row>(
      `INSERT INTO operations (id, kind, subject, phase, step, steps, progress_completed, progress_total, input, state, created, updated)
       VALUES ($1,$2,$3,'pending',NULL,$4,0,$5,$6,$7,$8,$8) ON CONFLICT (id) DO NOTHING RETURNING *`,
      [id, kindName, subject, JSON.stringify(steps), steps.length, JSON.stringify(input), JSON.stringify(state), now]);
    if (res.rows.length === 0) throw new ConflictError(`operation '${id}' exists`);
    this.pump();
    return toOp(res.rows[0]) as Operation<I>;
  }

  async get(id: string): Promise<Operation> {
    const r = await this.db.query<Row>(`SELECT * FROM operations WHERE id=$1`, [id]);
    if (!r.rows[0]) throw new NotFoundError(`operation '${id}' not found`);
    return toOp(r.rows[0]);
  }

  async find(id: string): Promise<Operation | undefined> {
    const r = await this.db.query<Row>(`SELECT * FROM operations WHERE id=$1`, [id]);
    return r.rows[0] ? toOp(r.rows[0]) : undefined;
  }

  /** Operations, newest first, optionally filtered. */
  async list(filter: { subject?: string; phase?: OperationPhase; kind?: string; limit?: number } = {}): Promise<Operation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [col, v] of [['subject', filter.subject], ['phase', filter.phase], ['kind', filter.kind]] as const) {
      if (v !== undefined) { params.push(v); where.push(`${col}=$${params.length}`); }
    }
    params.push(filter.limit ?? 500);
    const r = await this.db.query<Row>(`SELECT * FROM operations ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created DESC, id LIMIT $${params.length}`, params);
    return r.rows.map(toOp);
  }

  /** Resolves when the operation reaches a final phase (for tests and synchronous callers). */
  async waitForFinal(id: string, timeoutMs = 60_000): Promise<Operation> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const op = await this.get(id);
      if (FINAL_PHASES.has(op.phase)) return op;
      if (Date.now() > deadline) throw new Error(`operation ${id} still ${op.phase} in step ${op.step} after ${timeoutMs} ms`);
      await sleep(backoffDelay(attempt, { initialMs: 10, maxMs: 200 }));
    }
  }

  private pump(): void {
    if (this.stopped || this.kick) return;
    this.kick = this.claimAndRun().catch((err) => (this.opts.onError ?? defaultOnError)(err)).finally(() => { this.kick = undefined; });
  }

  private async claimAndRun(): Promise<void> {
    // Renew the leases of what our workers run, then claim what is free (pending, or running with a lapsed lease)
    // and not ours already: a worker of ours whose lease lapsed keeps its operation unless another engine takes it,
    // and the fence (lease_owner) could not tell two of our own workers apart.
    const mine = [...this.running.keys()];
    if (mine.length) {
      await this.db.query(`UPDATE operations SET lease_until=$2 WHERE lease_owner=$1 AND phase='running' AND id = ANY($3::text[])`, [this.owner, Date.now() + this.leaseMs, mine]);
    }
    while (!this.stopped && this.running.size < this.concurrency) {
      const now = Date.now();
      // `was` is the phase before the claim: 'running' means a takeover from a worker whose lease lapsed.
      const r = await this.db.query<Row & { was: OperationPhase }>(
        `UPDATE operations o SET phase='running', lease_owner=$1, lease_until=$2, attempts=o.attempts+1, updated=$3
         FROM (SELECT id, phase FROM operations WHERE kind = ANY($4::text[]) AND (phase='pending' OR (phase='running' AND lease_until < $3))
                 AND NOT (id = ANY($5::text[]))
               ORDER BY created LIMIT 1 ${this.db.kind === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : ''}) c
         WHERE o.id = c.id
         RETURNING o.*, c.phase AS was`,
        [this.owner, now + this.leaseMs, now, [...this.kinds.keys()], [...this.running.keys()]]);
      const row = r.rows[0];
      if (!row) return;
      if (this.stopped) {
        // stop() came while this claim was in flight: hand the operation back as it was, for the next owner.
        await this.db.query(`UPDATE operations SET phase=$3, lease_owner=NULL, lease_until=0, attempts=attempts-1 WHERE id=$1 AND lease_owner=$2`,
          [row.id, this.owner, row.was]);
        return;
      }
      if (row.was === 'running' && !this.kinds.get(row.kind)!.resumable) {
        // Taken over from a worker that stopped renewing its lease mid-step: like a restart, a kind that cannot be
        // resumed is failed, never re-run. We hold the lease now, so the write is fenced like any of ours.
        await this.fail(toOp(row), `interrupted: the worker running step '${row.step ?? 'start'}' stopped renewing its lease and this operation cannot be resumed safely`, true)
          .catch((e) => { if (!(e instanceof LeaseLostError)) throw e; });
        continue;
      }
      const abort = new AbortController();
      const done = this.execute(toOp(row), abort.signal).finally(() => { this.running.delete(row.id); this.pump(); });
      this.running.set(row.id, { abort, done });
    }
  }

  private async execute(op: Operation, signal: AbortSignal): Promise<void> {
    const kind = this.kinds.get(op.kind) as unknown as OperationKind<unknown, unknown>;
    const startAt = Math.max(0, op.step ? op.steps.indexOf(op.step) : 0);
    const ctx = {
      op, input: op.input, state: op.state, signal,
      checkpoint: async () => { await this.save(op.id, { state: ctx.state }, true); },
    };
    try {
      for (let i = startAt; i < kind.steps.length; i++) {
        signal.throwIfAborted();
        const step = kind.steps[i];
        op.step = step.name;
        op.progress = { completed: i, total: kind.steps.length };
        op.stepTimes[step.name] = { started: op.stepTimes[step.name]?.started ?? Date.now() };
        await this.save(op.id, { step: step.name, progress_completed: i, step_times: op.stepTimes }, true);
        await step.run(ctx);
        op.stepTimes[step.name].finished = Date.now();
        await this.save(op.id, { state: ctx.state, progress_completed: i + 1, step_times: op.stepTimes }, true);
      }
      op.state = ctx.state;
      op.phase = 'succeeded';
      op.progress = { completed: kind.steps.length, total: kind.steps.length };
      await this.save(op.id, { phase: 'succeeded', lease_owner: null, lease_until: 0, progress_completed: kind.steps.length }, true);
      await kind.onSucceeded?.(op).catch((err) => this.opts.onError?.(err, op.id));
    } catch (err) {
      // Another worker took the operation over (our lease lapsed): it is theirs now, touch nothing.
      if (err instanceof LeaseLostError) return;
      if (signal.aborted && this.stopped) {
        // Shutting down: leave it open for the next start to resume, and say who held it last.
        await this.save(op.id, { state: ctx.state, lease_owner: null, lease_until: 0 }, true).catch(() => undefined);
        return;
      }
      op.state = ctx.state;
      // A failure that cannot be written (the database went away) is reported, not thrown: nothing awaits a worker,
      // and a rejection nobody handles ends the process. The operation stays `running` under a lease nobody renews
      // once this worker is gone, so a later claim takes it over (resumed, or failed if it cannot be) — never lost.
      await this.fail(op, (err as Error)?.message ?? String(err), true)
        .catch((e) => { if (!(e instanceof LeaseLostError)) (this.opts.onError ?? defaultOnError)(e, op.id); });
    }
  }

  private async fail(op: Operation, reason: string, fenced = false): Promise<void> {
    op.phase = 'failed';
    op.error = reason;
    const current = op.step ? op.stepTimes[op.step] : undefined;
    if (current && current.finished === undefined) current.finished = Date.now();
    await this.save(op.id, { phase: 'failed', error: reason, state: op.state, step_times: op.stepTimes, lease_owner: null, lease_until: 0 }, fenced);
    const kind = this.kinds.get(op.kind) as unknown as OperationKind<unknown, unknown> | undefined;
    await kind?.onFailed?.(op, reason)?.catch((err) => this.opts.onError?.(err, op.id));
  }

  /**
   * Writes fields of one operation. `fenced` writes (from the worker running it) only land while this engine still
   * holds the lease; otherwise LeaseLostError: a worker whose lease lapsed must never overwrite the new owner's work.
   */
  private async save(id: string, fields: Record<string, unknown>, fenced = false): Promise<void> {
    const cols = Object.keys(fields);
    const sets = cols.map((c, i) => `${c}=$${i + 2}`);
    const values = cols.map((c) => (c === 'state' || c === 'step_times' ? JSON.stringify(fields[c] ?? null) : fields[c]));
    const fence = fenced ? ` AND lease_owner=$${cols.length + 3}` : '';
    const r = await this.db.query(`UPDATE operations SET ${sets.join(', ')}, updated=$${cols.length + 2} WHERE id=$1${fence}`,
      fenced ? [id, ...values, Date.now(), this.owner] : [id, ...values, Date.now()]);
    if (fenced && r.rowCount === 0) throw new LeaseLostError(id);
  }

}

/** The running worker no longer holds the operation's lease. */
class LeaseLostError extends Error {
  constructor(id: string) { super(`lease on operation ${id} lost to another worker`); }
}

function toOp(r: Row): Operation {
  return {
    id: r.id, kind: r.kind, subject: r.subject, phase: r.phase, step: r.step,
    steps: typeof r.steps === 'string' ? JSON.parse(r.steps) : r.steps,
    progress: { completed: r.progress_completed, total: r.progress_total },
    input: r.input, state: r.state, error: r.error, attempts: r.attempts,
    stepTimes: (typeof r.step_times === 'string' ? JSON.parse(r.step_times) : r.step_times) ?? {},
    created: Number(r.created), updated: Number(r.updated),
  };
}

// A failing claim loop must never be silent (the operation would just sit in `pending`).
function defaultOnError(err: unknown): void {
  console.error('operation engine:', err);
}
