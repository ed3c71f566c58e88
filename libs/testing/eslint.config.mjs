import base from '../../eslint.config.mjs';

// this library IS the test infrastructure: its sources may use each other
export default [...base, { files: ['**/*.ts'], rules: { 'no-restricted-imports': 'off' } }];
