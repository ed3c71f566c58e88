import { DeciderSpecification } from '@billing/testing';
import type { RenewalInvoiceRequested, RenewalReminderSent } from '@billing/contracts';
import type { RenewalTermEvent, TermIdentity } from './renewal-term';
import { dunningRetryAfter, renewalTermDecider } from './renewal-term.decide';

const term: TermIdentity = {
  renewalTermId: '019ce9a4-8800-8210-8ed0-00e952bece34',
  serviceId: '5d8b1f3a-7c9e-4b2d-8f6a-3c5e7a9b1d2f',
  customerId: 'cust-camille',
  expirationDate: '2027-02-28',
};
const { expirationDate, ...key } = term;
const invoiceId = '019ce9a4-8800-8b8a-a8d4-c514ef2d593d';
const eur = (value: number) => ({ currency: 'EUR', value });
const dunningRetryDays = [1, 3, 7];

const reminder = (daysBeforeExpiration: 40 | 15): RenewalReminderSent => ({
  ...key,
  daysBeforeExpiration,
  renewMode: 'automatic',
  wordingKey: 'renewal.reminder.automatic',
  planCode: 'web-hosting-pro',
  period: 'P1M',
  expirationDate,
  amount: eur(799),
  priceChanged: false,
  sentAt: '2027-02-13T00:00:00.000Z',
});
const request = (autoPay = true): RenewalInvoiceRequested => ({
  ...key,
  subsidiary: 'FR',
  universe: 'web',
  category: 'autorenew',
  planCode: 'web-hosting-pro',
  period: 'P1M',
  amount: eur(799),
  termStartDate: expirationDate,
  termEndDate: '2027-03-31',
  billingDate: '2027-02-21',
  autoPay,
  requestedAt: '2027-02-21T00:00:00.000Z',
});

const reminded40: RenewalTermEvent = { type: 'RenewalReminderSent', data: reminder(40) };
const requested: RenewalTermEvent = { type: 'RenewalInvoiceRequested', data: request() };
const issued: RenewalTermEvent = { type: 'RenewalInvoiceIssued', data: { ...key, invoiceId, issuedAt: '2027-02-21T00:00:01.000Z' } };
const failed = (attempt: number, nextRetry?: { attempt: number; retryOn: string }): RenewalTermEvent => ({
  type: 'RenewalPaymentFailed',
  data: { ...key, invoiceId, attempt, reason: 'declined', retryable: true, failedOn: '2027-02-21', failedAt: '2027-02-21T00:00:02.000Z', ...(nextRetry ? { nextRetry } : {}) },
});
const lapsed: RenewalTermEvent = {
  type: 'RenewalLapsed',
  data: { ...term, invoiceId, suspensionDate: '2027-03-07', terminationDate: '2027-03-30', lapsedAt: '2027-02-28T00:00:00.000Z' },
};
const deadlinePassed: RenewalTermEvent = {
  type: 'RenewalPaymentDeadlinePassed',
  data: { ...term, invoiceId, terminationDate: '2027-03-30', passedAt: '2027-03-07T00:00:00.000Z' },
};
const graceEnded: RenewalTermEvent = { type: 'RenewalGracePeriodEnded', data: { ...term, invoiceId, endedAt: '2027-03-30T00:00:00.000Z' } };
const succeeded: RenewalTermEvent = {
  type: 'RenewalSucceeded',
  data: { ...key, invoiceId, newExpirationDate: '2027-03-31', succeededAt: '2027-02-21T00:00:03.000Z' },
};
const expired: RenewalTermEvent = { type: 'RenewalTermExpired', data: { ...term, reason: 'deleteAtExpiration', expiredAt: '2027-02-28T00:00:00.000Z' } };
const cancelled: RenewalTermEvent = { type: 'RenewalTermCancelled', data: { ...term, reason: 'serviceTerminated', cancelledAt: '2027-02-10T00:00:00.000Z' } };

const payment = { type: 'RecordRenewalPayment', data: { invoiceId, newExpirationDate: '2027-03-31', succeededAt: '2027-02-21T00:00:03.000Z' } } as const;
const failure = (attempt: number, retryable = true) =>
  ({
    type: 'RecordRenewalPaymentFailure',
    data: { invoiceId, attempt, reason: 'declined', retryable, failedOn: '2027-02-21', failedAt: '2027-02-21T00:00:02.000Z', dunningRetryDays },
  }) as const;

const given = DeciderSpecification.for(renewalTermDecider).given;

