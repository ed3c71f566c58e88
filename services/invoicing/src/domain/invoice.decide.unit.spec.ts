import { asksToRetryLater } from '@billing/messaging';
import { legalMentions } from '@billing/billing-kernel';
import { DeciderSpecification } from '@billing/testing';
import { Temporal } from 'temporal-polyfill';
import { refundsOwed, type CreditNoteIssued, type InvoiceEvent, type InvoiceIssued, type IssuedInvoice, type PaymentAttemptStarted, type PaymentFailed, type PaymentSucceeded } from './invoice';
import { invoiceDecider, type IssueCreditNote, type IssueInvoice, type RecordRefundOutcome, type StartPaymentAttempt } from './invoice.decide';
import { documentNumber } from './invoice-series';
import { BillNotFound, InvoiceAlreadyPaid, InvoiceCancelled, InvoiceTaxRefused, PaymentInProgress } from './invoicing-refusals';

const spec = DeciderSpecification.for(invoiceDecider);
const invoiceId = 'a3c1e5f7-2b4d-4e6f-8a0c-1d3f5b7d9e1a';
const customerId = 'cust-4815162342';
const source = { kind: 'order', orderId: '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b' } as const;
const itemA = '6f1c9d2e-8b7a-4c3d-9e2f-0a1b2c3d4e5f';
const itemB = '7a2d0e3f-9c8b-4d4e-8f30-1b2c3d4e5f60';
const eur = (value: number) => ({ currency: 'EUR' as const, value });
const issuedAt = '2026-03-14T09:30:02.000Z';
const billedTo = { name: 'Camille Martin', postalAddress: { lines: ['12 rue des Lilas'], postalCode: '59000', city: 'Lille' }, country: 'FR' };

function issue(changes: Partial<IssueInvoice['data']> = {}): IssueInvoice {
  return {
    type: 'IssueInvoice',
    data: {
      invoiceId,
      customerId,
      source,
      category: 'purchase-web',
      subsidiary: 'FR',
      currency: 'EUR',
      billedTo,
      lines: [
        { description: 'Web hosting Pro — 1 year', planCode: 'web-hosting-pro', itemId: itemA, quantity: 1, unitPrice: eur(8199) },
        { description: 'VoIP line — 1 month', planCode: 'telecom-voip-line-solo', itemId: itemB, quantity: 3, unitPrice: eur(199) },
      ],
      settlement: { autoPay: true, paymentMethodId: 'pm_1' },
      number: documentNumber('FR-2026', 42),
      issuedAt,
      issueDate: Temporal.PlainDate.from('2026-03-14'),
      ...changes,
    },
  };
}

const seller = { subsidiary: 'FR', legalEntityName: 'Cumulus Hosting SAS', taxRegistrationNumber: 'FR63921846307' } as const;

const invoice: IssuedInvoice = {
  series: 'FR-2026',
  sequence: 42,
  number: 'FR-2026-000042',
  invoiceId,
  customerId,
  source,
  category: 'purchase-web',
  subsidiary: 'FR',
  currency: 'EUR',
  seller,
  billedTo,
  lines: [
    { description: 'Web hosting Pro — 1 year', planCode: 'web-hosting-pro', itemId: itemA, quantity: 1, unitPrice: eur(8199), amountWithoutTax: eur(8199), taxRate: 2000 },
    { description: 'VoIP line — 1 month', planCode: 'telecom-voip-line-solo', itemId: itemB, quantity: 3, unitPrice: eur(199), amountWithoutTax: eur(597), taxRate: 2000 },
  ],
  tax: expect.objectContaining({ treatment: 'standard', rate: 2000, taxCountry: 'FR' }) as IssuedInvoice['tax'],
  taxes: [{ rate: 2000, base: eur(8796), amount: eur(1759) }],
  reverseCharge: false,
  // 8796 × 20 % = 1759.2 → 1759, rounded once on the invoice's total
  totals: { withoutTax: eur(8796), tax: eur(1759), withTax: eur(10555) },
  issuedAt,
  issueDate: '2026-03-14',
  dueDate: '2026-03-14',
  settlement: { autoPay: true, paymentMethodId: 'pm_1' },
};

