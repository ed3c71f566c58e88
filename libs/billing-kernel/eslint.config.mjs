import base from '../../eslint.config.mjs';

export default [
  ...base,
  {
    // the kernel computes money: forbid the float helpers that creep into amounts
    files: ['src/**/*.ts'],
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
