// Runs the TypeScript sources directly (services, scripts): swc compiles them with Nest's
// decorator metadata, and the tsconfig path aliases resolve to the libraries' sources.
const path = require('node:path');
const { compilerOptions } = require('../tsconfig.base.json');

const root = path.join(__dirname, '..');
process.env.SWC_NODE_PROJECT ??= path.join(root, 'tsconfig.base.json');
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
require('@swc-node/register');

// CPU_PROFILE_DIR: a V8 CPU profile of the run, written there on SIGTERM or SIGINT, while the
// graceful shutdown runs (node refuses --cpu-prof in NODE_OPTIONS, so services started by scripts
// and benchmarks are profiled this way).
if (process.env.CPU_PROFILE_DIR) {
  const inspector = require('node:inspector');
  const fs = require('node:fs');
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  const write = () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      fs.mkdirSync(process.env.CPU_PROFILE_DIR, { recursive: true });
      fs.writeFileSync(path.join(process.env.CPU_PROFILE_DIR, `${path.basename(process.argv[1] ?? 'node')}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.once('SIGTERM', write);
  process.once('SIGINT', write);
}
