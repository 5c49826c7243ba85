// The Hub's operations as its `/operations` extension shows them.
import { NotFoundError } from '@ocopea/errors';
import type { Operation, OperationEngine } from '@ocopea/operations';
import type { OpRefs } from './operation-inputs';

export interface OperationView {
  id: string; kind: string; phase: Operation['phase']; step: string | null;
  steps: { name: string; phase: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped'; started: number | null; finished: number | null; message: string | null }[];
  progress: { completed: number; total: number; unit: 'steps' };
  error: { reason: string; message: string; step: string | null } | null;
  created: number; updated: number;
  parentId: string | null; appInstanceId: string | null; siteId: string | null; savedImageId: string | null; appCopyId: string | null;
  startedBy: string | null;
}

export class OperationViews {
  constructor(private readonly engine: OperationEngine) {}

  async listOperations(f: { kind?: string; phase?: string[]; appInstanceId?: string; savedImageId?: string; limit?: number }): Promise<OperationView[]> {
    const ops = await this.engine.list({ kind: f.kind, limit: 5000 });
    return ops.map(toView)
      .filter((o) => (!f.phase?.length || f.phase.includes(o.phase))
        && (!f.appInstanceId || o.appInstanceId === f.appInstanceId)
        && (!f.savedImageId || o.savedImageId === f.savedImageId))
      .slice(0, f.limit ?? 100);
  }

  async getOperation(id: string): Promise<OperationView> {
    const op = await this.engine.find(id);
    if (!op) throw new NotFoundError(`operation '${id}' not found`);
    return toView(op);
  }
}

function toView(op: Operation): OperationView {
  const refs = (op.input ?? {}) as OpRefs;
  const idx = op.step ? op.steps.indexOf(op.step) : -1;
  const steps = op.steps.map((name, i) => {
    let phase: OperationView['steps'][number]['phase'] = 'pending';
    if (op.phase === 'succeeded') phase = 'succeeded';
    else if (i < idx) phase = 'succeeded';
    else if (i === idx) phase = op.phase === 'failed' ? 'failed' : op.phase === 'running' ? 'running' : 'pending';
    else if (op.phase === 'failed') phase = 'skipped';
    const t = op.stepTimes[name];
    return { name, phase, started: t?.started ?? null, finished: t?.finished ?? null, message: i === idx && op.phase === 'failed' ? op.error : null };
  });
  return {
    id: op.id, kind: op.kind, phase: op.phase, step: op.step, steps,
    progress: { completed: op.progress.completed, total: op.progress.total, unit: 'steps' },
    error: op.phase === 'failed' ? { reason: 'failed', message: op.error ?? 'failed', step: op.step } : null,
    created: op.created, updated: op.updated,
    parentId: refs.parentId ?? null, appInstanceId: refs.appInstanceId ?? null, siteId: refs.siteId ?? null,
    savedImageId: refs.savedImageId ?? null, appCopyId: refs.appCopyId ?? null, startedBy: refs.startedBy ?? null,
  };
}
