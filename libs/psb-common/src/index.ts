export * from './app-service-environment';
export * from './environment-limits';
export * from './app-service-manifest';
