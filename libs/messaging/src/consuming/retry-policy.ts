// How long a partition insists on a message whose handler throws before dead-lettering it, and
// which failures are not the message's fault: the store is down (never dead-lettered), or what the
// message acts on is still settling (waited for longer).

export interface RetryPolicy {
  /** Handler attempts in all, the first one included, before the message is dead-lettered. */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * How long a message whose handler answers "later" (asksToRetryLater) is tried again, from its
   * first such answer, before it is dead-lettered: long enough for what it waits for to settle (a
   * payment whose outcome the gateway has not told yet is reconciled within minutes).
   */
  readonly settlingMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 10_000, settlingMs: 600_000 };

/**
 * True when the handler failed because what the message acts on is settling elsewhere, not because
 * of the message: an error that says `retryLater: true` (a credit note asked while a payment of the
 * invoice is under way). Tried again like any failure, for `settlingMs` instead of `attempts`.
 */
export function asksToRetryLater(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryLater?: unknown }).retryLater === true;
}

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
