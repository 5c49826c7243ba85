export * from './app-service-environment';
export * from './environment-limits';
