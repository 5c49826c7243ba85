// An application copy's record: made when a copy is asked for (by the domain, or by a scheduled `protect`), and
// deleted everywhere (its data at the CRBs, then the record) by a delete or by retention.
import { randomUUID } from 'node:crypto';
import { UnavailableError } from '@ocopea/errors';
import type { Brokers } from './brokers';
import type { SiteRepository } from './site-repository';
import type { AppCopy, AppInstance } from './types';

export const COPY_FACILITY = 'shpanCopy';

/** The copy record of an application as it is now: one part per bound data service and per app service. */
export function newCopyRecord(app: AppInstance, appCopyId: string, now = Date.now()): AppCopy {
  return {
    id: appCopyId, appInstanceId: app.id, timeStamp: now, state: 'creating', stateMessage: null,
    dataServiceCopies: app.dataServices.map((ds) => ({
      appCopyId, bindName: ds.bindName, dsbUrn: ds.spec.dsbUrn, serviceId: ds.serviceId, dsCopyId: randomUUID(), crbUrn: null, repoId: null,
      protocol: null, protocolVersion: null, facility: COPY_FACILITY, status: 'pending' as const, message: null, size: null, checksum: null,
    })),
    appServiceCopies: app.appServices.map((as) => {
      const configuration: Record<string, string> = { space: as.spec.space, psbUrn: as.spec.psbUrn, artifactRegistryName: as.spec.artifactRegistryName };
      if (as.spec.httpPort !== null) configuration.httpPort = String(as.spec.httpPort);
      if (as.spec.route) configuration.route = as.spec.route;
      for (const [k, v] of Object.entries(as.spec.psbSettings)) configuration[`psbSettings.${k}`] = v;
      for (const [k, v] of Object.entries(as.spec.environmentVariables)) configuration[`env.${k}`] = v;
      return {
        appServiceName: as.name, imageName: as.spec.imageName, imageType: as.spec.imageType, imageVersion: as.spec.imageVersion,
        configuration, timeStamp: now, status: 'created' as const,
      };
    }),
  };
}

/** Deletes an application copy's data at its CRBs (missing = deleted), then forgets it. 503 when a CRB cannot be reached. */
export async function deleteCopyEverywhere(w: { store: SiteRepository; brokers: Brokers }, copy: AppCopy): Promise<void> {
  for (const d of copy.dataServiceCopies) {
    if (!d.crbUrn) continue;
    const crb = await w.store.getCrb(d.crbUrn);
    if (!crb) continue; // unregistered: nothing this Site can reach
    try {
      await w.brokers.crb(crb.url).deleteCopy(d.dsCopyId);
    } catch (err) {
      throw new UnavailableError(`cannot delete copy ${d.dsCopyId} at CRB ${crb.urn}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  await w.store.markCopyDeleted(copy.id);
}

