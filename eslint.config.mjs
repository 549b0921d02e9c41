// One flat config for the whole workspace. Architecture rules live here, not in reviews:
// - every project is tagged on two axes (scope:* and type:*) and the constraints below are enforced;
// - type-aware async rules catch forgotten awaits, which in a message-driven system lose data.
import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';
import * as jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

/** I/O that the pure domain may never touch. */
const ioModules = [
  'fs', 'node:*', 'child_process', 'net', 'http', 'https', 'os', 'path', 'worker_threads',
  'pg', 'nats', '@prisma/*', '@nestjs/*', '@azure/*', '@kubernetes/*', 'pino', 'testcontainers',
];

/**
 * Scope: a bounded context uses its own code and shared code, never another context's.
 * Type: apps are leaves (an app never imports an app); the domain is pure. Tests may also use type:testing.
 */
function moduleBoundaries({ inTests }) {
  const testing = inTests ? ['type:testing'] : [];
  const contexts = ['staging', 'disk-prep', 'orchestration', 'shipping', 'console', 'azure-sim'];
  return {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: true,
    // The one accepted cycle, and only through tests: libs/db's integration tests use the harness, and
    // the harness migrates each test database with libs/db's runner.
    ignoredCircularDependencies: [['db', 'testing']],
    allow: [],
    depConstraints: [
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...contexts.map((context) => ({
        sourceTag: `scope:${context}`,
        onlyDependOnLibsWithTags: [`scope:${context}`, 'scope:shared'],
      })),
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:contracts', 'type:domain', 'type:util', ...testing],
      },
      {
        sourceTag: 'type:feature',
        onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:contracts', 'type:domain', 'type:util', ...testing],
      },
      {
        sourceTag: 'type:data-access',
        onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:domain', 'type:util', ...testing],
      },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:util', ...testing] },
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: ['type:domain', 'type:util', ...testing],
        bannedExternalImports: ioModules,
      },
      { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', ...testing] },
      // Tools that run the whole system (tools/demo): the harness and libs, never an app or a feature.
      {
        sourceTag: 'type:tool',
        onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:contracts', 'type:domain', 'type:util'],
      },
      {
        sourceTag: 'type:testing',
        onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:contracts', 'type:domain', 'type:util'],
      },
    ],
  };
}

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/tmp/**', '**/coverage/**', '**/generated/**', '.nx/**'],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    // .tsx: the ops console's web UI (apps/ops-console/web), with its own browser tsconfig.
    files: ['**/*.ts', '**/*.tsx'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        // consistent-type-imports must not turn Nest's injected classes into type-only imports.
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
      },
    },
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ inTests: false })],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@seedship/*/*'], message: 'Import a lib only through its public index (@seedship/<lib>).' },
            { group: ['**/generated/prisma/*'], message: 'Use the Prisma client re-exported by @seedship/db.' },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // libs/db owns the generated client and is the one place that may import it directly.
    files: ['libs/db/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@seedship/*/*'], message: 'Import a lib only through its public index.' }] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/test-support/**/*.ts'],
    plugins: { jest },
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ inTests: true })],
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'eventually'] }],
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Command-line tools and scripts talk to a terminal.
    files: ['tools/**/*.ts', 'apps/cli/**/*.ts', '**/bin/**/*.ts', '**/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.json'],
    languageOptions: { parser: jsoncParser },
    rules: {},
  },
);
