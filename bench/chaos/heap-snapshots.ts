// V8 heap snapshots of a running service, and what grew between two of them. The service starts
// with --heapsnapshot-signal (heapSnapshotEnv); a SIGUSR2 makes it write its heap to the directory.
// Comparing a snapshot taken with the platform idle before a load with one taken idle after it
// shows what the load left behind: objects per constructor, their count and their own size.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The environment that lets a service be asked for a heap snapshot with SIGUSR2. */
export function heapSnapshotEnv(directory: string): Record<string, string> {
  mkdirSync(directory, { recursive: true });
  return { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${directory}` };
}

/** Asks the process for a snapshot and waits until it is written whole; returns its path. */
export async function takeHeapSnapshot(pid: number, directory: string, timeoutMs = 180_000): Promise<string> {
  const before = new Set(existsSync(directory) ? readdirSync(directory) : []);
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no heap snapshot of process ${pid} within ${timeoutMs} ms`);
    await sleep(1_000);
    const written = readdirSync(directory).find((name) => !before.has(name) && name.endsWith('.heapsnapshot') && name.includes(`.${pid}.`));
    if (!written) continue;
    const file = path.join(directory, written);
    const size = statSync(file).size;
    // V8 writes the snapshot in one go and ends it with the strings table's closing brackets
    if (size > 0 && size === lastSize && tail(file, size).trimEnd().endsWith(']}')) return file;
    lastSize = size;
  }
}

function tail(file: string, size: number): string {
  const descriptor = openSync(file, 'r');
  try {
    const bytes = Buffer.alloc(Math.min(16, size));
    readSync(descriptor, bytes, 0, bytes.length, size - bytes.length);
    return bytes.toString('utf8');
  } finally {
    closeSync(descriptor);
  }
}

export interface HeapGroup {
  name: string;
  count: number;
  bytes: number;
}

/** Objects of a snapshot grouped by kind and constructor (strings, code and the like by kind alone). */
export function heapGroups(file: string): Map<string, HeapGroup> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const byConstructor = new Set(['object', 'closure', 'array', 'native', 'regexp']);
  const groups = new Map<string, HeapGroup>();
  for (let at = 0; at < snapshot.nodes.length; at += width) {
    const type = types[snapshot.nodes[at + typeAt]];
    const name = byConstructor.has(type) ? `${type} ${snapshot.strings[snapshot.nodes[at + nameAt]].slice(0, 60)}` : `(${type})`;
    const group = groups.get(name) ?? { name, count: 0, bytes: 0 };
    group.count++;
    group.bytes += snapshot.nodes[at + sizeAt];
    groups.set(name, group);
  }
  return groups;
}

export interface HeapGrowth {
  before: { count: number; bytes: number };
  after: { count: number; bytes: number };
  /** the groups that grew most, in bytes */
  grew: { name: string; count: number; bytes: number; countAfter: number; bytesAfter: number }[];
}

export function compareHeapSnapshots(beforeFile: string, afterFile: string, top = 15): HeapGrowth {
  const before = heapGroups(beforeFile);
  const after = heapGroups(afterFile);
  const total = (groups: Map<string, HeapGroup>) => [...groups.values()].reduce((sum, group) => ({ count: sum.count + group.count, bytes: sum.bytes + group.bytes }), { count: 0, bytes: 0 });
  const grew = [...after.values()]
    .map((group) => ({
      name: group.name,
      count: group.count - (before.get(group.name)?.count ?? 0),
      bytes: group.bytes - (before.get(group.name)?.bytes ?? 0),
      countAfter: group.count,
      bytesAfter: group.bytes,
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
  return { before: total(before), after: total(after), grew };
}

export function describeHeapGrowth(service: string, growth: HeapGrowth): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
  return [
    `heap of ${service}, idle before the window → idle after it: ${mb(growth.before.bytes)} → ${mb(growth.after.bytes)} MB, ${growth.before.count} → ${growth.after.count} objects`,
    `  ${'grew most'.padEnd(64)} ${'MB'.padStart(8)} ${'objects'.padStart(9)} ${'MB after'.padStart(9)}`,
    ...growth.grew.map((group) => `  ${group.name.padEnd(64)} ${mb(group.bytes).padStart(8)} ${String(group.count).padStart(9)} ${mb(group.bytesAfter).padStart(9)}`),
  ].join('\n');
}
