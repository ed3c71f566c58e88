#!/usr/bin/env node
// `billingctl`: runs the TypeScript command line through the workspace's swc runner.
require('../../../tools/register.js');
require('../src/cli/main.ts');
