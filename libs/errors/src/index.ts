export * from './ocopea-error';
export * from './upstream-error';
export * from './peer-failure';
export * from './retry';
