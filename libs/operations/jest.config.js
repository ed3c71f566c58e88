const preset = require('../../jest.preset.js');

module.exports = preset.withInfrastructure({
  ...preset,
  displayName: 'operations',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
});
