#!/usr/bin/env node
// The production build of one service: its main.ts and every TypeScript module it reaches (its
// own sources and the libraries'), compiled by swc to CommonJS with the decorator metadata Nest
// needs and the `@billing/*` aliases rewritten to relative paths, plus the JSON files they
// import. The result runs with plain `node` and the production node_modules:
//
//   node tools/build-service.mjs order            → dist/order/main.js
//   node tools/build-service.mjs order /tmp/out   → /tmp/out/main.js
//
// (main.js only requires services/order/src/main.js: one entry path whatever the service.)
//
// Following the requires from main.ts, rather than compiling whole folders, keeps tests, test
// helpers and other services out of the image.
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const swc = require('@swc/core');
const { compilerOptions } = require('../tsconfig.base.json');

const [service, outArg] = process.argv.slice(2);
if (!service || !existsSync(join(root, 'services', service, 'src', 'main.ts'))) {
  console.error(`usage: node tools/build-service.mjs <service> [outDir]  (a folder of services/ with src/main.ts)`);
  process.exit(2);
}
const outDir = resolve(outArg ?? join(root, 'dist', service));

const swcOptions = (filename) => ({
  filename,
  swcrc: false,
  sourceMaps: true,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    // the same semantics as tsconfig.base.json: Nest reads constructor types from the metadata
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    baseUrl: root,
    paths: compilerOptions.paths,
  },
  module: { type: 'commonjs' },
});

/** The file a relative specifier names: a TypeScript module, a folder's index.ts, or a JSON file. */
function resolveSource(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const found = [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  if (!found) throw new Error(`${relative(root, fromFile)}: cannot resolve '${specifier}'`);
  return found;
}

rmSync(outDir, { recursive: true, force: true });
const pending = [join(root, 'services', service, 'src', 'main.ts')];
const seen = new Set(pending);
let compiled = 0;
let copied = 0;
while (pending.length > 0) {
  const file = pending.pop();
  const target = join(outDir, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  if (!file.endsWith('.ts')) {
    copyFileSync(file, target);
    copied++;
    continue;
  }
  const { code, map } = swc.transformSync(readFileSync(file, 'utf8'), swcOptions(file));
  const js = target.replace(/\.ts$/, '.js');
  writeFileSync(js, `${code}\n//# sourceMappingURL=${js.split('/').pop()}.map\n`);
  writeFileSync(`${js}.map`, map);
  compiled++;
  for (const [, specifier] of code.matchAll(/require\("(\.{1,2}\/[^"]*|\.{1,2})"\)/g)) {
    const next = resolveSource(file, specifier);
    if (!seen.has(next)) {
      seen.add(next);
      pending.push(next);
    }
  }
}
writeFileSync(join(outDir, 'main.js'), `'use strict';\nrequire('./services/${service}/src/main.js');\n`);
console.log(`${service}: ${compiled} modules compiled, ${copied} files copied → ${relative(process.cwd(), join(outDir, 'main.js'))}`);
