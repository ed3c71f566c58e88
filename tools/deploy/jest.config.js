// The deploy checks: docker/ and k8s/ against the services' code (no broker, no database).
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  // kubectl renders each overlay, the validator type-checks every object: slow on a busy machine
  testTimeout: 180_000,
};
