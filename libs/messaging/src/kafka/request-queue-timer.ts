// kafkajs 2.2.4 keeps a timer running on every broker connection, idle or not: after each check of
// a connection's queue of requests waiting to be sent, its RequestQueue arms a timer for the next
// check even when nothing waits and no throttle is in force, with a delay already past (so Node
// fires it within the millisecond), and that check arms the next (tulios/kafkajs#1556, still open).
// Each of a service's consumers, its producer and its admin client has its own connections: an
// idle service spent 22–38 ms of CPU a second, most of it on those timers, and 13–18 ms with
// this mend (npm run bench:idle); under load the timers fire less often, and cost less.
//
// The check is needed only while requests wait: the queue arms it when it enqueues one (the
// connection was throttled by the broker or at its limit of requests in flight), and every
// answered request checks the queue again. So the timer is armed only while something waits, or
// a throttle is in force; otherwise the queue stays quiet until the next request. Applied once per
// process, to the kafkajs version it was written for only.
import { createRequire } from 'node:module';

/** The parts of kafkajs' internal RequestQueue (src/network/requestQueue) this relies on. */
export interface RequestQueueInternals {
  pending: unknown[];
  /** Epoch ms until which the broker throttles the connection; -1 when it never did. */
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}

/** The kafkajs release whose RequestQueue this mends; another one is left as it is. */
export const MENDED_KAFKAJS_VERSION = '2.2.4';

const quietWhenIdle = Symbol('billing:request-queue-quiet-when-idle');

type RequestQueuePrototype = RequestQueueInternals & { [quietWhenIdle]?: true };

/** kafkajs' RequestQueue class (constructed with kafkajs' own options) and kafkajs' version. */
export type KafkajsRequestQueue = Readonly<{ version: string; RequestQueue: { prototype: RequestQueuePrototype } }>;

/** The RequestQueue class and version of the kafkajs this process runs. */
export function kafkajsRequestQueue(): KafkajsRequestQueue {
  // from kafkajs' own entry point (its index.js, beside package.json and src/)
  const load = createRequire(require.resolve('kafkajs'));
  const { version } = load('./package.json') as { version: string };
  return { version, RequestQueue: load('./src/network/requestQueue') as KafkajsRequestQueue['RequestQueue'] };
}

/**
 * Makes kafkajs' request queues arm their check timer only while a request waits or a throttle is
 * in force. Returns whether the mend is in place (false: another kafkajs version, left alone).
 */
export function quietIdleRequestQueues({ version, RequestQueue: { prototype } }: KafkajsRequestQueue = kafkajsRequestQueue()): boolean {
  if (prototype[quietWhenIdle]) return true;
  if (version !== MENDED_KAFKAJS_VERSION) return false;
  const schedule = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  prototype[quietWhenIdle] = true;
  return true;
}
