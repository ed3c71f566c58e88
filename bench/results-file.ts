// Where a bench leaves its figures: bench/results/<name>.json (git-ignored), pretty-printed, for
// the next run or session to compare against.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Writes `result` as bench/results/<name>.json; returns the file's path from the working directory. */
export function writeResults(name: string, result: unknown): string {
  const file = path.join(__dirname, 'results', `${name}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return path.relative(process.cwd(), file);
}
