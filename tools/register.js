// Runs the TypeScript sources directly (services, scripts): swc compiles them with Nest's
// decorator metadata, and the tsconfig path aliases resolve to the libraries' sources.
const path = require('node:path');
const { compilerOptions } = require('../tsconfig.base.json');

const root = path.join(__dirname, '..');
process.env.SWC_NODE_PROJECT ??= path.join(root, 'tsconfig.base.json');
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
require('@swc-node/register');
