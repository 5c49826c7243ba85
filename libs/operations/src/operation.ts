/**
 * Lifecycle of an operation. `pending`: accepted, not yet claimed. `running`: a worker holds its lease and is in
 * `step`. `succeeded` and `failed` are final. After a restart, `pending` and `running` operations are resumed from
 * their persisted step (resumable kinds) or failed with a reason (the rest): none stays `running` forever.
 */
export type OperationPhase = 'pending' | 'running' | 'succeeded' | 'failed';

export const FINAL_PHASES: ReadonlySet<OperationPhase> = new Set(['succeeded', 'failed']);

/** A persisted operation. `input` is fixed at submission; `state` is what steps record as they go. */
export interface Operation<I = unknown, S = unknown> {
  id: string;
  kind: string;
  /** What it acts on (an app instance id, a copy id): for listing and for one-at-a-time rules. */
  subject: string;
  phase: OperationPhase;
  /** The step now running, or the last one reached. */
  step: string | null;
  /** The explicit, ordered step list of this kind. */
  steps: string[];
  progress: { completed: number; total: number };
  input: I;
  state: S;
  error: string | null;
  /** How many times a worker claimed it (more than 1 after a resume). */
  attempts: number;
  /**
   * When each step reached so far started and, once it ended (succeeded or failed), finished; epoch ms. A step
   * resumed after a restart keeps its first start.
   */
  stepTimes: Record<string, { started: number; finished?: number }>;
  created: number;
  updated: number;
}

/** What a step receives. */
export interface StepContext<I, S> {
  op: Operation<I, S>;
  input: I;
  /** Mutable; persisted after each step completes (and on `checkpoint`). */
  state: S;
  /** Aborted when the service shuts down: stop at the next safe point. */
  signal: AbortSignal;
  /** Persists `state` now (for long steps that make progress in parts). */
  checkpoint(): Promise<void>;
}

/** One named step. Steps must be idempotent or probe before acting: a resumed operation re-runs its current step. */
export interface OperationStep<I, S> {
  name: string;
  run(ctx: StepContext<I, S>): Promise<void>;
}

/** Declares one kind of operation. */
export interface OperationKind<I = unknown, S = unknown> {
  kind: string;
  steps: OperationStep<I, S>[];
  initialState(input: I): S;
  /**
   * After a restart: `true` re-runs the interrupted step; `false` fails the operation with a reason (for work whose
   * half-done state cannot be trusted).
   */
  resumable: boolean;
  /** Called once when the operation succeeds. */
  onSucceeded?(op: Operation<I, S>): Promise<void>;
  /** Called once when the operation fails (including a restart that cannot resume it). Must not throw. */
  onFailed?(op: Operation<I, S>, reason: string): Promise<void>;
}
