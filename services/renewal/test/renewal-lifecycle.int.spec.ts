// One term's life, with this suite playing subscription and invoicing: reminders with the wording
// of the renew mode, services that are not renewed, the renew day, and dunning — retries, lapse,
// suspension, termination, or a late payment that renews on the original anchor; a term invoiced
// and then stopped before its expiration, whose invoice line is no longer owed (RenewalCancelled).
import { randomUUID } from 'node:crypto';
import { moveClock, RenewalServiceUnderTest, subscription, invoicing, uniqueCustomer } from './renewal-service';

describe('the life of a renewal term', () => {
  let service: RenewalServiceUnderTest;

  beforeAll(async () => {
    service = await RenewalServiceUnderTest.start('lifecycle');
  });

  afterAll(async () => {
    await service?.close();
  });

  it('reminds 40 and 15 days before expiration with the wording of the mode, and renews only what renews', async () => {
    const customerId = uniqueCustomer('modes');
    await moveClock(service, '2029-01-15T10:00:00Z');
    const spec = { customerId, anchorDate: '2029-01-15', expirationDate: '2030-01-15' };
    const automatic = subscription.activated({ ...spec, renewMode: 'automatic' });
    const manual = subscription.activated({ ...spec, renewMode: 'manual' });
    const deleted = subscription.activated({ ...spec, renewMode: 'deleteAtExpiration' });
    const terminating = subscription.activated({ ...spec, renewMode: 'automatic' });
    await service.publishServices(automatic.event, manual.event, deleted.event, terminating.event, subscription.terminationConfirmed(terminating.service, '2030-01-15'));
    await service.waitForTerm(customerId, terminating.service.serviceId, '2030-01-15', (term) => term.invoiceOn === null);
    const ids = (...services: { service: { serviceId: string } }[]) => services.map(({ service: { serviceId } }) => serviceId);
    const of = (serviceIds: string[]) => (event: { data: { serviceId: string } }) => serviceIds.includes(event.data.serviceId);

    await moveClock(service, '2029-12-06T08:00:00Z');
    const at40 = await service.renewals.waitFor('RenewalReminderSent', of(ids(automatic, manual)), 2);
    expect(at40.map(({ data }) => [data.serviceId, data.daysBeforeExpiration, data.renewMode, data.wordingKey]).sort()).toEqual(
      [
        [automatic.service.serviceId, 40, 'automatic', 'renewal.reminder.automatic'],
        [manual.service.serviceId, 40, 'manual', 'renewal.reminder.manual'],
      ].sort(),
    );
    expect(at40[0].data).toMatchObject({ expirationDate: '2030-01-15', amount: { currency: 'EUR', value: 8199 }, priceChanged: false, planCode: 'web-hosting-pro', period: 'P1Y' });

    await moveClock(service, '2029-12-31T08:00:00Z');
    const at15 = await service.renewals.waitFor('RenewalReminderSent', (event) => of(ids(automatic, manual))(event) && event.data.daysBeforeExpiration === 15, 2);
    expect(at15.map(({ data }) => data.wordingKey).sort()).toEqual(['renewal.reminder.automatic', 'renewal.reminder.manual']);

    await moveClock(service, '2030-01-08T08:00:00Z');
    const requests = await service.renewals.waitFor('RenewalInvoiceRequested', of(ids(automatic, manual)), 2);
    const autoPay = Object.fromEntries(requests.map(({ data }) => [data.serviceId, data.autoPay]));
    expect(autoPay).toEqual({ [automatic.service.serviceId]: true, [manual.service.serviceId]: false });
    expect(requests[0].data).toMatchObject({ termStartDate: '2030-01-15', termEndDate: '2031-01-15', billingDate: '2030-01-08', subsidiary: 'FR', universe: 'web' });

    // at expiration, the services that do not renew end: the fact subscription terminates them on
    await moveClock(service, '2030-01-15T08:00:00Z');
    const ended = await service.renewals.waitFor('RenewalGracePeriodEnded', of(ids(deleted, terminating)), 2);
    for (const { data } of ended) {
      expect(data).toMatchObject({ customerId, expirationDate: '2030-01-15' });
      expect(data.invoiceId).toBeUndefined();
    }
    const notRenewed = service.events(ids(deleted, terminating));
    expect(notRenewed.map((event) => event.type)).toEqual(['RenewalGracePeriodEnded', 'RenewalGracePeriodEnded']);
  });

  it('requests the invoice on the account renew day once it is set, and publishes the change once', async () => {
    const customerId = uniqueCustomer('renew-day');
    await moveClock(service, '2031-01-20T10:00:00Z');
    const { event, service: hosting } = subscription.activated({ customerId, anchorDate: '2030-06-20', expirationDate: '2031-06-20' });
    await service.publishServices(event);
    await service.waitForTerm(customerId, hosting.serviceId, '2031-06-20', (term) => term.invoiceOn === '2031-06-13');

    expect((await service.request('GET', '/me/autorenew', { customerId })).body).toEqual({ active: false, renewDay: null });
    expect((await service.request('PUT', '/me/autorenew', { customerId, body: { active: true, renewDay: 31 } })).status).toBe(400);
    const put = await service.request('PUT', '/me/autorenew', { customerId, body: { active: true, renewDay: 5 } });
    expect(put).toEqual({ status: 200, body: { active: true, renewDay: 5 } });
    await service.request('PUT', '/me/autorenew', { customerId, body: { active: true, renewDay: 5 } });
    expect((await service.request('GET', '/me/autorenew', { customerId })).body).toEqual({ active: true, renewDay: 5 });
    const [changed] = await service.renewals.waitFor('AutorenewSettingsChanged', (candidate) => candidate.data.customerId === customerId);
    expect(changed.data).toMatchObject({ customerId, active: true, renewDay: 5 });

    await service.waitForTerm(customerId, hosting.serviceId, '2031-06-20', (term) => term.invoiceOn === '2031-06-05');
    await moveClock(service, '2031-06-05T08:00:00Z');
    const [requested] = await service.renewals.waitFor('RenewalInvoiceRequested', (candidate) => candidate.data.serviceId === hosting.serviceId);
    expect(requested.data.billingDate).toBe('2031-06-05');
    expect(service.renewals.of('AutorenewSettingsChanged', (candidate) => candidate.data.customerId === customerId)).toHaveLength(1);
  });

  it('declined card: retries +1, +3, +7 days, then lapses at expiration, is suspended 7 days later and terminated after the grace period', async () => {
    const customerId = uniqueCustomer('declined');
    await moveClock(service, '2027-03-10T10:00:00Z');
    const { event, service: hosting } = subscription.activated({ customerId, anchorDate: '2027-03-10', expirationDate: '2028-03-10' });
    await service.publishServices(event);
    await service.waitForTerm(customerId, hosting.serviceId, '2028-03-10');

    await moveClock(service, '2028-03-03T08:00:00Z');
    const [{ data: request }] = await service.renewals.waitFor('RenewalInvoiceRequested', (candidate) => candidate.data.serviceId === hosting.serviceId);
    const invoiceId = randomUUID();
    await service.publishInvoicing(invoicing.issued(request, invoiceId), invoicing.paymentFailed(request, invoiceId, 1, '2028-03-03T08:00:05Z'));

    const retries: [string, number, string][] = [
      ['2028-03-04', 2, '2028-03-04T08:00:05Z'],
      ['2028-03-06', 3, '2028-03-06T08:00:05Z'],
      ['2028-03-10', 4, '2028-03-10T08:00:05Z'],
    ];
    for (const [retryOn, attempt, failedAt] of retries) {
      await service.waitForTerm(customerId, hosting.serviceId, '2028-03-10', (term) => term.nextStep === 'paymentRetry');
      await moveClock(service, `${retryOn}T08:00:00Z`);
      const [retry] = await service.renewals.waitFor('RenewalPaymentRetryScheduled', (candidate) => candidate.data.serviceId === hosting.serviceId && candidate.data.nextAttempt === attempt);
      expect(retry.data).toMatchObject({ invoiceId, failedAttempt: attempt - 1, failureReason: 'declined', retryOn, renewalTermId: request.renewalTermId });
      await service.publishInvoicing(invoicing.paymentFailed(request, invoiceId, attempt, failedAt));
    }

    const [lapsed] = await service.renewals.waitFor('RenewalLapsed', (candidate) => candidate.data.serviceId === hosting.serviceId);
    expect(lapsed.data).toMatchObject({ invoiceId, expirationDate: '2028-03-10', suspensionDate: '2028-03-17', terminationDate: '2028-04-09' });
    await service.waitForTerm(customerId, hosting.serviceId, '2028-03-10', (term) => term.status === 'lapsed' && term.nextStep === 'paymentDeadline');

    await moveClock(service, '2028-03-17T08:00:00Z');
    const [suspended] = await service.renewals.waitFor('RenewalPaymentDeadlinePassed', (candidate) => candidate.data.serviceId === hosting.serviceId);
    expect(suspended.data).toMatchObject({ invoiceId, expirationDate: '2028-03-10', terminationDate: '2028-04-09' });

    await moveClock(service, '2028-04-09T08:00:00Z');
    const [terminated] = await service.renewals.waitFor('RenewalGracePeriodEnded', (candidate) => candidate.data.serviceId === hosting.serviceId);
    expect(terminated.data).toMatchObject({ invoiceId, expirationDate: '2028-03-10' });

    expect(service.events([hosting.serviceId]).map((published) => published.type)).toEqual([
      'RenewalReminderSent',
      'RenewalInvoiceRequested',
      'RenewalPaymentRetryScheduled',
      'RenewalPaymentRetryScheduled',
      'RenewalPaymentRetryScheduled',
      'RenewalLapsed',
      'RenewalPaymentDeadlinePassed',
      'RenewalGracePeriodEnded',
    ]);
  });

  it('a term invoiced and then stopped before its expiration is cancelled with its invoice and charged no more; past the expiration the invoice stays due', async () => {
    const customerId = uniqueCustomer('stopped');
    await moveClock(service, '2034-03-10T10:00:00Z');
    const base = { customerId, anchorDate: '2034-03-10', expirationDate: '2035-03-10', renewMode: 'manual' as const };
    const [deleted, terminated, lapsing, declining] = [
      subscription.activated(base),
      subscription.activated(base),
      subscription.activated(base),
      subscription.activated({ ...base, renewMode: 'automatic' }),
    ].map(({ event, service: activated }) => ({ event, activated }));
    const all = [deleted, terminated, lapsing, declining];
    await service.publishServices(...all.map(({ event }) => event));
    for (const { activated } of all) await service.waitForTerm(customerId, activated.serviceId, '2035-03-10');

    // each invoiced on its own 7 days before (three manual terms, one automatic)
    await moveClock(service, '2035-03-03T08:00:00Z');
    const invoiceIds = new Map<string, string>();
    for (const { activated } of all) {
      const [{ data: request }] = await service.renewals.waitFor('RenewalInvoiceRequested', (candidate) => candidate.data.serviceId === activated.serviceId);
      const invoiceId = randomUUID();
      invoiceIds.set(activated.serviceId, invoiceId);
      const failed = activated === declining.activated ? [invoicing.paymentFailed(request, invoiceId, 1, '2035-03-03T08:00:05Z')] : [];
      await service.publishInvoicing(invoicing.issued(request, invoiceId), ...failed);
      await service.waitForTerm(customerId, activated.serviceId, '2035-03-10', (term) => term.invoiceId === invoiceId && (failed.length === 0 || term.nextStep === 'paymentRetry'));
    }

    // one is set to end at its expiration, one is terminated at once; the automatic one, refused
    // once, is set to end at its expiration too (no more attempts); the fourth is left unpaid
    await service.publishServices(
      subscription.renewModeChanged(deleted.activated, 'deleteAtExpiration'),
      subscription.terminated(terminated.activated, '2035-03-05T10:00:00Z'),
      subscription.renewModeChanged(declining.activated, 'deleteAtExpiration'),
    );
    const [cancelledNow] = await service.renewals.waitFor('RenewalCancelled', (candidate) => candidate.data.serviceId === terminated.activated.serviceId);
    expect(cancelledNow.data).toMatchObject({ invoiceId: invoiceIds.get(terminated.activated.serviceId), expirationDate: '2035-03-10', reason: 'serviceTerminated' });
    await service.waitForTerm(customerId, declining.activated.serviceId, '2035-03-10', (term) => term.nextStep === 'expiration');

    // past the retry days (+1, +3, +7) to the expiration
    await moveClock(service, '2035-03-10T08:00:00Z');
    for (const { activated } of [deleted, declining]) {
      const [cancelledAtExpiration] = await service.renewals.waitFor('RenewalCancelled', (candidate) => candidate.data.serviceId === activated.serviceId);
      expect(cancelledAtExpiration.data).toMatchObject({ invoiceId: invoiceIds.get(activated.serviceId), expirationDate: '2035-03-10', reason: 'notRenewed' });
    }
    const [lapsed] = await service.renewals.waitFor('RenewalLapsed', (candidate) => candidate.data.serviceId === lapsing.activated.serviceId);
    expect(lapsed.data).toMatchObject({ invoiceId: invoiceIds.get(lapsing.activated.serviceId) });

    // terminated after its expiration, unpaid: nothing cancels its invoice
    await service.publishServices(subscription.terminated(lapsing.activated, '2035-03-12T10:00:00Z'));
    await service.waitForTerm(customerId, lapsing.activated.serviceId, '2035-03-10', (term) => term.status === 'cancelled');
    const typesOf = (serviceId: string) => service.events([serviceId]).map((published) => published.type).filter((type) => type !== 'RenewalReminderSent');
    for (const { activated } of [deleted, declining]) expect(typesOf(activated.serviceId)).toEqual(['RenewalInvoiceRequested', 'RenewalGracePeriodEnded', 'RenewalCancelled']);
    expect(typesOf(terminated.activated.serviceId)).toEqual(['RenewalInvoiceRequested', 'RenewalCancelled']);
    expect(typesOf(lapsing.activated.serviceId)).toEqual(['RenewalInvoiceRequested', 'RenewalLapsed']);
  });

  it('a late payment after suspension renews the service on its original anchor', async () => {
    const customerId = uniqueCustomer('late-payment');
    await moveClock(service, '2032-03-10T10:00:00Z');
    const { event, service: hosting } = subscription.activated({ customerId, anchorDate: '2032-03-10', expirationDate: '2033-03-10' });
    await service.publishServices(event);
    await service.waitForTerm(customerId, hosting.serviceId, '2033-03-10');

    await moveClock(service, '2033-03-03T08:00:00Z');
    const [{ data: request }] = await service.renewals.waitFor('RenewalInvoiceRequested', (candidate) => candidate.data.serviceId === hosting.serviceId);
    const invoiceId = randomUUID();
    // no payment method: only the customer can fix it, so no automatic retry
    await service.publishInvoicing(invoicing.issued(request, invoiceId), invoicing.paymentFailed(request, invoiceId, 1, '2033-03-03T08:00:05Z', false));
    await service.waitForTerm(customerId, hosting.serviceId, '2033-03-10', (term) => term.invoiceId === invoiceId && term.nextStep === 'lapse');

    await moveClock(service, '2033-03-18T08:00:00Z');
    await service.renewals.waitFor('RenewalPaymentDeadlinePassed', (candidate) => candidate.data.serviceId === hosting.serviceId);

    await service.publishInvoicing(invoicing.paid(request, invoiceId, '2033-03-20T15:00:00Z'));
    const [succeeded] = await service.renewals.waitFor('RenewalSucceeded', (candidate) => candidate.data.serviceId === hosting.serviceId);
    expect(succeeded.data).toMatchObject({ renewalTermId: request.renewalTermId, invoiceId, newExpirationDate: '2034-03-10' });
    const next = await service.waitForTerm(customerId, hosting.serviceId, '2034-03-10');
    expect(next).toMatchObject({ newExpirationDate: '2035-03-10', status: 'scheduled', invoiceOn: '2034-03-03' });

    // past the old termination date nothing more happens to the renewed term
    await moveClock(service, '2033-04-20T08:00:00Z');
    await service.waitForTerm(customerId, hosting.serviceId, '2034-03-10');
    expect(service.events([hosting.serviceId]).map((published) => published.type)).toEqual([
      'RenewalReminderSent',
      'RenewalInvoiceRequested',
      'RenewalLapsed',
      'RenewalPaymentDeadlinePassed',
      'RenewalSucceeded',
    ]);
  });
});
