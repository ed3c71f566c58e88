// A memory limit for a service process, as its pod has one (k8s: resources.limits.memory).
//
// Node sizes its heap from the memory its cgroup allows (a 1 GiB pod: a 524 MB heap limit; a
// host with 24 GB: 4 GB). V8 lets the old generation grow to about four times what survives a
// full collection when the heap limit is large, and to less than twice that when it is small: a
// service run without its pod's limit shows a memory curve its pod would never show. So a run that
// measures memory puts each service in a memory cgroup of its own (cgroup v1 or v2, when this
// process may create one: root, a writable /sys/fs/cgroup) and the kernel enforces the limit as
// the pod's would: a service that outgrows it is OOM-killed. Elsewhere the process gets the heap
// limit node would derive (`--max-old-space-size`), and nothing enforces the rest.
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const cgroupRoot = '/sys/fs/cgroup';

/** `512Mi`, `1Gi`, `300M`, or bytes. */
export function parseMemoryQuantity(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity.trim());
  if (!match) throw new Error(`"${quantity}" is not a memory quantity (e.g. 512Mi, 1Gi)`);
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

export interface MemoryLimit {
  /** How the limit applies: `cgroup v1` / `cgroup v2` (enforced), or `heap flag` (the heap only). */
  readonly how: string;
  /** Wraps a command so that it runs under the limit: its process id stays the command's. */
  command(executable: string, args: string[]): { executable: string; args: string[] };
  /** Extra node options (the heap flag when no cgroup could be made). */
  readonly nodeOptions: string;
  /** Removes the cgroup once its process has exited. */
  release(): void;
}

/** A cgroup directory of `bytes`, or undefined when this machine lets us make none. */
function makeCgroup(name: string, bytes: number): { how: string; directory: string } | undefined {
  const v2 = existsSync(path.join(cgroupRoot, 'cgroup.controllers'));
  const directory = v2 ? path.join(cgroupRoot, name) : path.join(cgroupRoot, 'memory', name);
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, v2 ? 'memory.max' : 'memory.limit_in_bytes'), String(bytes));
    return { how: v2 ? 'cgroup v2' : 'cgroup v1', directory };
  } catch {
    try {
      rmdirSync(directory);
    } catch {
      // never made
    }
    return undefined;
  }
}

/**
 * A limit of `bytes` for one process named `name` (unique on this machine while it runs). The
 * heap flag of the fallback approaches what node derives in such a cgroup: half the limit for the
 * whole heap (the young generation takes 48 MB of it), never under 256 MB.
 */
export function memoryLimit(name: string, bytes: number): MemoryLimit {
  const cgroup = makeCgroup(name, bytes);
  if (cgroup) {
    const procs = path.join(cgroup.directory, 'cgroup.procs');
    return {
      how: cgroup.how,
      nodeOptions: '',
      // the shell moves itself into the cgroup, then becomes node: node starts inside the limit and sizes its heap from it
      command: (executable, args) => ({ executable: '/bin/sh', args: ['-c', `echo $$ > '${procs}' && exec "$0" "$@"`, executable, ...args] }),
      release: () => {
        try {
          rmdirSync(cgroup.directory);
        } catch {
          // still has a process (a zombie being reaped): the kernel lets an empty one be removed later
        }
      },
    };
  }
  const heapMegabytes = Math.max(208, Math.round(bytes / 1024 ** 2 / 2) - 48);
  return { how: 'heap flag', nodeOptions: `--max-old-space-size=${heapMegabytes}`, command: (executable, args) => ({ executable, args }), release: () => undefined };
}
