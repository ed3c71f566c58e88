// How long a partition insists on a message whose handler throws before dead-lettering it, and
// which failures are not the message's fault (the store is down) and so never dead-letter it.

export interface RetryPolicy {
  /** Handler attempts in all, the first one included, before the message is dead-lettered. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 10_000 };

/** The wait after failed attempt `attempt` (1-based): doubles from the initial delay up to the max. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
}

const unavailableNetworkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * True when the failure says the database cannot be reached (connection refused or lost,
 * server shutting down, too many connections): every message would fail the same way, so
 * dead-lettering would empty the topic into the DLT. Such failures are retried at the max
 * delay until the store is back, holding the partition.
 */
export function isStoreUnavailable(error: unknown): boolean {
  const failure = error as { code?: unknown; driverError?: unknown; message?: unknown } | undefined;
  if (!failure || typeof failure !== 'object') return false;
  if (failure.driverError) return isStoreUnavailable(failure.driverError);
  const code = typeof failure.code === 'string' ? failure.code : '';
  if (unavailableNetworkCodes.has(code)) return true;
  // SQLSTATE class 08 (connection exception), 57P01-03 (shutdown, cannot connect now), 53300
  if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
  const message = typeof failure.message === 'string' ? failure.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}
