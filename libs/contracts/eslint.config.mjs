import base from '../../eslint.config.mjs';

// The contracts are pure data and schemas: Node built-ins with I/O are not project-graph
// dependencies, so the module-boundary rule cannot see them; forbid them here. The generator
// (tools/) and the tests may read and write files.
const io = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'child_process', 'node:child_process'];

export default [
  ...base,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: io.map((name) => ({ name, message: 'libs/contracts is pure: no I/O at runtime.' })) }],
    },
  },
];
