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

// Packages shipped as ES modules only (dinero.js v2): Node ≥ 20.19 loads them through
// require(esm), jest's CommonJS runtime does not, so jest compiles them like our sources.
const esmOnlyPackages = ['dinero\\.js'];

const swcTransform = [
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
];

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': swcTransform,
    [`/node_modules/(${esmOnlyPackages.join('|')})/.+\\.js$`]: swcTransform,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
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
