// Lint rules that carry the house style: domain code stays free of express and of generated wire types
// (routers map at the boundary), and no service imports another service.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/.data/**', 'libs/service-kit/test/fixtures/pets-paths.ts', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/services/*', '@ocopea/site', '@ocopea/hub', '@ocopea/crb-fs', '@ocopea/dsb-postgres', '@ocopea/dsb-fs', '@ocopea/psb-process', '@ocopea/psb-k8s'], message: 'services talk over HTTP through @ocopea/api clients, never by import' }] }],
    },
  },
  {
    // The brokers' shared domain (libs/dsb-common) too, but for dsb-app.ts, its HTTP edge.
    files: ['services/*/src/domain/**/*.ts', 'services/*/src/engine/**/*.ts', 'libs/dsb-common/src/**/*.ts'],
    ignores: ['libs/dsb-common/src/dsb-app.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['express', 'express-*'], message: 'domain code knows nothing of HTTP frameworks' },
        { group: ['**/generated/**'], message: 'map wire types at the router boundary' },
      ] }],
    },
  },
  { files: ['**/*.mjs', 'scripts/**'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } } },
);
