export * from './roles';
export * from './token-book';
export * from './oidc-verifier';
export * from './authenticator';
export * from './auth-from-env';
export * from './spec-operations';
export * from './auth-middleware';
export * from './upgrade';