const issued: InvoiceIssued = { type: 'InvoiceIssued', data: invoice };

function start(attempt: number, paymentMethod: StartPaymentAttempt['data']['paymentMethod'] = { kind: 'found', paymentMethodId: 'pm_1' }): StartPaymentAttempt {
  return { type: 'StartPaymentAttempt', data: { invoiceId, attempt, paymentId: `payment-${attempt}`, paymentMethod, startedAt: '2026-03-14T09:30:03.000Z' } };
}

const facts = (attempt: number, amount = 10555) => ({ invoiceId, customerId, source, paymentId: `payment-${attempt}`, attempt, amount: eur(amount) });

function started(attempt: number, amount = 10555): PaymentAttemptStarted {
  return { type: 'PaymentAttemptStarted', data: { ...facts(attempt, amount), idempotencyKey: `${invoiceId}:${attempt}`, paymentMethodId: 'pm_1', startedAt: '2026-03-14T09:30:03.000Z' } };
}

function succeeded(attempt: number, reconciled = false): PaymentSucceeded {
  return { type: 'PaymentSucceeded', data: { ...facts(attempt), paymentMethodId: 'pm_1', gatewayChargeId: 'ch_1', reconciled, paidAt: '2026-03-14T09:30:04.000Z' } };
}

function failed(attempt: number, reason: PaymentFailed['data']['reason'] = 'declined', retryable = false): PaymentFailed {
  return { type: 'PaymentFailed', data: { ...facts(attempt), reason, retryable, paymentMethodId: 'pm_1', reconciled: false, failedAt: '2026-03-14T09:30:04.000Z' } };
}

function credit(creditNoteId: string, scope: IssueCreditNote['data']['scope'], reason: IssueCreditNote['data']['reason'] = 'withdrawal', sequence = 43): IssueCreditNote {
  return { type: 'IssueCreditNote', data: { creditNoteId, invoiceId, reason, scope, number: documentNumber('FR-2026', sequence), issuedAt: '2026-03-20T15:00:00.000Z', issueDate: '2026-03-20' } };
}

function creditNote(creditNoteId: string, lines: number[], totals: { withoutTax: number; tax: number }, refunded: boolean, sequence = 43, reason: 'withdrawal' | 'refund' = 'withdrawal'): CreditNoteIssued {
  return {
    type: 'CreditNoteIssued',
    data: {
      ...documentNumber('FR-2026', sequence),
      creditNoteId,
      invoiceId,
      invoiceNumber: 'FR-2026-000042',
      customerId,
      reason,
      subsidiary: 'FR',
      currency: 'EUR',
      seller,
      billedTo,
      lines: lines.map((index) => invoice.lines[index]),
      creditedLines: lines,
      taxes: [{ rate: 2000, base: eur(totals.withoutTax), amount: eur(totals.tax) }],
      totals: { withoutTax: eur(totals.withoutTax), tax: eur(totals.tax), withTax: eur(totals.withoutTax + totals.tax) },
      refunded,
      issuedAt: '2026-03-20T15:00:00.000Z',
      issueDate: '2026-03-20',
    },
  };
}

