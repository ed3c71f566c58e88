// Workspace lint: TypeScript rules plus the module boundaries that keep the architecture honest.
import nx from '@nx/eslint-plugin';

const infrastructure = [
  'pg', 'pg-*', 'kafkajs', 'typeorm', '@nestjs/*', '@kurrent/*', 'express', 'pino', 'pino-*',
  'nestjs-pino', 'prom-client', 'jose', 'node:fs', 'fs', 'node:net', 'net', 'node:http', 'http',
];

/**
 * Who may import whom. Tests (specs and test/ folders) may also use the shared test
 * infrastructure (kind:testing); production sources never do.
 */
function moduleBoundaries({ tests }) {
  const testing = tests ? ['kind:testing'] : [];
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      depConstraints: [
        // a service never imports another service: services may only depend on libraries
        { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
        // libraries never import services
        { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
        // the kernel and the contracts are pure: no infrastructure, no infrastructure libs
        { sourceTag: 'kind:pure', onlyDependOnLibsWithTags: ['kind:pure', ...testing], bannedExternalImports: infrastructure },
        { sourceTag: 'kind:infra', onlyDependOnLibsWithTags: ['kind:pure', 'kind:infra', ...testing] },
        { sourceTag: 'kind:testing', onlyDependOnLibsWithTags: ['kind:pure', 'kind:infra', 'kind:testing'] },
      ],
    },
  ];
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/node_modules', '**/dist', '**/tmp', '**/.cache', '**/*.js', '**/*.mjs'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': moduleBoundaries({ tests: false }),
    },
  },
  {
    // production sources never use the test harnesses (a direct ban: the boundary rule checks
    // dependencies transitively, and libraries' own tests make them depend on libs/testing)
    // (patterns are relative to the project: Nx lints each project from its own folder)
    files: ['src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['@billing/testing', '@billing/service-testing'].map((name) => ({ name, message: 'test infrastructure is for tests only' })) }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ tests: true }) },
  },
];
