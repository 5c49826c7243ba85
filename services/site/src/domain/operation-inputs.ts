// What the Site's operations take: declared by the domain, which submits them; the engine's kinds
// (engine/deploy.ts, copy.ts, stop.ts) run them, and compose.ts registers those.

/** Fields every Site operation input may carry: who started it (a principal, or 'system'), shown in the operation view. */
export interface OpRefs { startedBy?: string }

/** `deploy` (and the steps it reports). */
export interface DeployInput extends OpRefs { appInstanceId: string }
export const DEPLOY_STEPS = ['create-data-services', 'bind-data-services', 'activate-policies', 'deploy-app-services', 'wait-app-services'] as const;

/** `copy` (the copy record exists before), and `protect` (a scheduled copy of a protection policy). */
export interface CopyInput extends OpRefs { appInstanceId: string; appCopyId: string; policyName?: string }

/** `stop`. */
export interface StopInput extends OpRefs { appInstanceId: string }
