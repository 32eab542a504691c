// ESLint (flat config): typescript-eslint's type-aware rules over the TypeScript of src/, scripts/,
// tests/ and web/ (the tsconfig.json project), the recommended rules over the plain JavaScript.
// Formatting is Prettier's job (`npm run lint` runs both), so no stylistic rules here.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/**', 'coverage/**', 'artifacts/**', 'bench-report/**', 'data/**', '.stack/**', '.stack-faults*/**', '.scratch/**', 'src/generated/**'],
  },
  eslint.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error; one handed to a callback that ignores it, too.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: an async function that awaits nothing is how we implement a promise-returning interface
      // (the in-memory adapters, the stand-ins of src/roles/); it throws as a rejection, as callers expect.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Passing on what a library rejected with (ZooKeeper's exceptions, ioredis' replies) is allowed;
      // rejecting with a literal of our own is not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Off: kafkajs hands eachBatch's helpers (heartbeat, resolveOffset, isRunning...) to be
      // destructured, and our factories (createScorer, createRefreshQueue) return closures, not
      // methods that read `this`: every report of this rule here was of that kind.
      '@typescript-eslint/unbound-method': 'off',
      // Off: we compare the numbers libraries hand us (kafkajs log levels, websocket close codes,
      // graphql-js Kind strings) with those libraries' own enums.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // Tests read untyped JSON answers (GraphQL responses, Redis replies) and assert on their shape:
    // a wrong shape fails the assertion, so the no-unsafe-* family would only demand casts.
    // String() of websocket frames and GraphQL values is what the assertions compare.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
