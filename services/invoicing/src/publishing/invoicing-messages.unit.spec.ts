import { parseIntegrationEvent } from '@billing/contracts';
import type { StoredEvent } from '@billing/eventsourcing';
import { Temporal } from 'temporal-polyfill';
import type { CustomerAccountEvent } from '../domain/customer-account';
import { customerAccountDecider } from '../domain/customer-account.decide';
import type { InvoiceEvent } from '../domain/invoice';
import { invoiceDecider } from '../domain/invoice.decide';
import { documentNumber } from '../domain/invoice-series';
import { invoicingMessages, type InvoicingEvent } from './invoicing-messages';

const customerId = 'cust-4815162342';
const invoiceId = 'a3c1e5f7-2b4d-4e6f-8a0c-1d3f5b7d9e1a';
const at = '2026-03-14T09:30:02.000Z';
const eur = (value: number) => ({ currency: 'EUR' as const, value });

function stored(event: InvoicingEvent, index: number): StoredEvent {
  return {
    ...event,
    eventId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    schemaVersion: 1,
    metadata: { correlationId: 'c', occurredAt: at, partitionKey: customerId },
    streamId: 's',
    streamVersion: index,
    position: { transactionId: '1', globalPosition: String(index) },
    storedAt: at,
  } as StoredEvent;
}

/** A realistic history through the deciders: account, invoice, failed and successful attempts, credit note. */
function history(): InvoicingEvent[] {
  const account: CustomerAccountEvent[] = [];
  const decideAccount = (command: Parameters<typeof customerAccountDecider.decide>[0]) =>
    account.push(...customerAccountDecider.decide(command, account.reduce(customerAccountDecider.evolve, customerAccountDecider.initialState())));
  decideAccount({ type: 'OpenProvisionalCustomerAccount', data: { customerId, subsidiary: 'FR', openedBy: { kind: 'order', orderId: '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b' }, openedAt: at } });
  decideAccount({ type: 'RegisterPaymentMethod', data: { customerId, paymentMethodId: 'pm_1', type: 'card', gatewayToken: 'tok_success', makeDefault: true, registeredAt: at } });
  decideAccount({
    type: 'UpdateCustomerAccount',
    data: {
      customerId,
      profile: { subsidiary: 'FR', name: 'Weber GmbH', postalAddress: { lines: ['Hauptstraße 1'], city: 'Berlin' }, country: 'DE', vatNumber: 'DE318462759', email: 'billing@weber.example' },
      today: Temporal.PlainDate.from('2026-03-14'),
      updatedAt: at,
    },
  });

  const invoice: InvoiceEvent[] = [];
  const decideInvoice = (command: Parameters<typeof invoiceDecider.decide>[0]) =>
    invoice.push(...invoiceDecider.decide(command, invoice.reduce(invoiceDecider.evolve, invoiceDecider.initialState())));
  decideInvoice({
    type: 'IssueInvoice',
    data: {
      invoiceId,
      customerId,
      source: { kind: 'order', orderId: '0b5e2a47-3c1d-4f8e-9a6b-1c2d3e4f5a6b' },
      category: 'purchase-servers',
      subsidiary: 'FR',
      currency: 'EUR',
      billedTo: { name: 'Weber GmbH', postalAddress: { lines: ['Hauptstraße 1'], city: 'Berlin' }, country: 'DE', vatNumber: 'DE318462759' },
      lines: [{ description: 'Dedicated server KS-1', planCode: 'dedicated-ks-1', itemId: '6f1c9d2e-8b7a-4c3d-9e2f-0a1b2c3d4e5f', quantity: 1, unitPrice: eur(1099) }],
      settlement: { autoPay: true },
      number: documentNumber('FR-2026', 1),
      issuedAt: at,
      issueDate: Temporal.PlainDate.from('2026-03-14'),
    },
  });
  decideInvoice({ type: 'StartPaymentAttempt', data: { invoiceId, attempt: 1, paymentId: 'c7e9a1b3-5d7f-4a1c-9e3b-5d7f9a1c3e5b', paymentMethod: { kind: 'notTheCustomers', paymentMethodId: 'pm_x' }, startedAt: at } });
  decideInvoice({ type: 'StartPaymentAttempt', data: { invoiceId, attempt: 2, paymentId: 'd4f6a8b0-2c4e-4f6a-8b0c-3d5f7a9b1c3e', paymentMethod: { kind: 'found', paymentMethodId: 'pm_1' }, startedAt: at } });
  decideInvoice({ type: 'RecordPaymentOutcome', data: { invoiceId, attempt: 2, outcome: { kind: 'succeeded', gatewayChargeId: 'ch_1' }, reconciled: true, at } });
  decideInvoice({ type: 'IssueCreditNote', data: { creditNoteId: 'f0e1d2c3-b4a5-4968-8776-655443322110', invoiceId, reason: 'withdrawal', scope: { kind: 'wholeInvoice' }, number: documentNumber('FR-2026', 2), issuedAt: at, issueDate: '2026-03-14' } });
  decideInvoice({ type: 'RecordRefundOutcome', data: { invoiceId, creditNoteId: 'f0e1d2c3-b4a5-4968-8776-655443322110', outcome: { kind: 'succeeded', gatewayRefundId: 're_1' }, at } });
  return [...account, ...invoice];
}

