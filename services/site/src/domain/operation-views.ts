// The Site's operations (deploy, copy, protect, stop) as views.
import type { Operation, OperationEngine, OperationPhase } from '@ocopea/operations';
import { DEPLOY_STEPS } from './operation-inputs';

export class OperationViews {
  constructor(private readonly engine: OperationEngine) {}

  async listOperations(f: { appInstanceId?: string; phase?: OperationPhase; kind?: string }): Promise<OperationView[]> {
    return (await this.engine.list({ subject: f.appInstanceId, phase: f.phase, kind: f.kind })).map(opView);
  }
  async getOperation(id: string): Promise<OperationView> { return opView(await this.engine.get(id)); }
}

export interface OperationView {
  id: string; kind: string; appInstanceId: string; appCopyId: string | null; phase: OperationPhase; step: string; steps: string[];
  progress: { completed: number; total: number }; error: string | null; created: number; updated: number; startedBy: string | null;
}
function opView(o: Operation): OperationView {
  const input = (o.input ?? {}) as { appCopyId?: string; startedBy?: string };
  return {
    id: o.id, kind: o.kind, appInstanceId: o.subject, appCopyId: input.appCopyId ?? null, phase: o.phase,
    step: o.step ?? o.steps[0] ?? DEPLOY_STEPS[0], steps: o.steps, progress: o.progress, error: o.error, created: o.created, updated: o.updated,
    startedBy: input.startedBy ?? null,
  };
}
