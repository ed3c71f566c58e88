// Runs the RenewalTerm decider against a term's stream: read, fold, decide, append at the version
// read (decide again on a fresh read when another writer got there first). Event ids derive from
// the term and the step, so the same fact can never be stored twice — whichever replica, retry
// or redelivery decides it.
import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventMetadata } from '@billing/contracts';
import { derivedEventId, WrongExpectedVersionError, type NewEvent, type PostgresEventStore, type ReadStreamResult } from '@billing/eventsourcing';
import { decide } from '../domain/renewal-term.decide';
import type { RenewalTermCommand } from '../domain/renewal-term.decide';
import { evolve, initialRenewalTermState, renewalTermStreamId, type RenewalTermEvent, type RenewalTermState } from '../domain/renewal-term';
import type { Sql } from './schedule-rows';

const MAX_ATTEMPTS = 5;

/** The step an event records, unique within its term. */
function stepKeyOf(event: RenewalTermEvent): string {
  switch (event.type) {
    case 'RenewalReminderSent':
      return `reminder-${event.data.daysBeforeExpiration}`;
    case 'RenewalInvoiceRequested':
      return 'invoice-requested';
    case 'RenewalInvoiceIssued':
      return 'invoice-issued';
    case 'RenewalPaymentFailed':
      return `payment-failed-${event.data.attempt}`;
    case 'RenewalPaymentRetryScheduled':
      return `payment-retry-${event.data.nextAttempt}`;
    case 'RenewalSucceeded':
      return 'succeeded';
    case 'RenewalLapsed':
      return 'lapsed';
    case 'RenewalPaymentDeadlinePassed':
      return 'payment-deadline-passed';
    case 'RenewalGracePeriodEnded':
      return 'grace-period-ended';
    case 'RenewalTermExpired':
      return 'expired';
    case 'RenewalTermCancelled':
      return 'cancelled';
  }
}

export function termEventId(renewalTermId: string, event: RenewalTermEvent): string {
  return derivedEventId(renewalTermId, stepKeyOf(event));
}

/** Decides commands one after the other, each on the state the previous ones left. */
export function decideInTurn(state: RenewalTermState, commands: readonly RenewalTermCommand[]): { state: RenewalTermState; events: RenewalTermEvent[] } {
  const events: RenewalTermEvent[] = [];
  let current = state;
  for (const command of commands) {
    for (const event of decide(command, current)) {
      events.push(event);
      current = evolve(current, event);
    }
  }
  return { state: current, events };
}

export type TermDecision = (state: RenewalTermState) => { state: RenewalTermState; events: readonly RenewalTermEvent[] };

export type TermOutcome = Readonly<{ state: RenewalTermState; appended: readonly RenewalTermEvent[] }>;

/** Terms as read in one statement, their decisions made in turn and appended in one (see RenewalSchedule.invoiceOutcomes). */
export type TermsInRun = Map<string, { state: RenewalTermState; version: number; events: NewEvent<RenewalTermEvent>[] }>;

/** The metadata of the events a cause (an incoming event, if any) leads to. */
function metadataOf(customerId: string, occurredAt: string, cause?: EventEnvelope): EventMetadata {
  return {
    correlationId: cause?.metadata.correlationId ?? randomUUID(),
    ...(cause ? { causationId: cause.eventId } : {}),
    occurredAt,
    partitionKey: customerId,
    ...(cause?.metadata.traceparent ? { traceparent: cause.metadata.traceparent } : {}),
  };
}

const stateOf = (events: readonly { type: string; data: unknown }[]): RenewalTermState =>
  events.reduce<RenewalTermState>((current, { type, data }) => evolve(current, { type, data } as RenewalTermEvent), initialRenewalTermState());

export class RenewalTermStreams {
  constructor(private readonly store: PostgresEventStore) {}

  /** The term as stored; inside the transaction of `sql` when given (it sees what that wrote). */
  async load(renewalTermId: string, sql?: Sql): Promise<{ state: RenewalTermState; version: number }> {
    const streamId = renewalTermStreamId(renewalTermId);
    const { events, currentVersion }: ReadStreamResult<RenewalTermEvent> = sql
      ? await this.store.readStreamIn<RenewalTermEvent>(sql, streamId)
      : await this.store.readStream<RenewalTermEvent>(streamId);
    return { state: stateOf(events), version: currentVersion };
  }

  /** Many terms read in one statement of the transaction of `sql` (whose row locks the caller holds). */
  async loadIn(sql: Sql, renewalTermIds: readonly string[]): Promise<TermsInRun> {
    const read = await this.store.readStreamsIn<RenewalTermEvent>(sql, renewalTermIds.map(renewalTermStreamId));
    return new Map(renewalTermIds.map((id) => {
      const { events, currentVersion } = read.get(renewalTermStreamId(id)) as ReadStreamResult<RenewalTermEvent>;
      return [id, { state: stateOf(events), version: currentVersion, events: [] }];
    }));
  }

  /** Decides on a term of the run as the run's earlier decisions left it; its events wait for `appendIn`. */
  decideIn(terms: TermsInRun, renewalTermId: string, customerId: string, decision: TermDecision, occurredAt: string, cause?: EventEnvelope): RenewalTermState {
    const term = terms.get(renewalTermId);
    if (!term) throw new Error(`renewal term ${renewalTermId} was not loaded`);
    const decided = decision(term.state);
    const metadata = metadataOf(customerId, occurredAt, cause);
    term.events.push(...decided.events.map((event) => ({ ...event, eventId: termEventId(renewalTermId, event), metadata }) as NewEvent<RenewalTermEvent>));
    term.state = decided.state;
    return decided.state;
  }

  /** What the run decided, appended in one statement of the transaction of `sql`, each term at the version read. */
  async appendIn(sql: Sql, terms: TermsInRun): Promise<void> {
    const appends = [...terms]
      .filter(([, term]) => term.events.length > 0)
      .map(([id, { events, version }]) => ({ streamId: renewalTermStreamId(id), events, expectedVersion: version === 0 ? ('noStream' as const) : version }));
    if (appends.length > 0) await this.store.appendToStreamsIn(sql, appends);
  }

  /**
   * Loads the term, lets `decision` decide on its state, appends what it decided. `occurredAt`
   * stamps the events; `cause` (an incoming event) carries its correlation on. With `sql`, the
   * read and the append happen in that transaction and commit with the caller's rows, or not at
   * all; the caller holds the term's row lock, which every writer of the stream takes first.
   */
  async execute(renewalTermId: string, customerId: string, decision: TermDecision, occurredAt: string, cause?: EventEnvelope, sql?: Sql): Promise<TermOutcome> {
    const streamId = renewalTermStreamId(renewalTermId);
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(renewalTermId, sql);
      const decided = decision(state);
      if (decided.events.length === 0) return { state: decided.state, appended: [] };
      const metadata = metadataOf(customerId, occurredAt, cause);
      const events = decided.events.map((event) => ({ ...event, eventId: termEventId(renewalTermId, event), metadata }) as NewEvent<RenewalTermEvent>);
      const expectedVersion = version === 0 ? ('noStream' as const) : version;
      try {
        if (sql) await this.store.appendIn(sql, streamId, events, { expectedVersion });
        else await this.store.append(streamId, events, { expectedVersion });
        return { state: decided.state, appended: decided.events };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
