// Lint rules that keep the layers honest (see docs/design/style.md): the emulator never imports VS Code,
// no floating promises, type-only imports marked, no import cycles.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** The extension reaches the emulator over HTTP only: wire types may be imported, never its runtime code. */
const HTTP_ONLY = {
  group: ['**/emulator/**'],
  allowTypeImports: true,
  message: 'Talk to the emulator over HTTP only.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'examples/**',
      'test/fixtures/**',
      'bench/app/**',
      'bench/reliability-app/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      // History and action types are numeric on the wire; comparing wire values with the enums is the point.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Disagrees with tsc about literal types in object literals; tsc is the authority on types.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/emulator/**/*.ts', 'src/protocol/**/*.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'The emulator runs without VS Code.' }] },
      ],
      'no-console': 'error',
    },
  },
  {
    // The extension talks to the emulator over HTTP only: wire types may be imported, never its runtime code.
    files: ['src/extension/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [HTTP_ONLY],
        },
      ],
    },
  },
  {
    // The explorer's API client talks HTTP only: no VS Code (it is tested in plain Node) and no emulator runtime code
    // (types describing the wire are fine).
    files: ['src/extension/api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The API client runs without VS Code.' }],
          patterns: [HTTP_ONLY],
        },
      ],
    },
  },
  {
    // What "Create Test for Orchestration" writes is worked out without VS Code (unit-tested in plain Node).
    files: ['src/extension/createTest/detect.ts', 'src/extension/createTest/template.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Test generation runs without VS Code; the command file adds the UI.' }],
          patterns: [HTTP_ONLY],
        },
      ],
    },
  },
  {
    // The determinism linter runs in the CLI and the language server, never in VS Code's extension host, and shares
    // nothing with the emulator (docs/design/architecture.md).
    files: ['src/lint/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The linter runs without VS Code (the server talks LSP).' }],
          patterns: [{ group: ['**/emulator/**'], message: 'The linter does not depend on the emulator.' }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='typescript'][importKind!='type'] > ImportDefaultSpecifier",
          message:
            "Use `import * as ts from 'typescript'`: the bundles turn its `ts.x` into plain variables (esbuild.mjs), where a default import pays a property lookup on every use.",
        },
      ],
    },
  },
  {
    // The replay runtime runs in the CLI and the debug adapter's process; only the DAP glue may know VS Code.
    files: ['src/debugger/**/*.ts'],
    ignores: ['src/debugger/dap/vscode*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'The replay runtime runs without VS Code.' }] },
      ],
    },
  },
  {
    // Test code asserts on loosely typed JSON from HTTP answers.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
