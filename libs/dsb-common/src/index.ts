export * from './broker';
export * from './copy-protocol';
export * from './dsb-app';
export * from './instance-registry';
export * from './process-stream';
export * from './redact-binding';
export * from './stdbuf';
// DSBs copy to and restore from a CRB with the one CRB data client of @ocopea/api.
export { CRB_IDLE_TIMEOUT_MS, downloadCopy, probeCopy, uploadCopy, type CopyProbe } from '@ocopea/api';
export * from './golden-copies';
export * from './golden-registry';
