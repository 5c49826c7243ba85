export * from './start-service';
export * from './launch';
export * from './crb-grants';
export * from './fake-kubernetes-api-server';
export * from './mariadb';
export * from './bench';
