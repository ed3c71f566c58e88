// AutomaticInvoicing: a run of orders issued and charged together gives what issuing them one by
// one gives — one invoice per order, numbers continuous per series in log order, one charge per
// attempt, declines and lost answers handled as they always were — in one issue transaction; a
// replay of the run changes nothing; a run that cannot be issued together takes no number.
import type { SubsidiaryCode } from '@billing/billing-kernel';
import type { EventEnvelope, OrderPlaced } from '@billing/contracts';
import { waitUntil } from '@billing/testing';
import { AutomaticInvoicing, type AutomaticInvoiceRequest } from '../src/commands/automatic-invoicing';
import { invoiceIdOf } from '../src/commands/invoice-ids';
import { InvoiceTaxRefused } from '../src/domain/invoicing-refusals';
import { orderInvoiceDraft } from '../src/reactions/invoice-drafts';
import { InvoicingServiceUnderTest, orderPlaced, uniqueCustomer, type ItemSpec } from './invoicing-service';

const plan: ItemSpec = { planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199, period: 'P1Y' };

type Placed = EventEnvelope & { data: OrderPlaced };

const requestOf = (event: Placed): AutomaticInvoiceRequest => ({
  cause: event,
  customerId: event.data.customerId,
  subsidiary: event.data.subsidiary,
  openedBy: { kind: 'order', orderId: event.data.orderId },
  draftOf: (billedTo) => orderInvoiceDraft(event.data, billedTo),
});

interface StoredRow {
  invoice_id: string;
  event_type: string;
  series: string | null;
  sequence: number | null;
  transaction_id: string;
}

