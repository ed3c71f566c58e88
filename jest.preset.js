// Shared jest settings: swc transforms TypeScript (with Nest's decorator metadata) and the
// tsconfig path aliases resolve to library sources, so tests run without a build step.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper,
  reporters: ['default', path.join(__dirname, 'tools/jest-totals-reporter.js')],
};

/** For suites that talk to the real broker and database: makes sure both are up first. */
// (not enumerable, so spreading the preset does not pass it to jest as an option)
Object.defineProperty(module.exports, 'withInfrastructure', {
  value: (config) => ({
    ...config,
    globalSetup: path.join(__dirname, 'libs/testing/src/jest/global-setup.ts'),
    testTimeout: 60_000,
  }),
});
