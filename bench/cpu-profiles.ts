// Where each service's CPU went during a bench's measured window, read from the V8 CPU profiles the
// services write when they stop (CPU_PROFILE_DIR, tools/register.js). A profile covers a process's
// whole life — start, seeding, the run, shutdown — so only its samples inside the window count.
// V8 times its samples on the monotonic clock in microseconds, the clock process.hrtime reads: the
// bench takes the window on it.
//
// Samples are taken on a timer, whether the process is on a core or waiting for one: on a busy
// machine a preempted process is sampled where it stopped (often in a write to a socket), so the
// shares are of the process's busy samples, a picture of where its time goes, and the bench's CPU
// figures (/proc) stay the measure of how much there is.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { round } from './figures';

/** A span of the monotonic clock, in µs. */
export type ProfileWindow = Readonly<{ fromMicros: number; toMicros: number }>;

/** Where one process's busy samples in the window went, in % of them. */
export type ProfileSummary = Readonly<{
  file: string;
  /** The service whose main module the profile ran (services/<name>/src/main.ts), else the file. */
  process: string;
  busySamples: number;
  /** By what the sampled code belongs to: a package, a folder of ours, GC, or the runtime. */
  byOrigin: Readonly<Record<string, number>>;
  /** The functions the samples were in, their callees not counted. */
  byFunction: Readonly<Record<string, number>>;
}>;

type CallFrame = Readonly<{ functionName: string; url: string; lineNumber: number }>;
type ProfileNode = Readonly<{ id: number; callFrame: CallFrame; children?: readonly number[] }>;
type CpuProfile = Readonly<{ nodes: readonly ProfileNode[]; startTime: number; samples: readonly number[]; timeDeltas: readonly number[] }>;

const NOT_BUSY = new Set(['(idle)', '(program)', '(root)']);

/** The package (node_modules/<package>) or the project of ours (libs/messaging) a script is in. */
function originOfUrl(url: string): string | undefined {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  const ours = /\/((?:libs|services|bench|tools)\/.*)$/.exec(url);
  return ours ? ours[1].split('/').slice(0, 2).join('/') : undefined;
}

/**
 * A function's place: its origin and file (pg/result.js:63), or the runtime's module. Our sources
 * run as swc compiles them, whose lines are not the TypeScript's: those go without a line.
 */
function placeOf({ url, lineNumber }: CallFrame): string {
  if (!url) return '';
  const origin = originOfUrl(url);
  const file = origin ? `${origin}/${url.replace(/^.*\//, '')}` : url;
  return url.endsWith('.ts') ? ` ${file}` : ` ${file}:${lineNumber + 1}`;
}

function summarize(file: string, profile: CpuProfile, window: ProfileWindow, top: number): ProfileSummary | undefined {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const mainModule = profile.nodes.map((node) => /services\/([a-z-]+)\/src\/main\.ts$/.exec(node.callFrame.url)?.[1]).find(Boolean);

  // a sample counts for the innermost frame that has an origin: the runtime's own frames
  // (buffers, sockets, timers) for the code that called them, and at the top of a stack (the event
  // loop's callbacks) as the runtime's, by name
  const origins = new Map<number, string>();
  const originOf = (id: number): string => {
    const known = origins.get(id);
    if (known) return known;
    const node = nodes.get(id) as ProfileNode;
    const { functionName, url } = node.callFrame;
    const own = functionName === '(garbage collector)' ? 'GC' : originOfUrl(url);
    const parent = parents.get(id);
    const origin = own ?? (parent === undefined || NOT_BUSY.has(nodes.get(parent)?.callFrame.functionName ?? '') ? `runtime: ${functionName || '(anonymous)'}` : originOf(parent));
    origins.set(id, origin);
    return origin;
  };

  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index];
    if (at < window.fromMicros || at > window.toMicros) return;
    const node = nodes.get(id);
    if (!node || NOT_BUSY.has(node.callFrame.functionName)) return;
    busy++;
    const origin = originOf(id);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + 1);
    const name = `${node.callFrame.functionName || '(anonymous)'}${placeOf(node.callFrame)}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1);
  });
  if (busy === 0) return undefined;
  const shares = (counts: Map<string, number>) =>
    Object.fromEntries(
      [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, samples]) => [name, round((100 * samples) / busy, 1)]),
    );
  return { file, process: mainModule ?? file, busySamples: busy, byOrigin: shares(byOrigin), byFunction: shares(byFunction) };
}

/**
 * The profiles in `directory` with samples inside `window`, busiest first (those of processes that
 * did not live through it are left out). `top`: how many origins and functions each lists.
 */
export function summarizeProfiles(directory: string, window: ProfileWindow, top = 12): ProfileSummary[] {
  const files = readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'));
  return files
    .map((name) => summarize(name, JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as CpuProfile, window, top))
    .filter((summary): summary is ProfileSummary => summary !== undefined)
    .sort((a, b) => b.busySamples - a.busySamples);
}

export function describeProfile(summary: ProfileSummary, shown = 8): string[] {
  const list = (shares: Readonly<Record<string, number>>) =>
    Object.entries(shares)
      .slice(0, shown)
      .map(([name, share]) => `${share} % ${name}`)
      .join(', ');
  return [`${summary.process} (${summary.busySamples} busy samples): ${list(summary.byOrigin)}`, `  in: ${list(summary.byFunction)}`];
}

/** The monotonic clock in µs, as V8's profiles time their samples. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
