// Where a benchmark's CPU goes: CPU seconds used over a measured window by each service process,
// by PostgreSQL (all its processes) and by the Kafka broker (java), and how busy the machine was.
// Read from /proc (Linux); elsewhere it measures nothing and says so. A figure per unit of work
// (CPU ms per renewal, per order) tells which process to make cheaper, and a machine near 100 %
// busy says the run was bound by CPU rather than by waiting.
import { readdirSync, readFileSync } from 'node:fs';

/** Ticks of each named process, of each PostgreSQL and java process by pid, and of the machine. */
type Counters = Readonly<{ processes: Record<string, number>; shared: Map<string, { group: string; ticks: number }>; busy: number; total: number }>;

const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in clock ticks; undefined when it is gone. */
function ticksOf(pid: number | string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function read(pids: Readonly<Record<string, number | undefined>>): Counters {
  const processes: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) if (pid !== undefined) processes[name] = ticksOf(pid) ?? 0;
  const shared = new Map<string, { group: string; ticks: number }>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const command = commandOf(pid);
    const group = command === 'postgres' ? 'postgres' : command === 'java' ? 'kafka' : undefined;
    if (group) shared.set(pid, { group, ticks: ticksOf(pid) ?? 0 });
  }
  // the first line of /proc/stat: user nice system idle iowait irq softirq steal …
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  const total = cpu.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { processes, shared, busy: total - idle, total };
}

export type CpuUsage = Readonly<{
  /** CPU seconds per process over the window (PostgreSQL: its processes alive at the window's end). */
  seconds: Record<string, number>;
  /** CPU milliseconds per unit of work, per process and in all. */
  msPerUnit: Record<string, number>;
  /** Share of the machine's CPU time that was busy over the window, 0..1. */
  machineBusy: number;
}>;

export class CpuWindow {
  private readonly start?: Counters;

  /** `pids`: the service processes by name, counted each on its own. */
  constructor(private readonly pids: Readonly<Record<string, number | undefined>>) {
    this.start = CpuWindow.available() ? read(pids) : undefined;
  }

  static available(): boolean {
    try {
      readFileSync('/proc/stat');
      return true;
    } catch {
      return false;
    }
  }

  /** The usage since the window opened, with `units` (renewals, orders) done in it. */
  close(units: number): CpuUsage | undefined {
    if (!this.start) return undefined;
    const end = read(this.pids);
    const ticks: Record<string, number> = { postgres: 0, kafka: 0 };
    for (const [name, value] of Object.entries(end.processes)) ticks[name] = value - (this.start.processes[name] ?? 0);
    // a PostgreSQL backend that ended within the window took its ticks with it: not counted
    for (const [pid, { group, ticks: value }] of end.shared) ticks[group] += value - (this.start.shared.get(pid)?.ticks ?? 0);
    const seconds: Record<string, number> = {};
    for (const [name, value] of Object.entries(ticks)) seconds[name] = Math.round((value / TICKS_PER_SECOND) * 10) / 10;
    const all = Object.values(seconds).reduce((sum, value) => sum + value, 0);
    const msPerUnit: Record<string, number> = {};
    for (const [name, value] of Object.entries({ ...seconds, all })) msPerUnit[name] = Math.round(((value * 1000) / Math.max(1, units)) * 100) / 100;
    return { seconds, msPerUnit, machineBusy: Math.round(((end.busy - this.start.busy) / Math.max(1, end.total - this.start.total)) * 1000) / 1000 };
  }
}

/** One line per process, most expensive first: "invoicing 12.3 ms (41.0 s)". */
export function describeCpuUsage(usage: CpuUsage | undefined, unit: string): string {
  if (!usage) return 'CPU per process: not measured (no /proc)';
  const parts = Object.entries(usage.msPerUnit)
    .filter(([name]) => name !== 'all')
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms} ms`);
  return `CPU per ${unit}: ${usage.msPerUnit.all} ms in all (${parts.join(', ')}); machine ${Math.round(usage.machineBusy * 100)} % busy`;
}
