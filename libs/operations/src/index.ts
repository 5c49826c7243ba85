export * from './operation';
export * from './operation-engine';
export * from './migrations';
export * from './wait-for';
