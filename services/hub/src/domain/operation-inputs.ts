// What the Hub's operations take and keep: declared by the domain, which submits them; the engine's kinds
// (engine/kinds.ts) run them.
import type { PeerFailure } from './errors';
import type { InstanceState } from './model';
import type { SiteAppInstance, SiteDeployManifest, SiteRestoreInfo, TransferResult } from './site-gateway';

/** Fields every Hub operation input may carry, shown in the operation view. */
export interface OpRefs { parentId?: string | null; appInstanceId?: string | null; siteId?: string | null; savedImageId?: string | null; appCopyId?: string | null; startedBy?: string | null }

/** One CRB-to-CRB transfer of a cross-site deploy-saved-image. */
export interface TransferPlan {
  opId: string;
  bindName: string;
  dsCopyId: string;
  sourceCrbUrl: string;
  targetCrbUrl: string;
  targetCrbUrn: string;
  sourceSiteId?: string;
  sourceCrbUrn?: string;
  /** Restore fields other than the CRB URN and copy id (protocol, version, facility). */
  restoreBase: Omit<SiteRestoreInfo, 'copyRepoUrn' | 'copyId'>;
}

export interface DeployInput extends OpRefs {
  appInstanceId: string;
  siteId: string;
  manifest: SiteDeployManifest;
  transfers: TransferPlan[];
  /** A command answers only once the Site accepted: a Site 4xx then withdraws the instance so its name is free. */
  awaited: boolean;
}
export interface DeployState { failure?: PeerFailure; transferred: Record<string, string> }

export interface TransferInput extends OpRefs {
  bindName: string; dsCopyId: string; sourceCrbUrl: string; targetCrbUrl: string;
  /** Where the copy comes from (operations recorded before grants lack these, and transfer with plain URLs). */
  sourceSiteId?: string; sourceCrbUrn?: string; targetCrbUrn?: string;
}
export interface TransferState { result?: TransferResult }

export interface StopInput extends OpRefs { appInstanceId: string; siteId: string }
export interface StopState { failure?: PeerFailure }

export interface CopyInput extends OpRefs { appInstanceId: string; siteId: string; appCopyId: string }
export interface SavedImageInput extends CopyInput { savedImageId: string }

const SITE_TO_HUB: Record<SiteAppInstance['state'], InstanceState> = {
  pending: 'deploying', deploying: 'deploying', running: 'running', error: 'error', stopping: 'stopping', stopped: 'stopped', errorstopping: 'error',
};
export function hubStateOf(s: SiteAppInstance['state']): InstanceState { return SITE_TO_HUB[s] ?? 'unknown'; }
