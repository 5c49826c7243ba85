export * from './create-service-app';
export * from './error-middleware';
export * from './load-spec';
export * from './logger';
export * from './run-service';
export * from './service-config';
export * from './typed-router';
export * from './stream-reclaimer';
