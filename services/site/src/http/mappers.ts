import type { site } from '@ocopea/api';
import type { AppCopyView } from '../domain/app-copies';
import type { OperationView } from '../domain/operation-views';
import type { AppInstance, DsbRecord } from '../domain/types';

type S = site.components['schemas'];

export function appDto(a: AppInstance): S['AppInstanceInfoDTO'] {
  return {
    id: a.id, name: a.name, templateName: a.templateName, templateVersion: a.templateVersion, state: a.state, stateMessage: a.stateMessage,
    stateDate: a.stateDate, launched: a.launched, entryPointURL: a.entryPointURL,
    appServices: a.appServices.map((s) => ({
      serviceName: s.name, imageName: s.spec.imageName, imageType: s.spec.imageType, imageVersion: s.spec.imageVersion, publicUrl: s.publicUrl,
      state: s.state, stateMessage: s.stateMessage, stateDate: s.stateDate, serviceBindings: s.spec.dependencies,
    })),
    dataServices: a.dataServices.map((d) => ({
      bindName: d.bindName, dsbURN: d.spec.dsbUrn, serviceId: d.serviceId, state: d.state, stateMessage: d.stateMessage, stateDate: d.stateDate,
    })),
  };
}

export function dsbDto(d: DsbRecord): S['SupportedServiceDto'] {
  return {
    urn: d.urn, name: d.name, type: d.type, description: d.description,
    plans: d.plans.map((p) => ({
      id: p.id, name: p.name, description: p.description, price: p.price, dsbSettings: p.dsbSettings,
      supportedProtocols: p.protocols.map((x) => ({ protocolName: x.name, protocolVersion: x.version, properties: x.properties })),
    })),
  };
}

export function copyDto(c: AppCopyView): S['AppInstanceCopyStatisticsDTO'] {
  return {
    copyId: c.copyId, timeStamp: c.timeStamp, size: c.size, state: c.state as S['AppInstanceCopyStatisticsDTO']['state'],
    dataServiceCopies: c.dataServiceCopies.map((d) => ({ ...d, status: d.status as S['CopyPartState'] })),
    appServiceCopies: c.appServiceCopies.map((a) => ({
      appServiceName: a.appServiceName, appImageName: a.imageName, appimageType: a.imageType, appImageVersion: a.imageVersion,
      timeStamp: a.timeStamp, appServiceConfiguration: a.configuration, status: a.status,
    })),
  };
}

const OPERATION_KINDS: readonly string[] = ['deploy', 'copy', 'stop', 'protect'] satisfies S['OperationKind'][];
const isOperationKind = (k: string): k is S['OperationKind'] => OPERATION_KINDS.includes(k);

/** An operation as the contract shows it; a kind the contract does not name is a bug here, not the caller's. */
export function operationOut(v: OperationView): S['Operation'] {
  const { kind } = v;
  if (!isOperationKind(kind)) throw new Error(`operation ${v.id} has kind '${kind}', which the Site's contract does not name`);
  return { ...v, kind };
}