describe('invoice decider', () => {
  describe('not issued', () => {
    it('issues the invoice with the account’s VAT, taxed per rate and rounded once, numbered as given', () => {
      spec.given([]).when(issue()).then([issued]);
    });

    it('applies the reverse charge to an EU business of another member state, with its mention', () => {
      const [event] = invoiceDecider.decide(issue({ billedTo: { name: 'Weber GmbH', country: 'DE', vatNumber: 'DE318462759' } }), invoiceDecider.initialState());
      expect(event).toMatchObject({
        type: 'InvoiceIssued',
        data: { reverseCharge: true, tax: { treatment: 'reverseCharge', legalMention: legalMentions.euReverseCharge }, taxes: [{ rate: 0, amount: eur(0) }], totals: { withTax: eur(8796) } },
      });
    });

    it('charges the consumer’s own EU country rate (one-stop shop)', () => {
      const [event] = invoiceDecider.decide(issue({ billedTo: { name: 'Jonas Weber', country: 'DE' } }), invoiceDecider.initialState());
      expect(event).toMatchObject({ data: { taxes: [{ rate: 1900, amount: eur(1671) }], tax: { taxCountry: 'DE' } } });
    });

    it('is due on the issue date, or on the date the source says (a renewal: the expiration)', () => {
      const [event] = invoiceDecider.decide(issue({ payableBy: '2026-04-01' }), invoiceDecider.initialState());
      expect(event).toMatchObject({ data: { dueDate: '2026-04-01' } });
      const [late] = invoiceDecider.decide(issue({ payableBy: '2026-03-01' }), invoiceDecider.initialState());
      expect(late).toMatchObject({ data: { dueDate: '2026-03-14' } });
    });

    it('refuses another currency than the subsidiary’s', () => {
      spec.given([]).when(issue({ currency: 'GBP' })).thenThrows((error) => error instanceof InvoiceTaxRefused && error.reason === 'CURRENCY_MISMATCH');
    });

    it('refuses payments and credit notes', () => {
      spec.given([]).when(start(1)).thenThrows(BillNotFound);
      spec.given([]).when(credit('cn-1', { kind: 'wholeInvoice' })).thenThrows(BillNotFound);
    });
  });

  describe('unpaid, no attempt yet', () => {
    it('is never issued twice (a duplicate request)', () => {
      spec.given([issued]).when(issue({ number: documentNumber('FR-2026', 43) })).thenNothingHappened();
    });

    it('starts attempt 1 with its idempotency key, before the gateway is called', () => {
      spec.given([issued]).when(start(1)).then([started(1)]);
    });

    it('fails the attempt without charging when the method is not the customer’s', () => {
      spec
        .given([issued])
        .when(start(1, { kind: 'notTheCustomers', paymentMethodId: 'pm_other' }))
        .then([{ type: 'PaymentFailed', data: { ...facts(1), reason: 'paymentMethodNotFound', retryable: false, paymentMethodId: 'pm_other', reconciled: false, failedAt: '2026-03-14T09:30:03.000Z' } }]);
    });

    it('fails the attempt without charging when the customer has no payment method', () => {
      spec
        .given([issued])
        .when(start(1, { kind: 'none' }))
        .then([{ type: 'PaymentFailed', data: { ...facts(1), reason: 'noPaymentMethod', retryable: false, reconciled: false, failedAt: '2026-03-14T09:30:03.000Z' } }]);
    });

    it('credits withdrawn items: their lines, taxed per rate', () => {
      spec.given([issued]).when(credit('cn-1', { kind: 'items', itemIds: [itemB] })).then([creditNote('cn-1', [1], { withoutTax: 597, tax: 119 }, false)]);
    });
  });

  describe('unpaid, after a failed attempt', () => {
    const history: InvoiceEvent[] = [issued, started(1), failed(1)];

    it('starts the next attempt with the next number', () => {
      spec.given(history).when(start(2)).then([started(2)]);
    });

    it('refuses a stale attempt number', () => {
      spec.given(history).when(start(1)).thenThrows(Error);
    });

    it('credits the line of a service (a renewal term cancelled), and the next attempt charges what is left', () => {
      const serviceIds = ['5d8b1f3a-7c9e-4b2d-8f6a-3c5e7a9b1d2f', '0b5e2c7d-3f1a-4e6b-9c8d-7a2f4e6b8c0d'];
      const lines = invoice.lines.map((line, index) => ({ ...line, serviceId: serviceIds[index] }));
      const grouped: InvoiceEvent[] = [{ type: 'InvoiceIssued', data: { ...invoice, lines } }, started(1), failed(1)];
      const note = creditNote('cn-1', [1], { withoutTax: 597, tax: 119 }, false, 43, 'refund');
      const credited: CreditNoteIssued = { ...note, data: { ...note.data, lines: [lines[1]] } };
      spec.given(grouped).when(credit('cn-1', { kind: 'services', serviceIds: [serviceIds[1].toUpperCase()] }, 'refund')).then([credited]);
      // 10555 − (597 + 119): the other service's line and its tax
      spec.given([...grouped, credited]).when(start(2)).then([started(2, 9839)]);
      spec.given([...grouped, credited]).when(credit('cn-2', { kind: 'services', serviceIds: [serviceIds[1]] }, 'refund', 44)).thenNothingHappened();
    });

    it('ignores the outcome of the attempt already recorded', () => {
      spec.given(history).when({ type: 'RecordPaymentOutcome', data: { invoiceId, attempt: 1, outcome: { kind: 'succeeded', gatewayChargeId: 'ch_1' }, reconciled: true, at: issuedAt } }).thenNothingHappened();
    });
  });

  describe('payment pending (an attempt at the gateway)', () => {
    const history: InvoiceEvent[] = [issued, started(1)];

    it('records the gateway’s answer', () => {
      spec.given(history).when({ type: 'RecordPaymentOutcome', data: { invoiceId, attempt: 1, outcome: { kind: 'succeeded', gatewayChargeId: 'ch_1' }, reconciled: false, at: '2026-03-14T09:30:04.000Z' } }).then([succeeded(1)]);
      spec
        .given(history)
        .when({ type: 'RecordPaymentOutcome', data: { invoiceId, attempt: 1, outcome: { kind: 'failed', reason: 'declined', retryable: false }, reconciled: false, at: '2026-03-14T09:30:04.000Z' } })
        .then([failed(1)]);
    });

    it('records what the gateway says of a lost answer, marked as reconciled', () => {
      spec.given(history).when({ type: 'RecordPaymentOutcome', data: { invoiceId, attempt: 1, outcome: { kind: 'succeeded', gatewayChargeId: 'ch_1' }, reconciled: true, at: '2026-03-14T09:30:04.000Z' } }).then([succeeded(1, true)]);
    });

    it('refuses a second attempt while the outcome is unknown: it could charge twice', () => {
      spec.given(history).when(start(2)).thenThrows(PaymentInProgress);
    });

    it('waits for the outcome before crediting', () => {
      spec.given(history).when(credit('cn-1', { kind: 'wholeInvoice' })).thenThrows(PaymentInProgress);
      // a consumer crediting (an order cancelled, a renewal cancelled) is tried again for minutes, not dead-lettered
      expect(asksToRetryLater(new PaymentInProgress(invoiceId, 1))).toBe(true);
    });
  });

  describe('paid', () => {
    const history: InvoiceEvent[] = [issued, started(1), succeeded(1)];

    it('refuses another payment', () => {
      spec.given(history).when(start(2)).thenThrows(InvoiceAlreadyPaid);
    });

    it('refunds withdrawn items with a credit note', () => {
      spec.given(history).when(credit('cn-1', { kind: 'items', itemIds: [itemA] })).then([creditNote('cn-1', [0], { withoutTax: 8199, tax: 1640 }, true)]);
    });

    it('credits exactly what is left when the last lines are credited, to the cent', () => {
      // 2.99 + 2 × 2.99 at 20 %: the invoice's tax is 8.97 × 20 % = 1.794 → 1.79; the first line
      // alone is 0.598 → 0.60, so the rest is 1.19 (recomputed on its own it would be 1.20)
      const small = issue({
        lines: [
          { description: 'Option A', itemId: itemA, quantity: 1, unitPrice: eur(299) },
          { description: 'Option B', itemId: itemB, quantity: 2, unitPrice: eur(299) },
        ],
      });
      const smallIssued = invoiceDecider.decide(small, invoiceDecider.initialState());
      expect(smallIssued).toMatchObject([{ data: { totals: { tax: eur(179) } } }]);
      const paidSmall = [...smallIssued, started(1, 1076), { ...succeeded(1), data: { ...succeeded(1).data, amount: eur(1076) } }] as InvoiceEvent[];
      const first = invoiceDecider.decide(credit('cn-1', { kind: 'items', itemIds: [itemA] }), paidSmall.reduce(invoiceDecider.evolve, invoiceDecider.initialState()));
      expect(first).toMatchObject([{ data: { totals: { withoutTax: eur(299), tax: eur(60), withTax: eur(359) } } }]);
      const rest = invoiceDecider.decide(credit('cn-2', { kind: 'wholeInvoice' }, 'refund', 44), [...paidSmall, ...first].reduce(invoiceDecider.evolve, invoiceDecider.initialState()));
      expect(rest).toMatchObject([{ data: { creditedLines: [1], taxes: [{ rate: 2000, base: eur(598), amount: eur(119) }], totals: { withoutTax: eur(598), tax: eur(119), withTax: eur(717) } } }]);
    });

    it('issues nothing for a credit note issued already, or for lines credited already', () => {
      const withNote = [...history, creditNote('cn-1', [0, 1], { withoutTax: 8796, tax: 1759 }, true)];
      spec.given(withNote).when(credit('cn-1', { kind: 'wholeInvoice' })).thenNothingHappened();
      spec.given(withNote).when(credit('cn-2', { kind: 'items', itemIds: [itemA] })).thenNothingHappened();
    });
  });

  describe('a refunded credit note', () => {
    const note = creditNote('cn-1', [0], { withoutTax: 8199, tax: 1640 }, true);
    const history: InvoiceEvent[] = [issued, started(1), succeeded(1), note];
    const refundFacts = { creditNoteId: 'cn-1', invoiceId, customerId, amount: eur(9839), idempotencyKey: 'refund:cn-1' };
    const outcome = (result: RecordRefundOutcome['data']['outcome']): RecordRefundOutcome => ({
      type: 'RecordRefundOutcome',
      data: { invoiceId, creditNoteId: 'cn-1', outcome: result, at: '2026-03-20T15:00:02.000Z' },
    });

    it('records the refund the gateway made, for the credit note total', () => {
      spec
        .given(history)
        .when(outcome({ kind: 'succeeded', gatewayRefundId: 're_1' }))
        .then([{ type: 'RefundSucceeded', data: { ...refundFacts, gatewayRefundId: 're_1', refundedAt: '2026-03-20T15:00:02.000Z' } }]);
    });

    it('records a refused refund for an operator to settle', () => {
      spec
        .given(history)
        .when(outcome({ kind: 'failed', reason: 'chargeNotFound' }))
        .then([{ type: 'RefundFailed', data: { ...refundFacts, reason: 'chargeNotFound', failedAt: '2026-03-20T15:00:02.000Z' } }]);
    });

    it('records one outcome only: a repeated answer changes nothing', () => {
      const refunded = invoiceDecider.decide(outcome({ kind: 'succeeded', gatewayRefundId: 're_1' }), history.reduce(invoiceDecider.evolve, invoiceDecider.initialState()));
      spec.given([...history, ...refunded]).when(outcome({ kind: 'succeeded', gatewayRefundId: 're_2' })).thenNothingHappened();
      expect(refundsOwed([...history, ...refunded].reduce(invoiceDecider.evolve, invoiceDecider.initialState()))).toEqual([]);
      expect(refundsOwed(history.reduce(invoiceDecider.evolve, invoiceDecider.initialState())).map((owed) => owed.creditNoteId)).toEqual(['cn-1']);
    });

    it('has nothing to pay back when the credit reduced a debt', () => {
      spec.given([issued, creditNote('cn-1', [0], { withoutTax: 8199, tax: 1640 }, false)]).when(outcome({ kind: 'succeeded', gatewayRefundId: 're_1' })).thenNothingHappened();
    });

    it('refuses an outcome for a credit note it never issued', () => {
      spec.given([issued, started(1), succeeded(1)]).when(outcome({ kind: 'succeeded', gatewayRefundId: 're_1' })).thenThrows(BillNotFound);
    });
  });

  describe('cancelled (credited in full before payment)', () => {
    const history: InvoiceEvent[] = [issued, creditNote('cn-1', [0, 1], { withoutTax: 8796, tax: 1759 }, false, 43, 'refund')];

    it('is not payable any more', () => {
      spec.given(history).when(start(1)).thenThrows(InvoiceCancelled);
    });

    it('has nothing left to credit', () => {
      spec.given(history).when(credit('cn-2', { kind: 'wholeInvoice' })).thenNothingHappened();
    });
  });
});