describe('RenewalTerm', () => {
  describe('scheduled (nothing happened yet)', () => {
    it('sends a reminder', () => given([]).when({ type: 'SendRenewalReminder', data: reminder(40) }).then([reminded40]));
    it('requests the renewal invoice', () => given([]).when({ type: 'RequestRenewalInvoice', data: request() }).then([requested]));
    it('ends unrenewed at expiration', () =>
      given([]).when({ type: 'ExpireUnrenewedTerm', data: { ...term, reason: 'deleteAtExpiration', expiredAt: '2027-02-28T00:00:00.000Z' } }).then([expired]));
    it('records no payment for an invoice it never requested', () => given([]).when(payment).thenNothingHappened());
    it('does not lapse without an invoice', () => given([]).when({ type: 'LapseRenewal', data: { suspensionDate: 'x', terminationDate: 'y', lapsedAt: 'z' } }).thenNothingHappened());
  });

  describe('reminded', () => {
    it('sends each reminder once', () => given([reminded40]).when({ type: 'SendRenewalReminder', data: reminder(40) }).thenNothingHappened());
    it('sends the other reminder', () =>
      given([reminded40]).when({ type: 'SendRenewalReminder', data: reminder(15) }).then([{ type: 'RenewalReminderSent', data: reminder(15) }]));
    it('requests the invoice', () => given([reminded40]).when({ type: 'RequestRenewalInvoice', data: request() }).then([requested]));
  });

  describe('invoiceRequested', () => {
    it('never requests a second invoice for the term', () => given([requested]).when({ type: 'RequestRenewalInvoice', data: request() }).thenNothingHappened());
    it('still sends the 15-day reminder when billed earlier', () =>
      given([requested]).when({ type: 'SendRenewalReminder', data: reminder(15) }).then([{ type: 'RenewalReminderSent', data: reminder(15) }]));
    it('records the issued invoice once', () => {
      given([requested]).when({ type: 'RecordRenewalInvoiceIssued', data: { invoiceId, issuedAt: '2027-02-21T00:00:01.000Z' } }).then([issued]);
      given([requested, issued]).when({ type: 'RecordRenewalInvoiceIssued', data: { invoiceId, issuedAt: '2027-02-21T00:00:01.000Z' } }).thenNothingHappened();
    });
    it('is renewed when paid', () => given([requested, issued]).when(payment).then([succeeded]));
    it('schedules the first retry one day after a failed automatic charge', () =>
      given([requested, issued]).when(failure(1)).then([failed(1, { attempt: 2, retryOn: '2027-02-22' })]));
    it('ignores a failure reported twice', () => given([requested, failed(1, { attempt: 2, retryOn: '2027-02-22' })]).when(failure(1)).thenNothingHappened());
    it('does not retry a failure only the customer can fix', () => given([requested]).when(failure(1, false)).then([{ ...failed(1), data: { ...failed(1).data, retryable: false } } as RenewalTermEvent]));
    it('does not charge a manual renewal again', () =>
      given([{ type: 'RenewalInvoiceRequested', data: request(false) }]).when(failure(1)).then([failed(1)]));
    it('asks invoicing for the retry when it is due, once', () => {
      const afterFailure = [requested, failed(1, { attempt: 2, retryOn: '2027-02-22' })];
      const retry: RenewalTermEvent = {
        type: 'RenewalPaymentRetryScheduled',
        data: { ...key, invoiceId, failedAttempt: 1, failureReason: 'declined', nextAttempt: 2, retryOn: '2027-02-22', scheduledAt: '2027-02-22T00:00:00.000Z' },
      };
      given(afterFailure).when({ type: 'AskForPaymentRetry', data: { attempt: 2, scheduledAt: '2027-02-22T00:00:00.000Z' } }).then([retry]);
      given([...afterFailure, retry]).when({ type: 'AskForPaymentRetry', data: { attempt: 2, scheduledAt: '2027-02-22T00:00:00.000Z' } }).thenNothingHappened();
    });
    it('lapses at expiration unpaid, with the suspension and termination dates', () =>
      given([requested, issued])
        .when({ type: 'LapseRenewal', data: { suspensionDate: '2027-03-07', terminationDate: '2027-03-30', lapsedAt: '2027-02-28T00:00:00.000Z' } })
        .then([lapsed]));
    it('ends unrenewed when the customer stopped it after it was invoiced', () =>
      given([requested, issued])
        .when({ type: 'ExpireUnrenewedTerm', data: { ...term, reason: 'terminationRequested', expiredAt: '2027-02-28T00:00:00.000Z' } })
        .then([{ type: 'RenewalTermExpired', data: { ...term, reason: 'terminationRequested', invoiceId, expiredAt: '2027-02-28T00:00:00.000Z' } }]));
    it('is cancelled with its invoice when the service is terminated before its expiration', () =>
      given([requested, issued, failed(1, { attempt: 2, retryOn: '2027-02-22' })])
        .when({ type: 'CancelRenewalTerm', data: { ...term, reason: 'serviceTerminated', cancelledAt: '2027-02-23T00:00:00.000Z' } })
        .then([{ type: 'RenewalTermCancelled', data: { ...term, reason: 'serviceTerminated', invoiceId, cancelledAt: '2027-02-23T00:00:00.000Z' } }]));
    it('is cancelled without invoice when none was issued yet', () =>
      given([requested])
        .when({ type: 'CancelRenewalTerm', data: { ...term, reason: 'serviceTerminated', cancelledAt: '2027-02-23T00:00:00.000Z' } })
        .then([{ type: 'RenewalTermCancelled', data: { ...term, reason: 'serviceTerminated', cancelledAt: '2027-02-23T00:00:00.000Z' } }]));
  });

  describe('lapsed', () => {
    const history = [requested, issued, lapsed];
    it('passes the payment deadline (suspension)', () =>
      given(history).when({ type: 'PassPaymentDeadline', data: { terminationDate: '2027-03-30', passedAt: '2027-03-07T00:00:00.000Z' } }).then([deadlinePassed]));
    it('is renewed by a late payment, on its original dates', () => given(history).when(payment).then([succeeded]));
    it('keeps its invoice due when the service is terminated after its expiration', () =>
      given(history)
        .when({ type: 'CancelRenewalTerm', data: { ...term, reason: 'serviceTerminated', cancelledAt: '2027-03-02T00:00:00.000Z' } })
        .then([{ type: 'RenewalTermCancelled', data: { ...term, reason: 'serviceTerminated', cancelledAt: '2027-03-02T00:00:00.000Z' } }]));
    it('does not lapse twice', () =>
      given(history).when({ type: 'LapseRenewal', data: { suspensionDate: '2027-03-07', terminationDate: '2027-03-30', lapsedAt: 'x' } }).thenNothingHappened());
  });

  describe('suspended', () => {
    const history = [requested, issued, lapsed, deadlinePassed];
    it('ends the grace period (termination)', () => given(history).when({ type: 'EndGracePeriod', data: { endedAt: '2027-03-30T00:00:00.000Z' } }).then([graceEnded]));
    it('is renewed by a late payment', () => given(history).when(payment).then([succeeded]));
  });

  describe('renewed', () => {
    const history = [requested, issued, succeeded];
    it('records a second payment notice as nothing', () => given(history).when(payment).thenNothingHappened());
    it('does not lapse', () =>
      given(history).when({ type: 'LapseRenewal', data: { suspensionDate: 'x', terminationDate: 'y', lapsedAt: 'z' } }).thenNothingHappened());
    it('sends no more reminders', () => given(history).when({ type: 'SendRenewalReminder', data: reminder(15) }).thenNothingHappened());
  });

  describe('terminated', () => {
    it('cannot be renewed by a payment after termination', () => given([requested, issued, lapsed, deadlinePassed, graceEnded]).when(payment).thenNothingHappened());
  });

  describe('expired', () => {
    it('requests nothing', () => given([expired]).when({ type: 'RequestRenewalInvoice', data: request() }).thenNothingHappened());
  });

  describe('cancelled', () => {
    it('takes no further step', () => {
      given([cancelled]).when({ type: 'RequestRenewalInvoice', data: request() }).thenNothingHappened();
      given([cancelled]).when({ type: 'CancelRenewalTerm', data: { ...term, reason: 'serviceTerminated', cancelledAt: 'x' } }).thenNothingHappened();
    });
  });
});

describe('the dunning schedule', () => {
  it('retries +1, +3, +7 days after the first failure, then stops', () => {
    expect(dunningRetryAfter(1, '2027-02-21', dunningRetryDays)).toEqual({ attempt: 2, retryOn: '2027-02-22' });
    expect(dunningRetryAfter(2, '2027-02-21', dunningRetryDays)).toEqual({ attempt: 3, retryOn: '2027-02-24' });
    expect(dunningRetryAfter(3, '2027-02-21', dunningRetryDays)).toEqual({ attempt: 4, retryOn: '2027-02-28' });
    expect(dunningRetryAfter(4, '2027-02-21', dunningRetryDays)).toBeUndefined();
  });
});
