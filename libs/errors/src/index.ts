export * from './ocopea-error';
export * from './upstream-error';
