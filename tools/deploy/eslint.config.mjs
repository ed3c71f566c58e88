import base from '../../eslint.config.mjs';

// The deploy checks hold the manifests to the code they deploy: they read each service's
// configuration schema (the variables it accepts) and its consumers. They are never shipped, so
// the service boundaries that hold for production code do not apply to them.
export default [...base, { files: ['**/*.ts'], rules: { '@nx/enforce-module-boundaries': 'off' } }];
