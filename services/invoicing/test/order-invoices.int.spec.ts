// Invoices for orders against the real app, database and broker: issued with the account's VAT
// and the next number of the series, charged with the sandbox gateway, failed payments as debt,
// lost gateway answers reconciled without a second charge, duplicates, other customers' bills.
import { toSubsidiaryDate, subsidiary } from '@billing/billing-kernel';
import { waitForValue } from '@billing/testing';
import { Temporal } from 'temporal-polyfill';
import { InvoicingServiceUnderTest, orderPlaced, uniqueCustomer } from './invoicing-service';

type Money = { currency: string; value: number };
type DebtAccount = { balances: { currency: string; dueAmount: Money; pendingAmount: Money; unmaturedAmount: Money }[] };
type BillList = { bills: { billId: string; kind: string; number: string; category: string; status: string; amountDue?: Money; totals: { withTax: Money } }[] };

const thisYear = toSubsidiaryDate(Temporal.Now.instant(), subsidiary('FR')).year;

describe('invoices for orders', () => {
  let service: InvoicingServiceUnderTest;

  beforeAll(async () => {
    // a lost answer stays pending for 5 s before the reconciler asks the gateway: long enough to
    // observe through the projections on a loaded machine
    service = await InvoicingServiceUnderTest.start('orders', { env: { PAYMENT_OUTCOME_TIMEOUT_MS: '5000', PAYMENT_RESENDS: '2' } });
  });

  afterAll(async () => {
    await service?.close();
  });

  const debtOf = (customerId: string) => service.request<DebtAccount>('GET', '/me/debtAccount', { customerId });

  it('issues each subsidiary’s invoice with its VAT rate and currency, then charges it (one-click order)', async () => {
    const cases = [
      { subsidiary: 'FR', currency: 'EUR', rate: 2000, category: 'purchase-telecom', items: [{ planCode: 'telecom-voip-line-solo', universe: 'telecom', unitPrice: 199, quantity: 3 }, { planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199, period: 'P1Y' }] },
      { subsidiary: 'DE', currency: 'EUR', rate: 1900, category: 'purchase-servers', items: [{ planCode: 'dedicated-ks-1', universe: 'dedicated', unitPrice: 1099 }] },
      { subsidiary: 'GB', currency: 'GBP', rate: 2000, category: 'purchase-cloud', items: [{ planCode: 'cloud-instance-b3-8', universe: 'cloud', unitPrice: 3599, quantity: 2 }] },
      { subsidiary: 'PL', currency: 'PLN', rate: 2300, category: 'purchase-web', items: [{ planCode: 'web-hosting-starter', universe: 'web', unitPrice: 1599 }] },
    ] as const;
    const placed = await Promise.all(
      cases.map(async (order) => {
        const customerId = uniqueCustomer(order.subsidiary.toLowerCase());
        const paymentMethodId = await service.openAccount(customerId, order.subsidiary);
        return { ...order, customerId, event: orderPlaced(customerId, order.subsidiary, order.items, { autoPay: true, paymentMethodId }) };
      }),
    );
    await service.publishOrders(...placed.map(({ event }) => event));

    for (const order of placed) {
      const [invoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === order.customerId, `${order.subsidiary} invoice`);
      expect(invoice).toMatchObject({
        source: { kind: 'order', orderId: order.event.data.orderId },
        subsidiary: order.subsidiary,
        currency: order.currency,
        category: order.category,
        series: `${order.subsidiary}-${thisYear}`,
        number: expect.stringMatching(new RegExp(`^${order.subsidiary}-${thisYear}-\\d{6}$`)),
        billedTo: { name: 'Camille Martin', country: subsidiary(order.subsidiary).vatCountry },
        reverseCharge: false,
        totals: order.event.data.totals,
      });
      expect(invoice.taxes.map((tax) => tax.rate)).toEqual([order.rate]);
      expect(invoice.lines.every((line) => line.taxRate === order.rate && line.unitPrice.currency === order.currency)).toBe(true);

      const paid = await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === invoice.invoiceId, `${order.subsidiary} payment`);
      expect(paid).toEqual([expect.objectContaining({ customerId: order.customerId, source: { kind: 'order', orderId: order.event.data.orderId }, amount: invoice.totals.withTax })]);
      const bills = await waitForValue(
        () => service.request<BillList>('GET', '/me/bill', { customerId: order.customerId }),
        (answer) => answer.body.bills?.[0]?.status === 'paid',
        { description: `${order.subsidiary} bill paid`, timeoutMs: 15_000 },
      );
      expect(bills.body.bills).toEqual([expect.objectContaining({ billId: invoice.invoiceId, kind: 'invoice', number: invoice.number, category: order.category, status: 'paid' })]);
      expect(await service.sandboxChargesOf(invoice.invoiceId)).toEqual([expect.objectContaining({ status: 'succeeded', amount: String(invoice.totals.withTax.value) })]);
    }
  });

  it('keeps a declined invoice as debt until the customer pays it with a good method', async () => {
    const customerId = uniqueCustomer('declined');
    const declinedMethod = await service.openAccount(customerId, 'FR', { token: 'tok_declined' });
    const order = orderPlaced(customerId, 'FR', [{ planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199, period: 'P1Y' }], { paymentMethodId: declinedMethod });
    await service.publishOrders(order);

    const [failed] = await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.customerId === customerId, 'the declined payment');
    expect(failed).toMatchObject({ attempt: 1, reason: 'declined', retryable: false, amount: order.data.totals.withTax, source: { kind: 'order', orderId: order.data.orderId } });
    const debt = await waitForValue(() => debtOf(customerId), (answer) => answer.body.balances?.length === 1, { description: 'the debt' });
    expect(debt.body.balances).toEqual([{ currency: 'EUR', dueAmount: order.data.totals.withTax, pendingAmount: { currency: 'EUR', value: 0 }, unmaturedAmount: { currency: 'EUR', value: 0 } }]);
    const bill = await waitForValue(
      () => service.request<{ status: string; lastPaymentFailure?: { reason: string } }>('GET', `/me/bill/${failed.invoiceId}`, { customerId }),
      (answer) => answer.body.lastPaymentFailure !== undefined,
      { description: 'the failure on the bill' },
    );
    expect(bill.body).toMatchObject({ status: 'unpaid', lastPaymentFailure: { reason: 'declined' } });

    // the customer registers a good method as his default and pays: the default is charged
    const good = await service.request<{ paymentMethodId: string; default: boolean }>('POST', '/me/payment/method', { customerId, body: { type: 'sepaDirectDebit', token: 'tok_success', default: true } });
    expect(good.body.default).toBe(true);
    const paying = await service.request('POST', `/me/bill/${failed.invoiceId}/pay`, { customerId });
    expect(paying).toMatchObject({ status: 200, body: { invoiceId: failed.invoiceId, attempt: 2, status: 'paid' } });

    await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === failed.invoiceId, 'the late payment');
    await waitForValue(() => debtOf(customerId), (answer) => answer.body.balances?.length === 0, { description: 'the debt to be gone' });
    expect((await service.sandboxChargesOf(failed.invoiceId)).map((charge) => charge.status)).toEqual(['failed', 'succeeded']);
    // paid: a second payment is refused, nothing is charged
    expect(await service.request('POST', `/me/bill/${failed.invoiceId}/pay`, { customerId })).toMatchObject({ status: 409, body: { code: 'INVOICE_ALREADY_PAID' } });
    expect(await service.sandboxChargesOf(failed.invoiceId)).toHaveLength(2);
  });

  it('settles a charge whose answer was lost by asking the gateway: one charge, invoice paid', async () => {
    const customerId = uniqueCustomer('lost');
    const method = await service.openAccount(customerId, 'DE', { token: 'tok_lost_response' });
    const order = orderPlaced(customerId, 'DE', [{ planCode: 'dedicated-ks-1', universe: 'dedicated', unitPrice: 1099 }], { paymentMethodId: method });
    await service.publishOrders(order);

    const [issued] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === customerId, 'the invoice');
    // while the outcome is unknown, paying again is refused and the amount is pending, not due
    await waitForValue(
      () => service.query(`SELECT 1 FROM event_store.events WHERE stream_id = $1 AND event_type = 'PaymentAttemptStarted'`, [`invoice-${issued.invoiceId}`]),
      (rows) => rows.length === 1,
      { description: 'the attempt started' },
    );
    expect(await service.request('POST', `/me/bill/${issued.invoiceId}/pay`, { customerId })).toMatchObject({ status: 409, body: { code: 'PAYMENT_IN_PROGRESS' } });
    const pending = await waitForValue(() => debtOf(customerId), (answer) => answer.body.balances?.[0]?.pendingAmount.value > 0, { description: 'the pending amount' });
    expect(pending.body.balances[0]).toMatchObject({ pendingAmount: issued.totals.withTax, dueAmount: { value: 0 } });

    const [paid] = await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === issued.invoiceId, 'the reconciled payment');
    expect(paid.amount).toEqual(issued.totals.withTax);
    expect(await service.sandboxChargesOf(issued.invoiceId)).toEqual([expect.objectContaining({ idempotency_key: `${issued.invoiceId}:1`, status: 'succeeded' })]);
    expect(service.invoicesTopic.ofType('InvoicePaymentFailed', (event) => event.invoiceId === issued.invoiceId)).toEqual([]);
    const stream = await service.query<{ event_type: string }>(`SELECT event_type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`, [`invoice-${issued.invoiceId}`]);
    expect(stream.map((row) => row.event_type)).toEqual(['InvoiceIssued', 'PaymentAttemptStarted', 'PaymentSucceeded']);
    await waitForValue(() => debtOf(customerId), (answer) => answer.body.balances?.length === 0, { description: 'no debt once paid' });
  });

  it('sends again, with its key, an attempt whose request never reached the gateway: one charge, invoice paid', async () => {
    const customerId = uniqueCustomer('lostrequest');
    const method = await service.openAccount(customerId, 'FR', { token: 'tok_lost_request' });
    const order = orderPlaced(customerId, 'FR', [{ planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199, period: 'P1Y' }], { paymentMethodId: method });
    await service.publishOrders(order);

    const [issued] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === customerId, 'the invoice');
    const [paid] = await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === issued.invoiceId, 'the payment sent again');
    expect(paid.amount).toEqual(issued.totals.withTax);
    // the gateway dropped the attempt's first request (asserted from its records, not by catching
    // the seconds in between, which a loaded machine may not show): the send again charged, once
    expect(await service.query(`SELECT idempotency_key FROM payment_gateway_sandbox.lost_requests WHERE idempotency_key = $1`, [`${issued.invoiceId}:1`])).toHaveLength(1);
    expect(await service.sandboxChargesOf(issued.invoiceId)).toEqual([expect.objectContaining({ idempotency_key: `${issued.invoiceId}:1`, status: 'succeeded' })]);
    expect(service.invoicesTopic.ofType('InvoicePaymentFailed', (event) => event.invoiceId === issued.invoiceId)).toEqual([]);
    const stream = await service.query<{ event_type: string }>(`SELECT event_type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`, [`invoice-${issued.invoiceId}`]);
    expect(stream.map((row) => row.event_type)).toEqual(['InvoiceIssued', 'PaymentAttemptStarted', 'PaymentSucceeded']);
  });

  it('records a retryable gatewayUnavailable failure once the sends again are used up, having charged nothing', async () => {
    const customerId = uniqueCustomer('unreachable');
    const method = await service.openAccount(customerId, 'DE', { token: 'tok_gateway_unreachable' });
    const order = orderPlaced(customerId, 'DE', [{ planCode: 'dedicated-ks-1', universe: 'dedicated', unitPrice: 1099 }], { paymentMethodId: method });
    await service.publishOrders(order);

    const [issued] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === customerId, 'the invoice');
    // the first request and PAYMENT_RESENDS (here 2) sends again, each given the outcome timeout (5 s here)
    const [failed] = await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.invoiceId === issued.invoiceId, 'the failure', 1, 45_000);
    expect(failed).toMatchObject({ attempt: 1, reason: 'gatewayUnavailable', retryable: true });
    expect(await service.sandboxChargesOf(issued.invoiceId)).toEqual([]);
    expect(await service.query(`SELECT * FROM payment_attempts_in_flight WHERE invoice_id = $1`, [issued.invoiceId])).toEqual([]);
  });

  it('issues one invoice, and charges once, for an order delivered twice', async () => {
    const customerId = uniqueCustomer('twice');
    const method = await service.openAccount(customerId, 'FR');
    const order = orderPlaced(customerId, 'FR', [{ planCode: 'cloud-instance-b3-8', universe: 'cloud', unitPrice: 4199 }], { paymentMethodId: method });
    const republished = { ...order, eventId: '6b1f0d2e-0c1a-4f7e-9d3b-2a4c6e8f0a1b' };
    await service.publishOrders(order, order, republished);
    const sentinel = orderPlaced(customerId, 'FR', [{ planCode: 'web-hosting-starter', universe: 'web', unitPrice: 399 }], { autoPay: false });
    await service.publishOrders(sentinel);

    // the customer's events share a partition, in order: once the sentinel is invoiced, the duplicates were handled
    await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.source.kind === 'order' && event.source.orderId === sentinel.data.orderId, 'the sentinel invoice');
    const invoices = service.invoicesTopic.ofType('InvoiceIssued', (event) => event.source.kind === 'order' && event.source.orderId === order.data.orderId);
    expect(invoices).toHaveLength(1);
    await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === invoices[0].invoiceId, 'the payment');
    expect(await service.sandboxChargesOf(invoices[0].invoiceId)).toHaveLength(1);
    const stored = await service.query<{ count: number }>(`SELECT count(*)::int AS count FROM event_store.events WHERE event_type = 'InvoiceIssued' AND data->'source'->>'orderId' = $1`, [order.data.orderId]);
    expect(stored).toEqual([{ count: 1 }]);
  });

  it("never shows nor charges another customer's bill, and refuses another customer's payment method", async () => {
    const owner = uniqueCustomer('owner');
    const stranger = uniqueCustomer('stranger');
    await service.openAccount(owner, 'FR', { token: 'tok_declined' });
    const strangersMethod = await service.openAccount(stranger, 'FR');
    const order = orderPlaced(owner, 'FR', [{ planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199 }]);
    await service.publishOrders(order);
    const [failed] = await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.customerId === owner, 'the declined payment');
    const invoiceId = failed.invoiceId;

    // the owner sees his bill; the stranger is told it does not exist
    await waitForValue(() => service.request('GET', `/me/bill/${invoiceId}`, { customerId: owner }), (answer) => answer.status === 200, { description: 'the owner’s bill' });
    expect((await service.request('GET', `/me/bill/${invoiceId}/pdf`, { customerId: owner })).status).toBe(200);
    for (const path of [`/me/bill/${invoiceId}`, `/me/bill/${invoiceId}/pdf`]) {
      expect(await service.request('GET', path, { customerId: stranger })).toMatchObject({ status: 404, body: { code: 'BILL_NOT_FOUND' } });
    }
    expect(await service.request('POST', `/me/bill/${invoiceId}/pay`, { customerId: stranger })).toMatchObject({ status: 404, body: { code: 'BILL_NOT_FOUND' } });
    expect(await service.request('GET', `/me/payment/method/${strangersMethod}`, { customerId: owner })).toMatchObject({ status: 404, body: { code: 'PAYMENT_METHOD_NOT_FOUND' } });

    // the owner names the stranger's method: the attempt fails, nothing is charged
    const paying = await service.request('POST', `/me/bill/${invoiceId}/pay`, { customerId: owner, body: { paymentMethodId: strangersMethod } });
    expect(paying).toMatchObject({ status: 404, body: { code: 'PAYMENT_METHOD_NOT_FOUND' } });
    const failures = await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.invoiceId === invoiceId, 'the refused attempt', 2);
    expect(failures.map(({ attempt, reason, retryable }) => ({ attempt, reason, retryable }))).toEqual([
      { attempt: 1, reason: 'declined', retryable: false },
      { attempt: 2, reason: 'noPaymentMethod', retryable: false },
    ]);
    expect(await service.sandboxChargesOf(invoiceId)).toEqual([expect.objectContaining({ idempotency_key: `${invoiceId}:1`, status: 'failed' })]);

    // an order naming another customer's method is not charged either
    const sneaky = orderPlaced(owner, 'FR', [{ planCode: 'web-hosting-starter', universe: 'web', unitPrice: 399 }], { paymentMethodId: strangersMethod });
    await service.publishOrders(sneaky);
    const [refused] = await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.source.kind === 'order' && event.source.orderId === sneaky.data.orderId, 'the refused order payment');
    expect(refused).toMatchObject({ attempt: 1, reason: 'noPaymentMethod', retryable: false });
    expect(await service.sandboxChargesOf(refused.invoiceId)).toEqual([]);
  });

  it('answers 401 without a token', async () => {
    for (const path of ['/me', '/me/bill', '/me/debtAccount', '/me/payment/method']) {
      expect(await service.request('GET', path)).toMatchObject({ status: 401 });
    }
    expect(await service.request('POST', `/me/bill/${crypto.randomUUID()}/pay`)).toMatchObject({ status: 401 });
  });
});
