// kafkajs' own RequestQueue, mended (as every process that makes a client through kafka-client.ts
// has it): quiet while nothing waits, and still sending what waits once a throttle is over.
import { kafkajsRequestQueue, MENDED_KAFKAJS_VERSION, quietIdleRequestQueues, type RequestQueueInternals } from './request-queue-timer';

interface RequestQueue extends RequestQueueInternals {
  push(request: { entry: Record<string, unknown>; expectResponse: boolean; sendRequest: () => void }): void;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  destroy(): void;
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function requestQueue(): RequestQueue {
  const { RequestQueue } = kafkajsRequestQueue() as unknown as { RequestQueue: new (options: Record<string, unknown>) => RequestQueue };
  return new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'broker:9092', logger: silent });
}

/** A request as a connection pushes it; `sent` records when it went out. */
function request(correlationId: number, sent: number[], expectResponse = true) {
  const entry = { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: () => undefined, reject: () => undefined };
  return { entry, expectResponse, sendRequest: () => sent.push(correlationId) };
}

describe("kafkajs' request queue, quiet when idle", () => {
  const queues: RequestQueue[] = [];
  const queue = () => {
    const made = requestQueue();
    queues.push(made);
    return made;
  };
  beforeAll(() => quietIdleRequestQueues());
  afterEach(() => queues.splice(0).forEach((made) => made.destroy()));

  it('is mended in the kafkajs this platform runs', () => {
    expect(kafkajsRequestQueue().version).toBe(MENDED_KAFKAJS_VERSION);
    expect(quietIdleRequestQueues()).toBe(true);
  });

  it('given nothing waiting, when the queue is checked, then it arms no timer', () => {
    const idle = queue();
    idle.checkPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('given a request answered with nothing else waiting, then the queue goes quiet', () => {
    const sent: number[] = [];
    const connection = queue();
    connection.push(request(1, sent));
    connection.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1]);
    expect(connection.throttleCheckTimeoutId).toBeNull();
  });

  it('given a request waiting behind the one in flight, when that one is answered, then it is sent', () => {
    const sent: number[] = [];
    const connection = queue();
    connection.push(request(1, sent));
    connection.push(request(2, sent));
    expect(sent).toEqual([1]);
    connection.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
  });

  it('given the broker throttling the connection, when a request is pushed, then it waits out the throttle and is sent', async () => {
    const sent: number[] = [];
    const connection = queue();
    connection.maybeThrottle(40);
    connection.push(request(1, sent, false));
    expect(sent).toEqual([]);
    expect(connection.throttleCheckTimeoutId).not.toBeNull();
    await sleep(150);
    expect(sent).toEqual([1]);
    expect(connection.throttleCheckTimeoutId).toBeNull();
  });

  it('leaves another kafkajs version as it is', () => {
    const scheduleCheckPendingRequests = () => undefined;
    const prototype = { pending: [], throttledUntil: -1, throttleCheckTimeoutId: null, scheduleCheckPendingRequests };
    expect(quietIdleRequestQueues({ version: '2.3.0', RequestQueue: { prototype } })).toBe(false);
    expect(prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
  });
});
