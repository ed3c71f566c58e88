// What renewal reports, played by this suite on billing.renewals.v1, moves the services: paid
// terms extend them on their anchor, unpaid ones take them to unpaid, rupture and termination,
// and a late payment reopens them on their original anchor. The account's renew day moves the
// next billing date.
import { randomUUID } from 'node:crypto';
import { waitUntil } from '@billing/testing';
import { Temporal } from 'temporal-polyfill';
import { orderDelivered, orderItem, renewal, SubscriptionServiceUnderTest, uniqueCustomer } from './subscription-service';

const start = Temporal.Instant.from('2027-01-31T10:00:00Z');

describe('renewal outcomes', () => {
  let service: SubscriptionServiceUnderTest;

  beforeAll(async () => {
    service = await SubscriptionServiceUnderTest.start('renewals', start);
  });

  afterAll(async () => {
    await service?.close();
  });

  /** A monthly service delivered on Jan 31 (Paris): it expires on Feb 28. */
  async function monthlyService(name: string) {
    const customerId = uniqueCustomer(name);
    await service.publishOrders(orderDelivered(customerId, [orderItem('web-hosting-pro', 'web', 'P1M', 799)], '2027-01-31T10:00:00Z'));
    await waitUntil(() => service.servicesTopic.ofCustomer(customerId).length > 0, { timeoutMs: 20_000, description: `the service of ${customerId}` });
    const serviceId = service.servicesTopic.ofCustomer(customerId)[0].data.serviceId;
    return { customerId, serviceId };
  }

  it('13 paid terms from Jan 31 end on Feb 28, Mar 31, Apr 30 … Feb 29 2028, Mar 31 2028: always from the anchor; a repeated payment extends nothing', async () => {
    const { customerId, serviceId } = await monthlyService('loyal');
    const expected = ['2027-03-31', '2027-04-30', '2027-05-31', '2027-06-30', '2027-07-31', '2027-08-31', '2027-09-30', '2027-10-31', '2027-11-30', '2027-12-31', '2028-01-31', '2028-02-29', '2028-03-31'];
    const terms = expected.map(() => randomUUID());
    let expiration = '2027-02-28';
    const payments = expected.map((newExpirationDate, index) => {
      const payment = renewal.succeeded(customerId, serviceId, newExpirationDate, Temporal.PlainDate.from(expiration).toZonedDateTime('Europe/Paris').toInstant().subtract({ hours: 24 }).toString(), terms[index]);
      expiration = newExpirationDate;
      return payment;
    });
    // the 13 payments, one of them delivered twice
    await service.publishRenewals(...payments.slice(0, 7), { ...payments[6], eventId: randomUUID() }, ...payments.slice(7));

    const events = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', ...expected.map(() => 'ServiceExpirationExtended')]);
    expect(events.slice(1).map((event) => [(event.data as { previousExpirationDate: string }).previousExpirationDate, (event.data as { expirationDate: string }).expirationDate])).toEqual(
      expected.map((date, index) => [index === 0 ? '2027-02-28' : expected[index - 1], date]),
    );
    expect(events.slice(1).map((event) => (event.data as { renewalTermId: string }).renewalTermId)).toEqual(terms);
    const shown = await service.waitForService(customerId, serviceId, (view) => view.billing.expirationDate === '2028-03-31', 'to expire on Mar 31 2028');
    expect(shown).toMatchObject({ status: 'active', billing: { nextBillingDate: '2028-03-31', lifecycle: { state: 'active' } } });
    expect(await service.storedEventsOfCustomer(customerId)).toBe(14);
  });

  it('unpaid → rupture → paid late: active again, on its original anchor', async () => {
    const { customerId, serviceId } = await monthlyService('late-payer');
    const term = randomUUID();

    await service.publishRenewals(renewal.lapsed(customerId, serviceId, term, '2027-02-28', '2027-02-28T06:00:00Z'));
    await service.waitForService(customerId, serviceId, (view) => view.status === 'unpaid', 'to be unpaid');

    await service.publishRenewals(renewal.deadlinePassed(customerId, serviceId, term, '2027-02-28', '2027-03-07T06:00:00Z'));
    const suspended = await service.waitForService(customerId, serviceId, (view) => view.status === 'rupture', 'to be suspended');
    expect(suspended.billing.lifecycle.state).toBe('rupture');

    await service.publishRenewals(renewal.succeeded(customerId, serviceId, '2027-03-31', '2027-03-12T14:00:00Z', term));
    const [, unpaid, rupture, extended, reopened] = await service.servicesTopic.waitForTypes(serviceId, [
      'ServiceActivated',
      'ServiceMarkedUnpaid',
      'ServiceSuspended',
      'ServiceExpirationExtended',
      'ServiceReopened',
    ]);
    expect(unpaid.data).toMatchObject({ renewalTermId: term, expirationDate: '2027-02-28' });
    expect(rupture.data).toMatchObject({ reason: 'unpaidRenewal', renewalTermId: term });
    // restored on the anchor (Jan 31): Mar 31, not a month after the payment nor Mar 28
    expect(extended.data).toMatchObject({ previousExpirationDate: '2027-02-28', expirationDate: '2027-03-31' });
    expect(reopened.data).toMatchObject({ renewalTermId: term, expirationDate: '2027-03-31' });
    const restored = await service.waitForService(customerId, serviceId, (view) => view.status === 'active', 'to be active again');
    expect(restored.billing.expirationDate).toBe('2027-03-31');
  });

  it('the grace period ends unpaid: terminated, and terminated is final', async () => {
    const { customerId, serviceId } = await monthlyService('gone');
    const marker = await monthlyServiceFor(customerId);
    const term = randomUUID();
    await service.publishRenewals(
      renewal.lapsed(customerId, serviceId, term, '2027-02-28', '2027-02-28T06:00:00Z'),
      renewal.deadlinePassed(customerId, serviceId, term, '2027-02-28', '2027-03-07T06:00:00Z'),
      renewal.gracePeriodEnded(customerId, serviceId, term, '2027-02-28', '2027-03-30T06:00:00Z'),
      // too late: the payment after the termination changes nothing (its refund is invoicing's)
      renewal.succeeded(customerId, serviceId, '2027-03-31', '2027-03-31T06:00:00Z', term),
    );
    const [, , , terminated] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServiceMarkedUnpaid', 'ServiceSuspended', 'ServiceTerminated']);
    expect(terminated.data).toMatchObject({ reason: 'unpaidRenewal' });
    await renewalsHandledUpTo(customerId, marker);
    expect(service.servicesTopic.ofService(serviceId)).toHaveLength(4);

    const shown = await service.waitForService(customerId, serviceId, (view) => view.status === 'terminated', 'to be terminated');
    expect(shown.billing).toMatchObject({ nextBillingDate: null, renew: { possibleModes: [], possiblePeriods: [] }, lifecycle: { state: 'terminated', pendingActions: [] } });
    expect(await service.request('PUT', `/services/${serviceId}`, { customerId, body: { renew: { mode: 'manual' } } })).toMatchObject({ status: 409, body: { code: 'SERVICE_TERMINATED' } });
    expect(await service.request('POST', `/services/${serviceId}/changePlan/simulate`, { customerId, body: { planCode: 'web-hosting-performance' } })).toMatchObject({ status: 409, body: { code: 'SERVICE_TERMINATED' } });
  });

  it("the account's renew day moves the next billing date to the last renew day before the expiration", async () => {
    const { customerId, serviceId } = await monthlyService('grouped');
    expect((await service.waitForService(customerId, serviceId, () => true, 'to show')).billing.nextBillingDate).toBe('2027-02-28');
    await service.publishRenewals(renewal.autorenewSettingsChanged(customerId, 15, '2027-01-31T11:00:00Z'));
    const shown = await service.waitForService(customerId, serviceId, (view) => view.billing.nextBillingDate !== '2027-02-28', 'to be billed on the renew day');
    expect(shown.billing).toMatchObject({ expirationDate: '2027-02-28', nextBillingDate: '2027-02-15' });
  });

  it("a fact about another customer's service, or an unknown one, changes nothing", async () => {
    const { customerId, serviceId } = await monthlyService('target');
    const marker = await monthlyServiceFor(customerId);
    const intruder = uniqueCustomer('intruder');
    const intrusion = renewal.gracePeriodEnded(intruder, serviceId, randomUUID(), '2027-02-28', '2027-03-30T06:00:00Z');
    await service.publishRenewals(
      intrusion,
      renewal.succeeded(customerId, randomUUID(), '2027-03-31', '2027-02-27T06:00:00Z'),
      // someone else's term of this service, on the customer's own partition
      renewal.lapsed(customerId, serviceId, randomUUID(), '2027-01-31', '2027-01-31T06:00:00Z'),
    );
    await renewalsHandledUpTo(customerId, marker);
    // the intruder's event is on his own partition: wait until the reaction has seen it
    await waitUntil(async () => (await service.dataSource.query(`SELECT 1 FROM processed_events WHERE consumer = 'renewal-outcomes' AND event_id = $1`, [intrusion.eventId])).length > 0, {
      timeoutMs: 20_000,
      description: 'the intruder event handled',
    });
    expect(service.servicesTopic.ofService(serviceId).map((event) => event.type)).toEqual(['ServiceActivated']);
  });

  /**
   * Pays a term of the customer's marker service on the renewals topic and waits for it: the
   * renewal events published before it on the customer's partition have been handled by then.
   */
  async function renewalsHandledUpTo(customerId: string, markerServiceId: string): Promise<void> {
    const before = service.servicesTopic.ofService(markerServiceId).length;
    await service.publishRenewals(renewal.succeeded(customerId, markerServiceId, '2027-03-31', '2027-02-27T06:00:00Z'));
    await waitUntil(() => service.servicesTopic.ofService(markerServiceId).length > before, { timeoutMs: 20_000, description: 'the marker renewal' });
  }

  /** Delivers another service to the customer and returns its id once published. */
  async function monthlyServiceFor(customerId: string): Promise<string> {
    const before = service.servicesTopic.ofCustomer(customerId).filter((event) => event.type === 'ServiceActivated').length;
    await service.publishOrders(orderDelivered(customerId, [orderItem('web-hosting-starter', 'web', 'P1M', 349)], '2027-01-31T12:00:00Z'));
    await waitUntil(() => service.servicesTopic.ofCustomer(customerId).filter((event) => event.type === 'ServiceActivated').length > before, { timeoutMs: 20_000, description: 'the marker service' });
    return service.servicesTopic.ofCustomer(customerId).filter((event) => event.type === 'ServiceActivated')[before].data.serviceId;
  }
});
