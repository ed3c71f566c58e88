module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'service-testing',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
