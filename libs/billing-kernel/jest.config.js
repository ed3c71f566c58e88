module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'billing-kernel',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
