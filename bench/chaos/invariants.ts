// The run's own invariant checks, read off the topics as any downstream consumer sees them (each
// event counted once by its event id, since delivery is at least once): what must hold whatever
// faults happened. Each check says how many things it looked at and which ones broke it.
import type { InjectedPoison } from './faults';
import type { DeadLetter, RecordedEvent } from './topic-recorder';
import type { PlacedOrder } from './workload';

/** What a violation of the check means: something lost, something doubled, a gap, a stray dead letter. */
export type InvariantCategory = 'lost' | 'doubled' | 'gapped' | 'dead-letters';

export interface InvariantResult {
  name: string;
  category: InvariantCategory;
  checked: number;
  violations: number;
  examples: string[];
}

export interface ChaosExpectations {
  orders: PlacedOrder[];
  /** The customers whose card fails at the renewal: their services end terminated. */
  failingCustomers: Set<string>;
  /** Renewal terms each service of a good customer must have had paid. */
  renewalsPerGoodService: number;
  poison: InjectedPoison[];
}

class Check {
  checked = 0;
  private readonly problems: string[] = [];
  constructor(
    readonly name: string,
    readonly category: InvariantCategory,
  ) {}
  expect(condition: boolean, problem: () => string): void {
    this.checked++;
    if (!condition) this.problems.push(problem());
  }
  result(): InvariantResult {
    return { name: this.name, category: this.category, checked: this.checked, violations: this.problems.length, examples: this.problems.slice(0, 20) };
  }
}

function groupBy<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  return groupByEach(items, (item) => [key(item)]);
}

/** Items under each of their keys (an invoice under every term it bills). */
function groupByEach<T>(items: Iterable<T>, keys: (item: T) => readonly (string | undefined)[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    for (const k of keys(item)) {
      if (k === undefined) continue;
      groups.set(k, [...(groups.get(k) ?? []), item]);
    }
  }
  return groups;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The renewal terms an invoice event bills: its source's term and those grouped with it. */
function renewalTermsOf(source: unknown): (string | undefined)[] {
  const renewal = source as { kind?: string; renewalTermId?: unknown; groupedTerms?: { renewalTermId?: unknown }[] } | undefined;
  if (renewal?.kind !== 'renewal') return [];
  return [str(renewal.renewalTermId), ...(renewal.groupedTerms ?? []).map((term) => str(term.renewalTermId))];
}

/** Every event once (the first copy of each event id), and how many copies came on top. */
export function distinctEvents(events: readonly RecordedEvent[]): { events: RecordedEvent[]; copies: number } {
  const seen = new Set<string>();
  const distinct: RecordedEvent[] = [];
  for (const event of events) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    distinct.push(event);
  }
  return { events: distinct, copies: events.length - distinct.length };
}