describe('automatic invoicing of a run', () => {
  let service: InvoicingServiceUnderTest;
  let invoicing: AutomaticInvoicing;

  beforeAll(async () => {
    service = await InvoicingServiceUnderTest.start('runs');
    invoicing = service.app.get(AutomaticInvoicing);
  });
  afterAll(() => service?.close());

  const eventsOf = (invoiceIds: readonly string[]) =>
    service.query<StoredRow>(
      `SELECT stream_id AS invoice_id, event_type, data->>'series' AS series, (data->>'sequence')::int AS sequence, transaction_id::text AS transaction_id
         FROM event_store.events WHERE stream_id = ANY ($1::text[]) ORDER BY global_position`,
      [invoiceIds.map((id) => `invoice-${id}`)],
    );

  async function customer(subsidiary: SubsidiaryCode, token: string): Promise<{ customerId: string; paymentMethodId: string }> {
    const customerId = uniqueCustomer(`run-${token}`);
    return { customerId, paymentMethodId: await service.openAccount(customerId, subsidiary, { token }) };
  }

  it('issues and charges the run in one issue transaction, with the outcomes each attempt calls for', async () => {
    const [paidFr, paidDe, declined, lost] = await Promise.all([
      customer('FR', 'tok_success'),
      customer('DE', 'tok_success'),
      customer('FR', 'tok_declined'),
      customer('FR', 'tok_lost_response'),
    ]);
    const newcomer = uniqueCustomer('run-newcomer');
    const orders: Placed[] = [
      orderPlaced(paidFr.customerId, 'FR', [plan]),
      orderPlaced(paidDe.customerId, 'DE', [plan]),
      orderPlaced(declined.customerId, 'FR', [plan]),
      orderPlaced(lost.customerId, 'FR', [plan]),
      // no account yet: a provisional one, without a payment method
      orderPlaced(newcomer, 'FR', [plan]),
      orderPlaced(paidFr.customerId, 'FR', [plan], { autoPay: false }),
      orderPlaced(paidDe.customerId, 'DE', [plan]),
    ];
    const requests = orders.map(requestOf);
    // the first order asked twice in the run
    await invoicing.issueAndCharge([...requests, requests[0]]);

    const invoiceIds = orders.map((order) => invoiceIdOf({ kind: 'order', orderId: order.data.orderId }));
    const stored = await eventsOf(invoiceIds);
    const issued = stored.filter((row) => row.event_type === 'InvoiceIssued');
    expect(issued.map((row) => row.invoice_id)).toEqual(invoiceIds.map((id) => `invoice-${id}`));
    // one transaction; each series numbered in log order without gap
    expect(new Set(issued.map((row) => row.transaction_id)).size).toBe(1);
    for (const series of new Set(issued.map((row) => row.series))) {
      const numbers = issued.filter((row) => row.series === series).map((row) => row.sequence as number);
      expect(numbers).toEqual(numbers.map((_, index) => numbers[0] + index));
    }

    const typesOf = (index: number) => stored.filter((row) => row.invoice_id === `invoice-${invoiceIds[index]}`).map((row) => row.event_type);
    expect(typesOf(0)).toEqual(['InvoiceIssued', 'PaymentAttemptStarted', 'PaymentSucceeded']);
    expect(typesOf(1)).toEqual(['InvoiceIssued', 'PaymentAttemptStarted', 'PaymentSucceeded']);
    expect(typesOf(2)).toEqual(['InvoiceIssued', 'PaymentAttemptStarted', 'PaymentFailed']);
    // the answer was lost: in flight until the reconciler asks the gateway
    expect(typesOf(3).slice(0, 2)).toEqual(['InvoiceIssued', 'PaymentAttemptStarted']);
    expect(typesOf(4)).toEqual(['InvoiceIssued', 'PaymentFailed']);
    expect(typesOf(5)).toEqual(['InvoiceIssued']);
    expect(typesOf(6)).toEqual(['InvoiceIssued', 'PaymentAttemptStarted', 'PaymentSucceeded']);

    await waitUntil(async () => (await eventsOf([invoiceIds[3]])).some((row) => row.event_type === 'PaymentSucceeded'), { timeoutMs: 20_000, description: 'the lost answer reconciled' });
    for (const index of [0, 1, 2, 3, 6]) expect(await service.sandboxChargesOf(invoiceIds[index])).toHaveLength(1);
    expect(await service.sandboxChargesOf(invoiceIds[4])).toHaveLength(0);
    const inFlight = await service.query<{ count: number }>(`SELECT count(*)::int AS count FROM payment_attempts_in_flight WHERE invoice_id = ANY ($1::uuid[])`, [invoiceIds]);
    expect(inFlight[0].count).toBe(0);

    // the run again (a replay after a crash): nothing issued, appended or charged again
    const before = stored.length + 1;
    await invoicing.issueAndCharge(requests);
    expect(await eventsOf(invoiceIds)).toHaveLength(before);
    for (const index of [0, 1, 2, 3, 6]) expect(await service.sandboxChargesOf(invoiceIds[index])).toHaveLength(1);
  });

  it('takes no number for a run it cannot issue together: the one-by-one path refuses the bad request', async () => {
    const good = await customer('PL', 'tok_success');
    const first = orderPlaced(good.customerId, 'PL', [plan], { autoPay: false });
    const unknown = { ...requestOf(orderPlaced(good.customerId, 'PL', [plan], { autoPay: false })), subsidiary: 'XX' };
    const bad: AutomaticInvoiceRequest = { ...unknown, draftOf: (billedTo) => ({ ...unknown.draftOf(billedTo), subsidiary: 'XX' }) };
    await expect(invoicing.issueAndCharge([requestOf(first), bad])).rejects.toBeInstanceOf(InvoiceTaxRefused);

    const next = orderPlaced(good.customerId, 'PL', [plan], { autoPay: false });
    await invoicing.issueAndCharge([requestOf(next), requestOf(orderPlaced(good.customerId, 'PL', [plan], { autoPay: false }))]);
    const ids = [first, next].map((order) => invoiceIdOf({ kind: 'order', orderId: order.data.orderId }));
    const [issuedFirst, issuedNext] = await Promise.all(ids.map(async (id) => (await eventsOf([id])).find((row) => row.event_type === 'InvoiceIssued') as StoredRow));
    // the first was issued alone, by the one-by-one path; the next run's numbers follow it directly
    expect(issuedNext.series).toBe(issuedFirst.series);
    expect(issuedNext.sequence).toBe((issuedFirst.sequence as number) + 1);
  });
});
