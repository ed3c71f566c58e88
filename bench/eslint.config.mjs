import base from '../eslint.config.mjs';

// Benchmarks are measuring tools, never shipped: they boot services in-process and drive their
// internals (the renewal scheduler, the schedule's rows) to time them, so the service/library
// boundaries that hold for production code do not apply here.
export default [...base, { files: ['**/*.ts'], rules: { '@nx/enforce-module-boundaries': 'off' } }];
