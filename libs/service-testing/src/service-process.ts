// Runs a service's real entry point (main.ts) as a child process, the way `npm start` and a
// container do, to observe what an operator sees: its exit code, its stderr, its signals.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { MemoryLimit } from './memory-limit';

const workspaceRoot = path.resolve(__dirname, '../../..');

export interface ServiceProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface RunningService {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<ServiceProcessResult>;
}

/**
 * Starts `entryPoint`: a main.ts through the swc loader, a built main.js with plain node; under
 * `limit` when given (the child's pid is node's either way).
 */
export function startServiceProcess(entryPoint: string, env: Record<string, string>, limit?: MemoryLimit): RunningService {
  const started = performance.now();
  const nodeArgs = entryPoint.endsWith('.ts') ? ['-r', path.join(workspaceRoot, 'tools/register.js'), entryPoint] : [entryPoint];
  const { executable, args } = limit ? limit.command(process.execPath, nodeArgs) : { executable: process.execPath, args: nodeArgs };
  const child = spawn(executable, args, {
    cwd: workspaceRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<ServiceProcessResult>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - started }));
  });
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Runs the entry point until it exits on its own, killing it after `timeoutMs`. */
export async function runServiceProcess(
  entryPoint: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ServiceProcessResult> {
  const running = startServiceProcess(entryPoint, env);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}
