// Renewal invoices, credit notes and invoice documents against the real app, database and broker:
// one invoice per renewal term, due at expiration; withdrawals and cancellations credited with
// numbers of the same series; the PDF with its legal mentions.
import { randomUUID } from 'node:crypto';
import { issueDevelopmentToken } from '@billing/auth';
import { subsidiary, toSubsidiaryDate } from '@billing/billing-kernel';
import { waitForValue, waitUntil } from '@billing/testing';
import { Temporal } from 'temporal-polyfill';
import { InvoicingServiceUnderTest, orderCancelled, orderPlaced, orderWithdrawn, pdfText, renewalInvoiceRequested, renewalPaymentRetry, servicePlanChanged, uniqueCustomer } from './invoicing-service';

type Money = { currency: string; value: number };
type DebtAccount = { balances: { currency: string; dueAmount: Money; pendingAmount: Money; unmaturedAmount: Money }[] };
type BillList = { bills: { billId: string; kind: string; number: string; category: string; status: string; invoiceId?: string; reason?: string; amountDue?: Money }[] };

const today = toSubsidiaryDate(Temporal.Now.instant(), subsidiary('FR'));
const inDays = (days: number) => today.add({ days }).toString();

describe('bills', () => {
  let service: InvoicingServiceUnderTest;

  beforeAll(async () => {
    service = await InvoicingServiceUnderTest.start('bills');
  });

  afterAll(async () => {
    await service?.close();
  });

  const billsOf = (customerId: string) => service.request<BillList>('GET', '/me/bill', { customerId });
  const debtOf = (customerId: string) => service.request<DebtAccount>('GET', '/me/debtAccount', { customerId });

  describe('renewal invoices', () => {
    it('issues one invoice per renewal term, charges an automatic renewal, and ignores a duplicate request', async () => {
      const customerId = uniqueCustomer('autorenew');
      await service.openAccount(customerId, 'FR');
      const request = renewalInvoiceRequested(customerId, 'FR', { autoPay: true, termStartDate: inDays(10), termEndDate: inDays(375), amount: 8388 });
      await service.publishRenewals(request, { ...request, eventId: randomUUID() });
      const sentinel = renewalInvoiceRequested(customerId, 'FR', { autoPay: false, termStartDate: inDays(20), termEndDate: inDays(50), amount: 100 });
      await service.publishRenewals(sentinel);

      await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.source.kind === 'renewal' && event.source.renewalTermId === sentinel.data.renewalTermId, 'the sentinel invoice');
      const invoices = service.invoicesTopic.ofType('InvoiceIssued', (event) => event.source.kind === 'renewal' && event.source.renewalTermId === request.data.renewalTermId);
      expect(invoices).toHaveLength(1);
      expect(invoices[0]).toMatchObject({
        category: 'autorenew',
        source: { kind: 'renewal', renewalTermId: request.data.renewalTermId, serviceId: request.data.serviceId },
        dueDate: inDays(10),
        lines: [{ planCode: 'web-hosting-pro', serviceId: request.data.serviceId, periodStart: inDays(10), periodEnd: inDays(375), quantity: 1, taxRate: 2000 }],
        totals: { withoutTax: { value: 8388 }, tax: { value: 1678 }, withTax: { value: 10066 } },
      });
      const [paid] = await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === invoices[0].invoiceId, 'the renewal payment');
      expect(paid.source).toEqual(invoices[0].source);

      // the manual one is not due before the expiration: unmatured
      const debt = await waitForValue(() => debtOf(customerId), (answer) => answer.body.balances?.[0]?.unmaturedAmount.value === 120, { description: 'the unmatured renewal' });
      expect(debt.body.balances).toEqual([{ currency: 'EUR', dueAmount: { currency: 'EUR', value: 0 }, pendingAmount: { currency: 'EUR', value: 0 }, unmaturedAmount: { currency: 'EUR', value: 120 } }]);
    });
  });

  describe('grouped renewal invoices', () => {
    it("bills a customer's terms of one day on the first term's invoice, a line each, charged once; the grouped terms' own requests issue nothing", async () => {
      const customerId = uniqueCustomer('grouped');
      await service.openAccount(customerId, 'FR');
      const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()].sort();
      const request = renewalInvoiceRequested(customerId, 'FR', { autoPay: true, termStartDate: inDays(12), termEndDate: inDays(377), amount: 8388, renewalTermId: first });
      const others = [
        renewalInvoiceRequested(customerId, 'FR', { autoPay: true, termStartDate: inDays(10), termEndDate: inDays(40), amount: 999, renewalTermId: second }),
        renewalInvoiceRequested(customerId, 'FR', { autoPay: true, termStartDate: inDays(11), termEndDate: inDays(41), amount: 1, renewalTermId: third }),
      ];
      const groupedTerms = others.map(({ data }) => ({ renewalTermId: data.renewalTermId, serviceId: data.serviceId, universe: data.universe, planCode: data.planCode, period: data.period, amount: data.amount, termStartDate: data.termStartDate, termEndDate: data.termEndDate }));
      const leader = { ...request, data: { ...request.data, groupedTerms } };
      const grouped = others.map((other) => ({ ...other, data: { ...other.data, invoicedWith: first } }));
      await service.publishRenewals(grouped[0], leader, grouped[1], { ...leader, eventId: randomUUID() });
      const sentinel = renewalInvoiceRequested(customerId, 'FR', { autoPay: false, termStartDate: inDays(20), termEndDate: inDays(50), amount: 100 });
      await service.publishRenewals(sentinel);

      await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.source.kind === 'renewal' && event.source.renewalTermId === sentinel.data.renewalTermId, 'the sentinel invoice');
      const invoices = service.invoicesTopic.ofType('InvoiceIssued', (event) => event.customerId === customerId && event.source.kind === 'renewal' && event.source.renewalTermId !== sentinel.data.renewalTermId);
      expect(invoices).toHaveLength(1);
      const source = { kind: 'renewal', renewalTermId: first, serviceId: request.data.serviceId, groupedTerms: others.map(({ data }) => ({ renewalTermId: data.renewalTermId, serviceId: data.serviceId })) };
      expect(invoices[0]).toMatchObject({
        category: 'autorenew',
        source,
        // payable until the first of its terms expires
        dueDate: inDays(10),
        lines: [
          { serviceId: request.data.serviceId, periodStart: inDays(12), periodEnd: inDays(377), unitPrice: { value: 8388 } },
          { serviceId: others[0].data.serviceId, periodStart: inDays(10), periodEnd: inDays(40), unitPrice: { value: 999 } },
          { serviceId: others[1].data.serviceId, periodStart: inDays(11), periodEnd: inDays(41), unitPrice: { value: 1 } },
        ],
        // VAT once on the invoice: 20 % of 9,388 = 1,877.6, rounded half-up
        totals: { withoutTax: { value: 9388 }, tax: { value: 1878 }, withTax: { value: 11266 } },
      });
      const [paid] = await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === invoices[0].invoiceId, 'the grouped payment');
      expect(paid.source).toEqual(source);
      expect((await service.sandboxChargesOf(invoices[0].invoiceId)).map((charge) => [charge.idempotency_key, charge.status])).toEqual([[`${invoices[0].invoiceId}:1`, 'succeeded']]);
    });
  });

  describe('dunning', () => {
    it('charges again on each retry renewal asks for, once per attempt, with the method the customer has now', async () => {
      const customerId = uniqueCustomer('dunning');
      await service.openAccount(customerId, 'FR', { token: 'tok_insufficient_funds' });
      const request = renewalInvoiceRequested(customerId, 'FR', { autoPay: true, termStartDate: inDays(5), termEndDate: inDays(370), amount: 8388 });
      await service.publishRenewals(request);
      const [first] = await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.customerId === customerId, 'the first attempt');
      expect(first).toMatchObject({ attempt: 1, reason: 'insufficientFunds', retryable: true });

      // day +1: the second attempt fails too; the same request delivered twice charges once
      const second = renewalPaymentRetry(request, first.invoiceId, 2);
      await service.publishRenewals(second, { ...second, eventId: randomUUID() });
      await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.invoiceId === first.invoiceId, 'the second attempt', 2);

      // the customer adds a card that works; day +3: the third attempt takes it
      await service.request('POST', '/me/payment/method', { customerId, body: { type: 'card', token: 'tok_success', default: true } });
      await service.publishRenewals(renewalPaymentRetry(request, first.invoiceId, 3));
      const [paid] = await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === first.invoiceId, 'the third attempt');
      expect(paid.source).toEqual({ kind: 'renewal', renewalTermId: request.data.renewalTermId, serviceId: request.data.serviceId });
      // a late retry request for a paid invoice charges nothing
      await service.publishRenewals(renewalPaymentRetry(request, first.invoiceId, 4));
      const sentinel = renewalInvoiceRequested(customerId, 'FR', { autoPay: false, termStartDate: inDays(20), termEndDate: inDays(50), amount: 100 });
      await service.publishRenewals(sentinel);
      await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.source.kind === 'renewal' && event.source.renewalTermId === sentinel.data.renewalTermId, 'the sentinel invoice');
      const charges = await service.sandboxChargesOf(first.invoiceId);
      expect(charges.map((charge) => [charge.idempotency_key, charge.status])).toEqual([
        [`${first.invoiceId}:1`, 'failed'],
        [`${first.invoiceId}:2`, 'failed'],
        [`${first.invoiceId}:3`, 'succeeded'],
      ]);
    });
  });

  describe('plan changes', () => {
    it('issues one invoice crediting the unused days of the old plan and charging the new one, and charges it once', async () => {
      const customerId = uniqueCustomer('upgrade');
      await service.openAccount(customerId, 'FR');
      const change = servicePlanChanged(customerId, { amounts: true });
      // published before the change carried its amounts: invoicing prorates the same way
      const older = servicePlanChanged(customerId, { amounts: false });
      await service.publishServices(change, { ...change, eventId: randomUUID() }, older);

      const [invoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.source.kind === 'upgrade' && event.source.planChangeId === change.data.planChangeId, 'the upgrade invoice');
      expect(invoice).toMatchObject({
        category: 'purchase-web',
        source: { kind: 'upgrade', planChangeId: change.data.planChangeId, serviceId: change.data.serviceId },
        lines: [
          { planCode: 'web-hosting-pro', periodStart: '2027-02-14', periodEnd: '2027-02-28', unitPrice: { value: -400 }, amountWithoutTax: { value: -400 } },
          { planCode: 'web-hosting-performance', periodStart: '2027-02-14', periodEnd: '2027-02-28', unitPrice: { value: 800 }, amountWithoutTax: { value: 800 } },
        ],
        totals: { withoutTax: { value: 400 }, tax: { value: 80 }, withTax: { value: 480 } },
      });
      const [olderInvoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.source.kind === 'upgrade' && event.source.planChangeId === older.data.planChangeId, 'the older change');
      expect(olderInvoice.lines.map((line) => line.unitPrice.value)).toEqual([-400, 800]);

      await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === olderInvoice.invoiceId, 'the older change paid');
      expect(service.invoicesTopic.ofType('InvoiceIssued', (event) => event.source.kind === 'upgrade' && event.source.planChangeId === change.data.planChangeId)).toHaveLength(1);
      expect((await service.sandboxChargesOf(invoice.invoiceId)).map((charge) => [charge.status, charge.amount])).toEqual([['succeeded', '480']]);
    });
  });

  describe('credit notes', () => {
    it('credits the withdrawn items of a paid order in the same series, refunded', async () => {
      const customerId = uniqueCustomer('withdrawal');
      const method = await service.openAccount(customerId, 'FR');
      const order = orderPlaced(
        customerId,
        'FR',
        [
          { planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199, period: 'P1Y' },
          { planCode: 'dedicated-ks-1', universe: 'dedicated', unitPrice: 1099 },
        ],
        { paymentMethodId: method },
      );
      await service.publishOrders(order);
      const [invoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === customerId, 'the invoice');
      await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === invoice.invoiceId, 'the payment');

      const withdrawn = order.data.items[1];
      const event = orderWithdrawn(customerId, order.data, [withdrawn.itemId], invoice.invoiceId, { currency: 'EUR', value: 1319 });
      await service.publishOrders(event, event);
      const [note] = await service.invoicesTopic.waitFor('CreditNoteIssued', (candidate) => candidate.invoiceId === invoice.invoiceId, 'the credit note');
      expect(note).toMatchObject({
        reason: 'withdrawal',
        refunded: true,
        series: invoice.series,
        subsidiary: 'FR',
        lines: [{ itemId: withdrawn.itemId, amountWithoutTax: { value: 1099 }, taxRate: 2000 }],
        taxes: [{ rate: 2000, base: { value: 1099 }, amount: { value: 220 } }],
        totals: { withoutTax: { value: 1099 }, tax: { value: 220 }, withTax: { value: 1319 } },
      });
      // numbered in the invoice's series, after it, with no gap
      const series = service.invoicesTopic.events
        .filter((published) => (published.type === 'InvoiceIssued' || published.type === 'CreditNoteIssued') && published.data.series === invoice.series)
        .map((published) => (published.data as { sequence: number }).sequence)
        .sort((a, b) => a - b);
      expect(series).toEqual(Array.from({ length: series.length }, (_, index) => index + 1));
      expect(note.sequence).toBeGreaterThan(invoice.sequence);

      const bills = await waitForValue(() => billsOf(customerId), (answer) => answer.body.bills?.length === 2, { description: 'the credit note in the bills' });
      expect(bills.body.bills).toEqual([
        expect.objectContaining({ kind: 'creditNote', billId: note.creditNoteId, number: note.number, invoiceId: invoice.invoiceId, reason: 'withdrawal', category: 'purchase-web', status: 'issued' }),
        expect.objectContaining({ kind: 'invoice', billId: invoice.invoiceId, status: 'paid' }),
      ]);
      expect(service.invoicesTopic.ofType('CreditNoteIssued', (candidate) => candidate.invoiceId === invoice.invoiceId)).toHaveLength(1);

      // the money goes back through the gateway, to the charge that paid the invoice, once
      const [refund] = await service.invoicesTopic.waitFor('CreditNoteRefunded', (candidate) => candidate.creditNoteId === note.creditNoteId, 'the refund');
      expect(refund).toMatchObject({ invoiceId: invoice.invoiceId, customerId, amount: { currency: 'EUR', value: 1319 } });
      const [charge] = await service.sandboxChargesOf(invoice.invoiceId);
      expect(await service.sandboxRefundsOf(note.creditNoteId)).toEqual([{ refund_id: refund.gatewayRefundId, charge_id: charge.charge_id, status: 'succeeded', amount: '1319' }]);
      expect(await service.query(`SELECT * FROM refunds_in_flight WHERE credit_note_id = $1`, [note.creditNoteId])).toEqual([]);
      const shown = await waitForValue(
        () => service.request<{ creditNotes: { billId: string; refundedAt?: string }[] }>('GET', `/me/bill/${invoice.invoiceId}`, { customerId }),
        (answer) => answer.body.creditNotes?.[0]?.refundedAt !== undefined,
        { description: 'the refund on the bill' },
      );
      expect(shown.body.creditNotes).toEqual([expect.objectContaining({ billId: note.creditNoteId, refunded: true, refundedAt: new Date(refund.refundedAt).toISOString() })]);

      // the other item withdrawn too: the rest is credited and refunded, to the cent of the charge
      await service.publishOrders(orderWithdrawn(customerId, order.data, [order.data.items[0].itemId], invoice.invoiceId, { currency: 'EUR', value: 9839 }));
      const [, rest] = await service.invoicesTopic.waitFor('CreditNoteIssued', (candidate) => candidate.invoiceId === invoice.invoiceId, 'the credit of the rest', 2);
      await service.invoicesTopic.waitFor('CreditNoteRefunded', (candidate) => candidate.creditNoteId === rest.creditNoteId, 'the refund of the rest');
      const refunded = await service.query<{ total: string }>(`SELECT sum(amount)::text AS total FROM payment_gateway_sandbox.refunds WHERE charge_id = $1 AND status = 'succeeded'`, [charge.charge_id]);
      expect(Number(refunded[0].total)).toBe(invoice.totals.withTax.value);

      // the relay publishes the invoice's issue and payment and the first credit note again, late:
      // the bill stays refunded (issue and payment take no look-up, and cannot set it back) and
      // the credit is not counted twice (credit notes are looked up)
      const published = service.invoicesTopic.ofCustomer(customerId);
      const late = published.filter((candidate) => (candidate.type === 'InvoiceIssued' || candidate.type === 'InvoicePaid') && candidate.data.invoiceId === invoice.invoiceId);
      const creditCopy = published.find((candidate) => candidate.type === 'CreditNoteIssued' && candidate.data.creditNoteId === note.creditNoteId);
      expect(late.map((candidate) => candidate.type)).toEqual(['InvoiceIssued', 'InvoicePaid']);
      await service.publishAgain(...late, creditCopy as (typeof published)[number]);
      // a new order of the same customer: same partition, after the copies
      const next = orderPlaced(customerId, 'FR', [{ planCode: 'dedicated-ks-1', universe: 'dedicated', unitPrice: 1099 }], { paymentMethodId: method });
      await service.publishOrders(next);
      const [nextInvoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (candidate) => candidate.source.kind === 'order' && candidate.source.orderId === next.data.orderId, 'the next invoice');
      await waitForValue(() => billsOf(customerId), (answer) => answer.body.bills?.some((bill) => bill.billId === nextInvoice.invoiceId) === true, { description: 'the next bill' });
      const [row] = await service.query<{ status: string; credited_amount: string; paid_amount: string }>(
        `SELECT status, credited_amount::text, paid_amount::text FROM bills WHERE bill_id = $1`,
        [invoice.invoiceId],
      );
      expect(row).toEqual({ status: 'refunded', credited_amount: String(invoice.totals.withTax.value), paid_amount: String(invoice.totals.withTax.value) });
      const looked = await service.query<{ event_id: string }>(`SELECT event_id::text FROM processed_events WHERE consumer = 'bills' AND event_id = ANY ($1::uuid[])`, [
        [...late, creditCopy].map((candidate) => candidate?.eventId),
      ]);
      expect(looked.map((candidate) => candidate.event_id)).toEqual([creditCopy?.eventId.toLowerCase()]);
    });

    it('pays back a refund left owed by a crash, once, when the reconciler asks the gateway again', async () => {
      const customerId = uniqueCustomer('refund-crash');
      const method = await service.openAccount(customerId, 'FR');
      const order = orderPlaced(customerId, 'FR', [{ planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199, period: 'P1Y' }], { paymentMethodId: method });
      await service.publishOrders(order);
      const [invoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === customerId, 'the invoice');
      await service.invoicesTopic.waitFor('InvoicePaid', (event) => event.invoiceId === invoice.invoiceId, 'the payment');
      await service.publishOrders(orderCancelled(customerId, order.data.orderId));
      const [note] = await service.invoicesTopic.waitFor('CreditNoteIssued', (event) => event.invoiceId === invoice.invoiceId, 'the credit note');
      await service.invoicesTopic.waitFor('CreditNoteRefunded', (event) => event.creditNoteId === note.creditNoteId, 'the refund');

      // as if the process had died after the credit note's transaction, before the gateway answered:
      // the refund is owed again, and its outcome unrecorded in the store
      await service.query(`DELETE FROM event_store.events WHERE stream_id = $1 AND event_type = 'RefundSucceeded'`, [`invoice-${invoice.invoiceId}`]);
      await service.query(
        `INSERT INTO refunds_in_flight (idempotency_key, invoice_id, credit_note_id, customer_id, currency, amount, started_at) VALUES ($1, $2, $3, $4, 'EUR', $5, now() - interval '1 hour')`,
        [`refund:${note.creditNoteId}`, invoice.invoiceId, note.creditNoteId, customerId, note.totals.withTax.value],
      );
      await waitUntil(async () => (await service.query(`SELECT 1 FROM refunds_in_flight WHERE credit_note_id = $1`, [note.creditNoteId])).length === 0, {
        timeoutMs: 20_000,
        description: 'the reconciler to settle the refund',
      });
      // asked again with the same key: the gateway answered with its first refund, and refunded nothing more
      const refunds = await service.sandboxRefundsOf(note.creditNoteId);
      expect(refunds).toHaveLength(1);
      const stored = await service.query<{ gateway_refund_id: string }>(
        `SELECT data->>'gatewayRefundId' AS gateway_refund_id FROM event_store.events WHERE stream_id = $1 AND event_type = 'RefundSucceeded'`,
        [`invoice-${invoice.invoiceId}`],
      );
      expect(stored).toEqual([{ gateway_refund_id: refunds[0].refund_id }]);
    });

    it('cancels the debt of an unpaid order that is cancelled, with a credit note not refunded', async () => {
      const customerId = uniqueCustomer('cancelled');
      await service.openAccount(customerId, 'PL', { token: 'tok_insufficient_funds' });
      const order = orderPlaced(customerId, 'PL', [{ planCode: 'web-hosting-starter', universe: 'web', unitPrice: 1599 }]);
      await service.publishOrders(order);
      const [failed] = await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.customerId === customerId, 'the failed payment');
      expect(failed).toMatchObject({ reason: 'insufficientFunds', retryable: true });
      await waitForValue(() => debtOf(customerId), (answer) => answer.body.balances?.[0]?.dueAmount.value === failed.amount.value, { description: 'the debt' });

      await service.publishOrders(orderCancelled(customerId, order.data.orderId));
      const [note] = await service.invoicesTopic.waitFor('CreditNoteIssued', (event) => event.invoiceId === failed.invoiceId, 'the credit note');
      expect(note).toMatchObject({ reason: 'refund', refunded: false, currency: 'PLN', totals: order.data.totals });
      await waitForValue(() => debtOf(customerId), (answer) => answer.body.balances?.length === 0, { description: 'no debt left' });
      const bill = await service.request('GET', `/me/bill/${failed.invoiceId}`, { customerId });
      expect(bill).toMatchObject({ body: { status: 'cancelled', amountDue: { value: 0 }, creditNotes: [{ billId: note.creditNoteId, number: note.number }] } });
      expect(await service.request('POST', `/me/bill/${failed.invoiceId}/pay`, { customerId })).toMatchObject({ status: 409, body: { code: 'INVOICE_CANCELLED' } });
    });
  });

  describe('invoice documents', () => {
    it('serves the PDF of an invoice with its legal mentions', async () => {
      const customerId = uniqueCustomer('pdf');
      const method = await service.openAccount(customerId, 'FR', { name: 'Camille Martin' });
      const order = orderPlaced(customerId, 'FR', [{ planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199, period: 'P1Y' }], { paymentMethodId: method });
      await service.publishOrders(order);
      const [invoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === customerId, 'the invoice');
      await waitForValue(() => billsOf(customerId), (answer) => answer.body.bills?.length === 1, { description: 'the bill' });

      const response = await fetch(`${service.baseUrl}/me/bill/${invoice.invoiceId}/pdf`, { headers: { authorization: `Bearer ${await issueDevelopmentToken(customerId)}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const pdf = Buffer.from(await response.arrayBuffer());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = pdfText(pdf);
      for (const mention of [
        `Invoice ${invoice.number}`,
        'Cumulus Hosting SAS',
        'VAT number: FR63921846307',
        'Camille Martin',
        '12 rue des Lilas',
        '59000 Lille',
        `Issue date: ${toSubsidiaryDate(Temporal.Instant.from(invoice.issuedAt), subsidiary('FR')).toString()}`,
        `Due date: ${invoice.dueDate}`,
        '20 %',
        '81.99 EUR',
        '20 % on 81.99 EUR: 16.40 EUR',
        'Total incl. VAT: 98.39 EUR',
      ]) {
        expect(text).toContain(mention);
      }
      expect(text).not.toMatch(/Reverse charge/);
    });

    it('prints the reverse-charge mention for an EU business in another member state', async () => {
      const customerId = uniqueCustomer('b2b');
      const method = await service.openAccount(customerId, 'FR', { name: 'Weber Hosting GmbH', country: 'DE', vatNumber: 'DE318462759' });
      const order = orderPlaced(customerId, 'FR', [{ planCode: 'dedicated-ks-1', universe: 'dedicated', unitPrice: 1099 }], { paymentMethodId: method });
      await service.publishOrders(order);
      const [invoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === customerId, 'the invoice');
      expect(invoice).toMatchObject({ reverseCharge: true, taxes: [{ rate: 0, amount: { value: 0 } }], totals: { withTax: { value: 1099 } }, billedTo: { vatNumber: 'DE318462759' } });
      await waitForValue(() => billsOf(customerId), (answer) => answer.body.bills?.length === 1, { description: 'the bill' });

      const response = await fetch(`${service.baseUrl}/me/bill/${invoice.invoiceId}/pdf`, { headers: { authorization: `Bearer ${await issueDevelopmentToken(customerId)}` } });
      const text = pdfText(Buffer.from(await response.arrayBuffer()));
      expect(text).toContain('Customer VAT number: DE318462759');
      expect(text).toContain('0 %');
      expect(text).toContain('Autoliquidation / Reverse charge');
      expect(text).toContain('Late payment: penalties');
    });
  });
});
