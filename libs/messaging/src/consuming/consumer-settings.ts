// Consumer-group timing and concurrency, with production defaults; tests shrink the timeouts.
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy';

export interface ConsumerSettings {
  /** The broker drops a member silent for this long (at least the broker's group.min.session.timeout.ms). */
  readonly sessionTimeoutMs: number;
  /** How long the group waits for members to rejoin during a rebalance. */
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** Partitions handled at once per consumer; each may hold a database connection. */
  readonly partitionsConsumedConcurrently: number;
  /** Longest a fetch waits for data: bounds latency when a partition goes quiet. */
  readonly maxWaitTimeMs: number;
  readonly maxBytesPerPartition: number;
  /**
   * How often handled offsets are committed to the group (and always on shutdown). The stored
   * position and processed_events make a redelivery harmless, so committing after every batch
   * would only add a broker round trip to every fetch cycle.
   */
  readonly commitIntervalMs: number;
  readonly retry: RetryPolicy;
}

export const defaultConsumerSettings: ConsumerSettings = {
  sessionTimeoutMs: 30_000,
  rebalanceTimeoutMs: 60_000,
  heartbeatIntervalMs: 3_000,
  partitionsConsumedConcurrently: 4,
  maxWaitTimeMs: 1_000,
  maxBytesPerPartition: 1_048_576,
  commitIntervalMs: 1_000,
  retry: defaultRetryPolicy,
};
