import type { PsbPaths } from '@ocopea/api';
import { createServiceApp } from '@ocopea/service-kit';
import type { ProcessSupervisor } from './domain/supervisor';
import { registerPsbRoutes } from './http/psb.routes';

export interface PsbProcessDeps {
  supervisor: ProcessSupervisor;
  version: string;
}

/** The process PSB's HTTP API (every operation of specs/psb.yaml). The logs websocket is attached in main.ts. */
export function createPsbProcessApp(deps: PsbProcessDeps) {
  return createServiceApp<PsbPaths>({
    name: 'psb-process',
    spec: 'psb',
    health: () => ({ appServices: deps.supervisor.list().length }),
    unvalidatedPaths: /^\/psb\/app-services\/[^/]+\/[^/]+\/logs\/data$/,
    routes: (r) => registerPsbRoutes(r, deps),
  });
}
