const preset = require('../../jest.preset.js');

module.exports = preset.withInfrastructure({
  ...preset,
  displayName: 'eventsourcing',
  // list every test, so that a skipped suite (KurrentDB without a server) shows by name
  verbose: true,
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
});
