// Which number series an invoice or credit note takes its number from, and how the number reads.
// A series is per subsidiary (each is its own legal seller) and per year; optionally split into
// shards by customer so that issuing scales out (see the service README: why several series are
// legal, and why each stays continuous and chronological).
import { createHash } from 'node:crypto';
import type { SubsidiaryCode } from '@billing/billing-kernel';
import type { Temporal } from 'temporal-polyfill';
import type { DocumentNumber } from './invoice';

export type SeriesPolicy = Readonly<{
  /** 1: one series per subsidiary and year; n > 1: n series per subsidiary and year, by customer */
  shards: number;
}>;

/**
 * The customer's shard: a stable hash of the customer id, mod n. Stable across restarts and
 * replicas (not JavaScript's hash of anything), so a customer's documents stay in one series a year.
 */
export function seriesShardOf(customerId: string, shards: number): number {
  return createHash('sha256').update(customerId).digest().readUInt32BE(0) % shards;
}

/** `FR-2026`, or `FR-2026-S03` with shards; `issueDate` is the subsidiary's calendar date. */
export function seriesOf(subsidiary: SubsidiaryCode, issueDate: Temporal.PlainDate, customerId: string, policy: SeriesPolicy): string {
  const base = `${subsidiary}-${issueDate.year}`;
  if (policy.shards <= 1) return base;
  return `${base}-S${String(seriesShardOf(customerId, policy.shards)).padStart(2, '0')}`;
}

/** The legal number: the series and the zero-padded sequence (`FR-2026-000001`). */
export function documentNumber(series: string, sequence: number): DocumentNumber {
  return { series, sequence, number: `${series}-${String(sequence).padStart(6, '0')}` };
}

