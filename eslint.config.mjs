// Type-aware lint. Workflows run in Temporal's deterministic sandbox: no Node built-ins, and
// activities only as types (a value import would drag activity code into the workflow bundle).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'bin/**', 'eslint.config.mjs', '.dependency-cruiser.cjs', 'test/floors/bad/**', 'out/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe/it return promises that the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Fake activities in tests are async to match the real signatures without awaiting anything.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'fs/*', 'path', 'child_process', 'crypto', 'os', 'http', 'https', 'net', 'stream', 'worker_threads', 'process'], message: 'Workflows are deterministic: no Node built-ins.' },
          { group: ['**/activities', '**/activities/*', '**/activities/**'], allowTypeImports: true, message: 'Import activities as types only (import type).' },
          { group: ['minio', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Not allowed in workflow code.' },
        ],
      }],
    },
  },
);
