import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.cache/**', 'node_modules/**', 'test/fixtures/**', 'test/workspaces/**', 'demo/**', '.demo/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      'no-console': 'off',
    },
  },
  {
    // The pure core and the CLI must never depend on the editor.
    files: ['src/core/**/*.ts', 'src/backends/**/*.ts', 'src/cli/**/*.ts', 'src/webview/protocol/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'the core is pure: no vscode import' }] }] },
  },
  {
    // Dependencies point one way: the backends build on the core, never the reverse.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'the core is pure: no vscode import' }],
          patterns: [
            {
              group: ['**/backends/*', '**/backends'],
              message: 'the core does not depend on the backends: move shared types down into the core',
            },
          ],
        },
      ],
    },
  },
  {
    // Only the log facade writes output in the extension.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
);
