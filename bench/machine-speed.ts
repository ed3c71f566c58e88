// How fast this machine runs a fixed piece of work at the moment, to read a benchmark's figures
// against: a shared virtual machine's cores change speed from one minute to the next (the same
// tree has measured 216 and 357 renewals/s on one day, 580 on another), so CPU per unit of work
// compares across runs only in units of the machine's speed. The reference is a fixed JavaScript
// workload like the services' own (parse, copy, serialise and hash an event envelope), timed in
// the CPU time it takes, so that it measures how fast the core runs rather than how many
// processes share it: a sampler runs it now and then during a run (2 to 3 % of one core) and
// keeps the median.
import { createHash } from 'node:crypto';
import { exampleEnvelopeOf } from '@billing/contracts';
import { percentile, round } from './figures';

const ENVELOPE = JSON.stringify(exampleEnvelopeOf('InvoiceIssued'));
const ROUNDS = 1_000;

/** CPU milliseconds the fixed workload takes now. */
export function referenceWorkMs(): number {
  const start = process.cpuUsage();
  for (let round = 0; round < ROUNDS; round += 1) {
    const envelope = JSON.parse(ENVELOPE) as { id: string };
    envelope.id = String(round);
    createHash('sha256').update(JSON.stringify(envelope)).digest();
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export type MachineSpeed = Readonly<{ samples: number; referenceMs: Readonly<{ median: number; min: number; max: number }> }>;

/** Samples the reference every `intervalMs` until stopped. */
export class MachineSpeedSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 1_000) {
    // the first rounds run before the compiler has optimised the workload: not samples
    for (let warmUp = 0; warmUp < 5; warmUp += 1) referenceWorkMs();
    this.samples.push(referenceWorkMs());
    this.timer = setInterval(() => this.samples.push(referenceWorkMs()), intervalMs);
    this.timer.unref();
  }

  stop(): MachineSpeed {
    clearInterval(this.timer);
    this.samples.push(referenceWorkMs());
    const sorted = [...this.samples].sort((a, b) => a - b);
    return { samples: sorted.length, referenceMs: { median: round(percentile(sorted, 0.5), 2), min: round(sorted[0], 2), max: round(sorted[sorted.length - 1], 2) } };
  }
}

/** CPU milliseconds as a share of the reference work: the same figure on a fast core or a slow one. */
export function inReferenceWork(ms: number, speed: MachineSpeed): number {
  return round(ms / speed.referenceMs.median, 3);
}

/** "machine speed: reference work 20.1 ms of CPU (18.0–23.4, 31 samples): CPU per renewal 0.25 of it". */
export function describeMachineSpeed(speed: MachineSpeed, perUnit: number | undefined, unit: string): string {
  const { median, min, max } = speed.referenceMs;
  return `machine speed: reference work ${median} ms of CPU (${min}–${max}, ${speed.samples} samples)${perUnit === undefined ? '' : `: CPU per ${unit} ${perUnit} of it`}`;
}
