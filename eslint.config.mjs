// Lint: typescript-eslint's strictTypeChecked rules and a complexity limit, as fabric-gateway's
// node/eslint.config.base.mjs sets them up, with types from tsconfig.json (src, test, bench).
// Where a rule does not fit this codebase it is tuned here, once, with the reason beside it.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Build output, dependencies, data, the chaincode fixtures (plain JavaScript run by a
    // chaincode process, with their own package.json files), and the examples (plain JavaScript
    // run by Mocha and Jest from their own package.json, with those runners' globals).
    ignores: ['dist/**', 'node_modules/**', 'data/**', 'test/fixtures/**', 'examples/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // fabric-gateway's limit is 10, but ESLint 9 counts every `?.`, `??` and default value as a
      // branch, and code over optional protobuf fields is full of them (over 20 of today's functions
      // exceed 10, most by `?.`/`??` alone). 15 still stops the long functions that do too much;
      // 'modified' counts a switch that dispatches on a name or a message type once.
      complexity: ['error', { max: 15, variant: 'modified' }],
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }],
      // Numbers (counts, block numbers, status and validation codes) belong in messages and log
      // lines as they are; other non-strings (undefined, objects) still have to be made explicit.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowAny: false, allowBoolean: false, allowNever: false, allowNullish: false, allowRegExp: false },
      ],
      // `(err) => (err ? reject(err) : resolve())` and `() => clearTimeout(t)` are this codebase's
      // callback idiom: a void callback returning a void expression confuses nobody.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // A method that implements a promise-returning interface is `async` even when it has nothing
      // to await: a throw inside it then rejects, as callers expect, instead of throwing
      // synchronously (ARCHITECTURE.md: "send on a closed queue rejects, never throws").
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a parameter an implementation must accept and does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // node:test's test() and describe() return promises that its runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
    },
  },
  {
    // A test is a list of assertions: its `?.` and `??` over decoded messages are not branches of
    // logic worth a limit.
    // Explicit return types are for the code's API: a test's or a benchmark's local helpers are
    // read with their inferred types.
    files: ['test/**/*.ts'],
    rules: { complexity: 'off', '@typescript-eslint/explicit-function-return-type': 'off' },
  },
  {
    files: ['bench/**/*.ts'],
    rules: { '@typescript-eslint/explicit-function-return-type': 'off' },
  },
  {
    // The build and test scripts and the bin are plain JavaScript, outside tsconfig.json: linted
    // without types.
    files: ['**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      ecmaVersion: 2023,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly' },
    },
    // CommonJS loads its modules with require().
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
