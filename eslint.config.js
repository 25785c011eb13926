import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // The domain core decides; adapters do I/O. The core may import only itself.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../adapters/*', '../../adapters/*', '**/adapters/**', '**/http/**'],
              message: 'src/core must not import an adapter or an entry point.',
            },
            {
              group: ['**/cli/**', '**/tools/**'],
              message: 'src/core must not import an entry point or a tool.',
            },
            {
              group: [
                'node:*',
                'better-sqlite3',
                'hono',
                'hono/*',
                '@hono/*',
                '@octokit/*',
                '@aws-sdk/*',
                'yaml',
              ],
              message: 'src/core is pure: no I/O modules or vendor SDKs.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tools/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'src/cli/**/*.ts', 'bin/**/*.js'],
    rules: { 'no-console': 'off' },
  },
);
