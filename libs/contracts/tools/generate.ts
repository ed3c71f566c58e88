// Writes libs/contracts/generated/ from the zod schemas:
//   node -r ./tools/register.js libs/contracts/tools/generate.ts            (from the repository root)
// Refuses to rewrite a published event version in a breaking way (see compatibility.ts) unless
// given --allow-breaking; with --check, writes nothing and fails when the files are stale.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { breakingChanges } from './compatibility';
import { generateContractDocuments } from './documents';

const generatedDir = join(__dirname, '..', 'generated');
const args = new Set(process.argv.slice(2));
const check = args.has('--check');
const allowBreaking = args.has('--allow-breaking');

function committedFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json')) files[relative(generatedDir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(generatedDir);
  return files;
}

const documents = generateContractDocuments();
const committed = committedFiles();
const changed = Object.keys(documents).filter((path) => committed[path] !== documents[path]);
const removed = Object.keys(committed).filter((path) => !(path in documents));

if (check) {
  for (const path of [...changed, ...removed]) console.error(`stale: generated/${path}`);
  if (changed.length + removed.length > 0) {
    console.error('run `node -r ./tools/register.js libs/contracts/tools/generate.ts` to refresh');
    process.exit(1);
  }
  console.log(`generated/ is up to date (${Object.keys(documents).length} files)`);
  process.exit(0);
}

const violations: string[] = [];
for (const path of changed.filter((file) => file.startsWith('schemas/') && file in committed)) {
  for (const change of breakingChanges(JSON.parse(committed[path]), JSON.parse(documents[path]))) {
    violations.push(`${path}: ${change.path}: ${change.message}`);
  }
}
for (const path of removed.filter((file) => file.startsWith('schemas/'))) {
  violations.push(`${path}: the event version was removed`);
}
if (violations.length > 0) {
  console.error(`${violations.length} breaking change(s) to published event versions:`);
  for (const violation of violations) console.error(`  ${violation}`);
  if (!allowBreaking) {
    console.error(
      'A .v1 event may only gain optional fields: add a new type or version instead. ' +
        '(--allow-breaking overrides, for versions nobody consumes yet.)',
    );
    process.exit(1);
  }
}

for (const path of removed) rmSync(join(generatedDir, path));
for (const path of changed) {
  mkdirSync(dirname(join(generatedDir, path)), { recursive: true });
  writeFileSync(join(generatedDir, path), documents[path]);
}
console.log(
  `generated/: ${changed.length} written, ${removed.length} removed, ${Object.keys(documents).length - changed.length} unchanged`,
);