export function checkChaosInvariants(recorded: readonly RecordedEvent[], deadLetters: readonly DeadLetter[], expected: ChaosExpectations): InvariantResult[] {
  const { events } = distinctEvents(recorded);
  const ofType = (type: string) => events.filter((event) => event.type === type);
  const results: InvariantResult[] = [];

  // --- orders: each placed once, delivered once when paid, never when the card was declined
  const placed = groupBy(ofType('OrderPlaced'), (e) => str(e.data.orderId));
  const delivered = groupBy(ofType('OrderDelivered'), (e) => str(e.data.orderId));
  const notPaid = groupBy(ofType('OrderNotPaid'), (e) => str(e.data.orderId));
  const ours = new Set(expected.orders.map((order) => order.orderId));
  const orders = new Check('every order placed once, delivered once when paid, never when its card was declined', 'lost');
  for (const order of expected.orders) {
    orders.expect((placed.get(order.orderId) ?? []).length === 1, () => `order ${order.orderId}: ${(placed.get(order.orderId) ?? []).length} OrderPlaced`);
    const deliveries = (delivered.get(order.orderId) ?? []).length;
    if (order.profile === 'declinedAtOrder') {
      // invoiced (awaiting payment), then the one attempt of the order failed: once each
      const reasons = (notPaid.get(order.orderId) ?? []).map((e) => str(e.data.reason) ?? '?');
      const failed = reasons.filter((reason) => reason === 'paymentFailed').length;
      const awaiting = reasons.filter((reason) => reason === 'awaitingPayment').length;
      orders.expect(
        deliveries === 0 && failed === 1 && awaiting <= 1 && failed + awaiting === reasons.length,
        () => `order ${order.orderId} (declined card): ${deliveries} OrderDelivered, OrderNotPaid ${JSON.stringify(reasons)}`,
      );
    } else {
      orders.expect(deliveries === 1, () => `order ${order.orderId}: ${deliveries} OrderDelivered (lost or doubled)`);
    }
  }
  for (const orderId of placed.keys()) orders.expect(ours.has(orderId), () => `order ${orderId} on the topic was never placed by a customer (a retry doubled it?)`);
  results.push(orders.result());

  // --- one service per delivered order item
  const activatedByItem = groupBy(ofType('ServiceActivated'), (e) => str(e.data.itemId));
  const deliveredItems = new Set<string>();
  const services = new Check('one service per delivered order item', 'doubled');
  for (const [orderId, deliveries] of delivered) {
    for (const itemId of (deliveries[0].data.itemIds as string[] | undefined) ?? []) {
      deliveredItems.add(itemId);
      const count = (activatedByItem.get(itemId) ?? []).length;
      services.expect(count === 1, () => `item ${itemId} of order ${orderId}: ${count} services`);
    }
  }
  for (const itemId of activatedByItem.keys()) services.expect(deliveredItems.has(itemId), () => `service for item ${itemId} of an order never delivered`);
  results.push(services.result());

  // --- invoices: one per order, one per renewal term (a grouped term's is its group's); numbers continuous per series
  const issued = ofType('InvoiceIssued');
  const invoicesPerOrder = groupBy(issued, (e) => ((e.data.source as { kind: string }).kind === 'order' ? str((e.data.source as { orderId?: string }).orderId) : undefined));
  const orderInvoices = new Check('one invoice per order', 'doubled');
  for (const order of expected.orders) {
    const count = (invoicesPerOrder.get(order.orderId) ?? []).length;
    orderInvoices.expect(count === 1, () => `order ${order.orderId}: ${count} invoices`);
  }
  results.push(orderInvoices.result());

  const requested = ofType('RenewalInvoiceRequested');
  const invoicesPerTerm = groupByEach(issued, (e) => renewalTermsOf(e.data.source));
  const requestsPerTerm = groupBy(requested, (e) => str(e.data.renewalTermId));
  const termsPerServiceStart = groupBy(requested, (e) => `${str(e.data.serviceId)}@${str(e.data.termStartDate)}`);
  const renewalInvoices = new Check('one renewal invoice per term (and one term per service and start date)', 'doubled');
  for (const [termId, requests] of requestsPerTerm) {
    const count = (invoicesPerTerm.get(termId) ?? []).length;
    renewalInvoices.expect(requests.length === 1 && count === 1, () => `term ${termId}: ${requests.length} requests, ${count} invoices`);
  }
  for (const [serviceStart, terms] of termsPerServiceStart) renewalInvoices.expect(terms.length === 1, () => `${serviceStart}: ${terms.length} renewal terms`);
  for (const termId of invoicesPerTerm.keys()) renewalInvoices.expect(requestsPerTerm.has(termId), () => `invoice for a term ${termId} never requested`);
  results.push(renewalInvoices.result());

  const numbering = new Check('document numbers continuous and unique per series', 'gapped');
  const documents = [...issued, ...ofType('CreditNoteIssued')];
  for (const [series, inSeries] of groupBy(documents, (e) => str(e.data.series))) {
    const sequences = inSeries.map((e) => Number(e.data.sequence)).sort((a, b) => a - b);
    const numbers = new Set(inSeries.map((e) => str(e.data.number)));
    numbering.expect(numbers.size === inSeries.length, () => `series ${series}: ${inSeries.length - numbers.size} numbers used twice`);
    for (let index = 0; index < sequences.length; index++) {
      const want = index + 1;
      numbering.expect(sequences[index] === want, () => `series ${series}: position ${want} holds ${sequences[index]} (gap or reuse)`);
      if (sequences[index] !== want) break;
    }
  }
  results.push(numbering.result());

  // --- payments: never twice for one invoice
  const charges = new Check('no invoice paid twice', 'doubled');
  const paid = groupBy(ofType('InvoicePaid'), (e) => str(e.data.invoiceId));
  for (const [invoiceId, payments] of paid) charges.expect(payments.length === 1, () => `invoice ${invoiceId}: paid ${payments.length} times (payments ${payments.map((p) => str(p.data.paymentId)).join(', ')})`);
  const issuedIds = new Set(issued.map((e) => str(e.data.invoiceId)));
  for (const invoiceId of paid.keys()) charges.expect(issuedIds.has(invoiceId), () => `payment of invoice ${invoiceId} that was never issued`);
  results.push(charges.result());

  // --- renewals: each paid renewal invoice extends its service once; good services renewed, failing ones terminated
  const succeeded = groupBy(ofType('RenewalSucceeded'), (e) => str(e.data.renewalTermId));
  const renewals = new Check('each paid renewal invoice renews its service exactly once', 'lost');
  for (const [termId, invoices] of invoicesPerTerm) {
    const invoiceId = str(invoices[0].data.invoiceId) ?? '';
    const wasPaid = paid.has(invoiceId);
    const count = (succeeded.get(termId) ?? []).length;
    renewals.expect(wasPaid ? count === 1 : count === 0, () => `term ${termId}: invoice ${wasPaid ? 'paid' : 'unpaid'}, ${count} RenewalSucceeded`);
  }
  results.push(renewals.result());

  const outcome = new Check('good cards renewed every term; failing cards dunned to termination', 'lost');
  const serviceEvents = groupBy(
    events.filter((e) => e.topic.endsWith('billing.services.v1')),
    (e) => str(e.data.serviceId),
  );
  const renewedPerService = groupBy(ofType('RenewalSucceeded'), (e) => str(e.data.serviceId));
  // a broken service's story, for the report: its events and its renewal invoices' outcomes
  const aboutService = groupBy(events, (e) => str(e.data.serviceId));
  const invoiceEventsOfTerm = groupByEach(
    events.filter((e) => e.topic.endsWith('billing.invoices.v1')),
    (e) => renewalTermsOf(e.data.source),
  );
  const timeline = (serviceId: string) =>
    (aboutService.get(serviceId) ?? [])
      .flatMap((e) => (e.type === 'RenewalInvoiceRequested' ? [e, ...(invoiceEventsOfTerm.get(str(e.data.renewalTermId) ?? '') ?? [])] : [e]))
      .map((e) => {
        const detail = [e.data.reason, e.data.attempt, e.data.nextAttempt, e.data.newExpirationDate ?? e.data.expirationDate].filter((v) => v !== undefined);
        return detail.length > 0 ? `${e.type}(${detail.join(',')})` : e.type;
      })
      .join(' → ');
  for (const [serviceId, history] of serviceEvents) {
    const customerId = str(history[0].data.customerId) ?? '';
    const last = history[history.length - 1].type;
    const renewed = (renewedPerService.get(serviceId) ?? []).length;
    if (expected.failingCustomers.has(customerId)) {
      outcome.expect(last === 'ServiceTerminated' && renewed === 0, () => `service ${serviceId} (failing card): last event ${last}, ${renewed} renewals: ${timeline(serviceId)}`);
    } else {
      outcome.expect(renewed === expected.renewalsPerGoodService && last !== 'ServiceTerminated', () => `service ${serviceId} (good card): ${renewed} renewals, last event ${last}: ${timeline(serviceId)}`);
    }
  }
  results.push(outcome.result());

  // --- dead letters: every injected poison there; no real event there
  const deadLettered = groupBy(deadLetters, (d) => `${d.originTopic}/${d.originPartition}/${d.originOffset}`);
  const poisonKeys = new Set(expected.poison.map((p) => `${p.topic}/${p.partition}/${p.offset}`));
  const letters = new Check('every malformed message in its dead-letter topic, and nothing else there', 'dead-letters');
  for (const poison of expected.poison) {
    const key = `${poison.topic}/${poison.partition}/${poison.offset}`;
    letters.expect(deadLettered.has(key), () => `${poison.kind} at ${key} is not in the dead-letter topic`);
  }
  for (const [key, entries] of deadLettered) letters.expect(poisonKeys.has(key), () => `a real message at ${key} was dead-lettered by ${entries.map((d) => `${d.consumerGroup}: ${d.error}`).join('; ')}`);
  results.push(letters.result());

  return results;
}
