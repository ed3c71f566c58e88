import { Temporal } from 'temporal-polyfill';
import { documentNumber, seriesOf, seriesShardOf } from './invoice-series';

describe('invoice series', () => {
  const day = Temporal.PlainDate.from('2026-12-31');

  it('is per subsidiary and year by default: FR-2026, numbered FR-2026-000001', () => {
    expect(seriesOf('FR', day, 'cust-1', { shards: 1 })).toBe('FR-2026');
    expect(seriesOf('FR', day.add({ days: 1 }), 'cust-1', { shards: 1 })).toBe('FR-2027');
    expect(documentNumber('FR-2026', 1)).toEqual({ series: 'FR-2026', sequence: 1, number: 'FR-2026-000001' });
    expect(documentNumber('FR-2026-S03', 1234567).number).toBe('FR-2026-S03-1234567');
  });

  it('splits by a stable hash of the customer when sharded: one customer, one series a year', () => {
    const customers = Array.from({ length: 400 }, (_, index) => `cust-${index}`);
    const series = customers.map((customerId) => seriesOf('DE', day, customerId, { shards: 4 }));
    expect(new Set(series)).toEqual(new Set(['DE-2026-S00', 'DE-2026-S01', 'DE-2026-S02', 'DE-2026-S03']));
    // the same customer lands in the same shard every time (restarts, replicas)
    expect(customers.map((customerId) => seriesShardOf(customerId, 4))).toEqual(customers.map((customerId) => seriesShardOf(customerId, 4)));
    expect(seriesShardOf('cust-4815162342', 4)).toBe(seriesShardOf('cust-4815162342', 4));
    // roughly even: no shard gets less than half its share
    const counts = [0, 1, 2, 3].map((shard) => customers.filter((customerId) => seriesShardOf(customerId, 4) === shard).length);
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });
});
