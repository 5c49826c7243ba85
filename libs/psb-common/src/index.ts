export * from './app-service-environment';
