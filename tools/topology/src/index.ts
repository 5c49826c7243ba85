export * from './topology';
export * from './demo';
