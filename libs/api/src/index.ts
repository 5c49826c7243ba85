export * from './api-client';
export * from './request-context';
export * from './typed-paths';
export * from './clients';
export * from './copy-protocol';
export * from './copy-digests';
export * from './crb-data-client';
export * from './tls-trust';
