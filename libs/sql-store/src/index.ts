export * from './sql-db';
export * from './pg-sql-db';
export * from './pglite-sql-db';
export * from './open-sql-db';
export * from './migrate';
export * from './test-database';
export * from './embedded-lock';
