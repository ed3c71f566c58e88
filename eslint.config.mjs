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
        { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'], notDependOnLibsWithTags: tests ? [] : ['kind:testing'] },
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
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ tests: true }) },
  },
  {
    // the kernel computes money: forbid the float helpers that creep into amounts
    files: ['libs/billing-kernel/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-globals': ['error', 'parseFloat'],
      'no-restricted-properties': [
        'error',
        { object: 'Number', property: 'parseFloat', message: 'Amounts are integer minor units.' },
        { property: 'toFixed', message: 'Amounts are integer minor units; format at the edge.' },
        { object: 'Date', property: 'now', message: 'Time comes in as an input (Clock port).' },
        { object: 'Math', property: 'random', message: 'Ids and randomness come in as inputs.' },
      ],
    },
  },
];
