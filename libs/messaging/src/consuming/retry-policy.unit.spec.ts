import { asksToRetryLater, isStoreUnavailable, retryDelayMs } from './retry-policy';

describe('retry back-off', () => {
  const policy = { attempts: 6, initialDelayMs: 100, maxDelayMs: 1_000, settlingMs: 10_000 };

  it('doubles from the initial delay and stops at the max', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(policy, attempt))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('telling an unavailable store from a failing message', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['server shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['lost connection', new Error('Connection terminated unexpectedly')],
    ['wrapped by TypeORM', { message: 'QueryFailedError', driverError: { code: '08006' } }],
  ])('%s is the store being unavailable', (_case, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a constraint violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a handler bug', new TypeError("Cannot read properties of undefined (reading 'amount')")],
    ['not an error', 'boom'],
  ])('%s is the message failing', (_case, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});

describe('telling a failure that asks to be retried later', () => {
  it('is an error that says retryLater: true', () => {
    expect(asksToRetryLater(Object.assign(new Error('a payment of the invoice is under way'), { retryLater: true }))).toBe(true);
  });

  it.each([
    ['a plain error', new Error('boom')],
    ['a truthy flag that is not true', Object.assign(new Error('boom'), { retryLater: 'yes' })],
    ['not an error', 'later'],
    ['nothing', undefined],
  ])('%s is not', (_case, error) => {
    expect(asksToRetryLater(error)).toBe(false);
  });
});
