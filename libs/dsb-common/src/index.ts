export * from './broker';
export * from './copy-protocol';
export * from './crb-stream';
export * from './dsb-app';
export * from './instance-registry';
export * from './process-stream';
export * from './redact-binding';
