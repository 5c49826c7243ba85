// Shared jest settings for every package: TypeScript through @swc/jest (fast, no type check: `pnpm build` does
// that), and the ESM-only packages of node_modules transformed too, since jest runs CommonJS.
const esmOnly = ['@kubernetes', 'openapi-fetch', 'node-fetch', 'jose', 'oauth4webapi', 'openid-client'].join('|');
module.exports = {
  testEnvironment: 'node',
  setupFiles: [require('node:path').join(__dirname, 'jest.setup.cjs')],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`node_modules/(?!(\\.pnpm/)?(${esmOnly}))`],
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