describe('what invoicing publishes', () => {
  const events = history();
  const published = events.map((event, index) => ({ domain: event.type, messages: invoicingMessages(stored(event, index + 1)) }));

  it('publishes the public events as the contract defines them, and keeps the private ones', () => {
    expect(published.map(({ domain, messages }) => [domain, messages.map((message) => message.type)])).toEqual([
      ['CustomerAccountOpenedProvisionally', []],
      ['PaymentMethodRegistered', []],
      ['CustomerAccountUpdated', ['CustomerAccountUpdated']],
      ['InvoiceIssued', ['InvoiceIssued']],
      ['PaymentFailed', ['InvoicePaymentFailed']],
      ['PaymentAttemptStarted', []],
      ['PaymentSucceeded', ['InvoicePaid']],
      ['CreditNoteIssued', ['CreditNoteIssued']],
      ['RefundSucceeded', ['CreditNoteRefunded']],
    ]);
    for (const message of published.flatMap(({ messages }) => messages)) {
      const parsed = parseIntegrationEvent(message.type, message.schemaVersion, message.data);
      expect({ type: message.type, valid: parsed.success, error: parsed.success ? undefined : parsed.error.message }).toEqual({ type: message.type, valid: true, error: undefined });
    }
  });

  it('keeps the stored event id, so a republish is recognised', () => {
    const [message] = invoicingMessages(stored(events[3], 4));
    expect(message.eventId).toBe('00000000-0000-4000-8000-000000000004');
    expect(message.metadata.partitionKey).toBe(customerId);
  });

  it('publishes a payment method that is not the customer’s as noPaymentMethod, not retryable', () => {
    const [failed] = published.find(({ domain }) => domain === 'PaymentFailed')?.messages ?? [];
    expect(failed.data).toMatchObject({ attempt: 1, reason: 'noPaymentMethod', retryable: false });
  });

  it('publishes the reverse charge and the account with its default payment method', () => {
    const [issued] = published.find(({ domain }) => domain === 'InvoiceIssued')?.messages ?? [];
    expect(issued.data).toMatchObject({ reverseCharge: true, taxes: [{ rate: 0 }], billedTo: { vatNumber: 'DE318462759' } });
    const [account] = published.find(({ domain }) => domain === 'CustomerAccountUpdated')?.messages ?? [];
    expect(account.data).toMatchObject({ defaultPaymentMethodId: 'pm_1', vatNumber: 'DE318462759', currency: 'EUR' });
  });
});
