// The life of a service as its customer drives it, with this suite playing order on
// billing.orders.v1: delivered orders become services; renew settings; termination confirmed by
// the e-mailed token; engagement; plan upgrade; the clock moving to expirations.
import { randomUUID } from 'node:crypto';
import { waitForValue, waitUntil } from '@billing/testing';
import { Temporal } from 'temporal-polyfill';
import { ServiceCommands } from '../src/commands/service-commands';
import { TerminationScheduler } from '../src/scheduling/termination-scheduler';
import { envelopeOf, orderDelivered, orderItem, SubscriptionServiceUnderTest, uniqueCustomer, type ServiceAnswer } from './subscription-service';

const start = Temporal.Instant.from('2027-01-31T10:00:00Z');

describe('the life of a service', () => {
  let service: SubscriptionServiceUnderTest;

  beforeAll(async () => {
    service = await SubscriptionServiceUnderTest.start('lifecycle', start);
  });

  afterAll(async () => {
    await service?.close();
  });

  const nowIso = () => service.clock.now().toString();

  /** Delivers one unit of a plan to a new customer and waits until the service shows. */
  async function deliveredService(name: string, planCode = 'web-hosting-pro', options: { price?: number; period?: 'P1M' | 'P1Y'; universe?: 'web' | 'dedicated'; deliveredAt?: string; engagementDuration?: string } = {}) {
    const customerId = uniqueCustomer(name);
    const delivery = orderDelivered(
      customerId,
      [orderItem(planCode, options.universe ?? 'web', options.period ?? 'P1M', options.price ?? 799, options.engagementDuration ? { engagementDuration: options.engagementDuration } : {})],
      options.deliveredAt ?? nowIso(),
    );
    await service.publishOrders(delivery);
    const [activated] = await waitForCustomerEvents(customerId, ['ServiceActivated']);
    const serviceId = activated.data.serviceId;
    const view = await service.waitForService(customerId, serviceId, () => true, 'to show');
    return { customerId, serviceId, view };
  }

  async function waitForCustomerEvents(customerId: string, types: string[]) {
    await waitFor(() => service.servicesTopic.ofCustomer(customerId).length >= types.length, `${types.join(', ')} of ${customerId}`);
    const events = service.servicesTopic.ofCustomer(customerId);
    expect(events.map((event) => event.type)).toEqual(types);
    return events;
  }

  async function waitFor(condition: () => boolean, description: string) {
    await waitUntil(condition, { timeoutMs: 20_000, description });
  }

  it('one service per delivered unit, anchored on the delivery date: Jan 31 + P1M is Feb 28; a repeated delivery creates nothing', async () => {
    const customerId = uniqueCustomer('buyer');
    const orderId = randomUUID();
    const hosting = orderItem('web-hosting-pro', 'web', 'P1M', 799, { quantity: 2 });
    const domain = orderItem('domain-com', 'web', 'P1Y', 1399);
    const delivery = orderDelivered(customerId, [hosting, domain], '2027-01-31T10:00:00Z', orderId);

    await service.publishOrders(delivery);
    const activated = await waitForCustomerEvents(customerId, ['ServiceActivated', 'ServiceActivated', 'ServiceActivated']);
    expect(activated.map((event) => event.key)).toEqual([customerId, customerId, customerId]);
    expect(activated.map((event) => event.data)).toEqual([
      expect.objectContaining({ orderId, itemId: hosting.itemId, planCode: 'web-hosting-pro', period: 'P1M', anchorDate: '2027-01-31', expirationDate: '2027-02-28', renewMode: 'automatic', price: { currency: 'EUR', value: 799 }, subsidiary: 'FR', universe: 'web' }),
      expect.objectContaining({ orderId, itemId: hosting.itemId, expirationDate: '2027-02-28' }),
      expect.objectContaining({ orderId, itemId: domain.itemId, planCode: 'domain-com', period: 'P1Y', anchorDate: '2027-01-31', expirationDate: '2028-01-31' }),
    ]);
    const serviceIds = activated.map((event) => event.data.serviceId);
    expect(new Set(serviceIds).size).toBe(3);

    const first = await service.waitForService(customerId, serviceIds[0], () => true, 'to show');
    expect(first).toEqual({
      serviceId: serviceIds[0],
      planCode: 'web-hosting-pro',
      universe: 'web',
      subsidiary: 'FR',
      status: 'active',
      billing: {
        expirationDate: '2027-02-28',
        nextBillingDate: '2027-02-28',
        renew: { mode: 'automatic', period: 'P1M', possibleModes: ['automatic', 'manual', 'deleteAtExpiration'], possiblePeriods: ['P1M', 'P1Y'] },
        lifecycle: { state: 'active', pendingActions: [] },
        engagement: null,
        price: { currency: 'EUR', value: 799 },
        contract: { legacy: false },
      },
    });

    // the same delivery again (another event id), then a leap-year delivery behind it on the
    // customer's partition: once that one is there, the repeat has been handled
    await service.publishOrders({ ...delivery, eventId: randomUUID() });
    const leapOrder = orderDelivered(customerId, [orderItem('web-hosting-pro', 'web', 'P1M', 799)], '2028-01-31T10:00:00Z');
    await service.publishOrders(leapOrder);
    const all = await waitForCustomerEvents(customerId, ['ServiceActivated', 'ServiceActivated', 'ServiceActivated', 'ServiceActivated']);
    expect(all[3].data).toMatchObject({ anchorDate: '2028-01-31', expirationDate: '2028-02-29' });
    expect(await service.storedEventsOfCustomer(customerId)).toBe(4);

    const list = await waitForValue(
      () => service.request<{ services: ServiceAnswer[] }>('GET', '/services', { customerId }),
      (answer) => answer.status === 200 && answer.body.services.length === 4,
      { timeoutMs: 20_000, description: 'the four services listed' },
    );
    expect(list.body.services.map((listed) => listed.serviceId)).toEqual(expect.arrayContaining(serviceIds));
  });

  it("another customer's service is not found, and nothing answers without a token", async () => {
    const { serviceId } = await deliveredService('owner');
    const intruder = uniqueCustomer('intruder');
    expect((await service.request('GET', `/services/${serviceId}`, { customerId: intruder })).status).toBe(404);
    expect(await service.request('PUT', `/services/${serviceId}`, { customerId: intruder, body: { renew: { mode: 'manual' } } })).toMatchObject({ status: 404, body: { code: 'SERVICE_NOT_FOUND' } });
    expect((await service.request('POST', `/services/${serviceId}/terminate`, { customerId: intruder })).status).toBe(404);
    expect((await service.request('GET', '/services', { customerId: intruder })).body).toEqual({ services: [] });
    expect((await service.request('GET', `/services/${serviceId}`)).status).toBe(401);
    expect((await service.request('GET', '/services')).status).toBe(401);
  });

  it('renews manually, on another period the plan allows; a period it does not allow is refused', async () => {
    const { customerId, serviceId } = await deliveredService('manual');

    const changed = await service.request<ServiceAnswer>('PUT', `/services/${serviceId}`, { customerId, body: { renew: { mode: 'manual', period: 'P1Y' } } });
    expect(changed.status).toBe(200);
    expect(changed.body.billing.renew).toMatchObject({ mode: 'manual', period: 'P1Y' });
    expect(changed.body.billing.price).toEqual({ currency: 'EUR', value: 8199 });
    const [, modeChanged, periodChanged] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServiceRenewModeChanged', 'ServiceRenewPeriodChanged']);
    expect(modeChanged.data).toMatchObject({ renewMode: 'manual', previousRenewMode: 'automatic' });
    expect(periodChanged.data).toMatchObject({ period: 'P1Y', previousPeriod: 'P1M', price: { currency: 'EUR', value: 8199 } });

    expect(await service.request('PUT', `/services/${serviceId}`, { customerId, body: { renew: { period: 'P3M' } } })).toMatchObject({ status: 422, body: { code: 'PERIOD_NOT_ALLOWED' } });
    expect(await service.request('PUT', `/services/${serviceId}`, { customerId, body: { renew: { mode: 'weekly' } } })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const shown = await service.waitForService(customerId, serviceId, (view) => view.billing.renew.mode === 'manual', 'to renew manually');
    expect(shown.billing.renew.period).toBe('P1Y');
  });

  it('terminates with the token of the notification: at the expiration by default, cancelled, then immediately; terminated is final', async () => {
    const { customerId, serviceId, view } = await deliveredService('leaver');

    const requested = await service.request('POST', `/services/${serviceId}/terminate`, { customerId });
    expect(requested.status).toBe(202);
    const [, notification] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServiceTerminationRequested']);
    const { token } = notification.data as { token: string };
    expect(token.length).toBeGreaterThanOrEqual(16);
    // the token is in the notification only: not in the answer, not in the store
    expect(JSON.stringify(requested.body)).not.toContain(token);
    expect(requested.body).toEqual({ serviceId, tokenExpiresAt: expect.any(String) });
    const [{ count }] = await service.dataSource.query(`SELECT count(*)::int AS count FROM event_store.events WHERE data::text LIKE $1`, [`%${token}%`]);
    expect(count).toBe(0);

    const confirm = (body: Record<string, unknown>) => service.request<ServiceAnswer>('POST', `/services/${serviceId}/confirmTermination`, { customerId, body: { reason: 'TOO_EXPENSIVE', ...body } });
    expect(await confirm({ token: 'x'.repeat(43) })).toMatchObject({ status: 422, body: { code: 'INVALID_TERMINATION_TOKEN' } });
    expect(await confirm({ token, reason: 'BORED' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

    const confirmed = await confirm({ token, futureUse: 'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR', commentary: 'cheaper elsewhere' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'active', billing: { lifecycle: { state: 'active', pendingActions: ['terminateAtExpirationDate'] }, nextBillingDate: null } });
    expect(await confirm({ token })).toMatchObject({ status: 422, body: { code: 'INVALID_TERMINATION_TOKEN' } });

    const cancelled = await service.request<ServiceAnswer>('POST', `/services/${serviceId}/cancelTermination`, { customerId });
    expect(cancelled).toMatchObject({ status: 200, body: { billing: { lifecycle: { pendingActions: [] } } } });
    expect(await service.request('POST', `/services/${serviceId}/cancelTermination`, { customerId })).toMatchObject({ status: 409, body: { code: 'NO_PENDING_TERMINATION' } });

    await service.request('POST', `/services/${serviceId}/terminate`, { customerId });
    const events = await service.servicesTopic.waitForTypes(serviceId, [
      'ServiceActivated',
      'ServiceTerminationRequested',
      'ServiceTerminationConfirmed',
      'ServiceTerminationCancelled',
      'ServiceTerminationRequested',
    ]);
    expect(events[2].data).toMatchObject({ reason: 'TOO_EXPENSIVE', futureUse: 'SUBSCRIBE_SIMILAR_SERVICE_WITH_COMPETITOR', commentary: 'cheaper elsewhere', effective: 'atExpiration', effectiveDate: view.billing.expirationDate });
    const secondToken = (events[4].data as { token: string }).token;
    expect(secondToken).not.toBe(token);

    const immediate = await confirm({ token: secondToken, reason: 'NOT_NEEDED_ANYMORE', immediate: true });
    expect(immediate).toMatchObject({ status: 200, body: { status: 'terminated', billing: { lifecycle: { state: 'terminated', pendingActions: [] }, nextBillingDate: null } } });
    const [, , , , , confirmedNow, terminated] = await service.servicesTopic.waitForTypes(serviceId, [
      'ServiceActivated',
      'ServiceTerminationRequested',
      'ServiceTerminationConfirmed',
      'ServiceTerminationCancelled',
      'ServiceTerminationRequested',
      'ServiceTerminationConfirmed',
      'ServiceTerminated',
    ]);
    expect(confirmedNow.data).toMatchObject({ effective: 'immediately', reason: 'NOT_NEEDED_ANYMORE' });
    expect(terminated.data).toMatchObject({ serviceId, customerId, reason: 'customerRequest' });

    await service.waitForService(customerId, serviceId, (shown) => shown.status === 'terminated', 'to be terminated');
    expect(await service.request('PUT', `/services/${serviceId}`, { customerId, body: { renew: { mode: 'automatic' } } })).toMatchObject({ status: 409, body: { code: 'SERVICE_TERMINATED' } });
    expect(await service.request('POST', `/services/${serviceId}/terminate`, { customerId })).toMatchObject({ status: 409, body: { code: 'SERVICE_TERMINATED' } });
  });

  it('an engaged service refuses a termination before its engagement ends, and schedules it at the engagement date when asked', async () => {
    const { customerId, serviceId, view } = await deliveredService('engaged', 'dedicated-advance-2', { universe: 'dedicated', price: 12999, engagementDuration: 'P12M' });
    expect(view.billing.engagement).toEqual({ engagedUpTo: '2028-01-31', endRule: 'refuseEarlyTermination' });

    expect(await service.request('POST', `/services/${serviceId}/terminate`, { customerId })).toMatchObject({ status: 422, body: { code: 'ENGAGEMENT_NOT_OVER', engagedUpTo: '2028-01-31' } });
    expect((await service.request('POST', `/services/${serviceId}/terminate`, { customerId, body: { terminateAtEngagementDate: true } })).status).toBe(202);
    const [, notification] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServiceTerminationRequested']);

    const confirmed = await service.request<ServiceAnswer>('POST', `/services/${serviceId}/confirmTermination`, {
      customerId,
      body: { token: (notification.data as { token: string }).token, reason: 'MIGRATED_TO_COMPETITOR' },
    });
    expect(confirmed).toMatchObject({ status: 200, body: { billing: { lifecycle: { pendingActions: ['terminateAtEngagementDate'] } } } });
    const [, , scheduled] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServiceTerminationRequested', 'ServiceTerminationConfirmed']);
    expect(scheduled.data).toMatchObject({ effective: 'atEngagementEnd', effectiveDate: '2028-01-31' });
  });

  it('upgrades mid-term: the simulation shows the credit and the charge the change then carries', async () => {
    // delivered 14 days ago: Jan 17 → Feb 17, 31 days, 17 of them left today (Jan 31)
    const deliveredAt = service.clock.now().subtract({ hours: 14 * 24 }).toString();
    const { customerId, serviceId } = await deliveredService('upgrader', 'web-hosting-pro', { deliveredAt });

    const simulated = await service.request('POST', `/services/${serviceId}/changePlan/simulate`, { customerId, body: { planCode: 'web-hosting-performance' } });
    expect(simulated).toMatchObject({
      status: 200,
      body: {
        previousPlanCode: 'web-hosting-pro',
        planCode: 'web-hosting-performance',
        termStartDate: '2027-01-17',
        effectiveDate: '2027-01-31',
        expirationDate: '2027-02-17',
        remainingDays: 17,
        daysInTerm: 31,
        credit: { currency: 'EUR', value: -438 },
        charge: { currency: 'EUR', value: 877 },
        total: { currency: 'EUR', value: 439 },
      },
    });
    expect(await service.request('POST', `/services/${serviceId}/changePlan/simulate`, { customerId, body: { planCode: 'web-hosting-starter' } })).toMatchObject({ status: 422, body: { code: 'PLAN_CHANGE_NOT_ALLOWED' } });
    expect(await service.request('POST', `/services/${serviceId}/changePlan/simulate`, { customerId, body: { planCode: 'no-such-plan' } })).toMatchObject({ status: 422, body: { code: 'UNKNOWN_PLAN' } });

    const changed = await service.request<Record<string, unknown>>('POST', `/services/${serviceId}/changePlan`, { customerId, body: { planCode: 'web-hosting-performance' } });
    expect(changed.status).toBe(200);
    const { planChangeId, ...amounts } = changed.body;
    expect(amounts).toEqual(simulated.body);

    const [, planChanged] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServicePlanChanged']);
    expect(planChanged.data).toEqual({
      serviceId,
      customerId,
      planChangeId,
      universe: 'web',
      previousPlanCode: 'web-hosting-pro',
      planCode: 'web-hosting-performance',
      previousPrice: { currency: 'EUR', value: 799 },
      price: { currency: 'EUR', value: 1599 },
      termStartDate: '2027-01-17',
      effectiveDate: '2027-01-31',
      expirationDate: '2027-02-17',
      // what invoicing bills: the subsidiary, and the one invoice's two lines
      subsidiary: 'FR',
      unusedOldPlanCredit: { currency: 'EUR', value: -438 },
      newPlanCharge: { currency: 'EUR', value: 877 },
      changedAt: expect.any(String),
    });
    await service.waitForService(customerId, serviceId, (shown) => shown.planCode === 'web-hosting-performance' && shown.billing.price.value === 1599, 'on the new plan');
  });

  it('an EU withdrawal ends at once every service delivered from the withdrawn items', async () => {
    const customerId = uniqueCustomer('withdrawer');
    const withdrawn = orderItem('web-hosting-pro', 'web', 'P1M', 799, { quantity: 2 });
    const kept = orderItem('domain-com', 'web', 'P1Y', 1399);
    const delivery = orderDelivered(customerId, [withdrawn, kept], nowIso());
    await service.publishOrders(delivery);
    const activated = await waitForCustomerEvents(customerId, ['ServiceActivated', 'ServiceActivated', 'ServiceActivated']);

    const { orderId } = delivery.data as { orderId: string };
    await service.publishOrders(
      envelopeOf('OrderWithdrawn', { orderId, customerId, invoiceId: randomUUID(), itemIds: [withdrawn.itemId], refundAmount: { currency: 'EUR', value: 1918 }, withdrawnAt: nowIso() }),
    );
    const events = await waitForCustomerEvents(customerId, ['ServiceActivated', 'ServiceActivated', 'ServiceActivated', 'ServiceTerminated', 'ServiceTerminated']);
    expect(events.slice(3).map((event) => [event.data.serviceId, (event.data as { reason: string }).reason])).toEqual([
      [activated[0].data.serviceId, 'withdrawal'],
      [activated[1].data.serviceId, 'withdrawal'],
    ]);
    await service.waitForService(customerId, activated[2].data.serviceId, (shown) => shown.status === 'active', 'the domain still active');
  });

  it('a termination token expires after 48 hours by the clock', async () => {
    const { customerId, serviceId } = await deliveredService('slow');
    await service.request('POST', `/services/${serviceId}/terminate`, { customerId });
    const [, notification] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServiceTerminationRequested']);

    const moved = await service.request('POST', '/operator/clock', { customerId: 'operator-1', roles: ['operator'], body: { advance: 'PT49H' } });
    expect(moved.status).toBe(200);
    expect(await service.request('POST', `/services/${serviceId}/confirmTermination`, { customerId, body: { token: (notification.data as { token: string }).token, reason: 'OTHER' } })).toMatchObject({
      status: 422,
      body: { code: 'INVALID_TERMINATION_TOKEN' },
    });
  });

  it('deleteAtExpiration: the service terminates when its expiration date comes (subsidiary calendar)', async () => {
    const { customerId, serviceId, view } = await deliveredService('deleter');
    const updated = await service.request<ServiceAnswer>('PUT', `/services/${serviceId}`, { customerId, body: { renew: { mode: 'deleteAtExpiration' } } });
    expect(updated.body.billing).toMatchObject({ renew: { mode: 'deleteAtExpiration' }, lifecycle: { pendingActions: ['terminateAtExpirationDate'] }, nextBillingDate: null });
    await service.waitForService(customerId, serviceId, (shown) => shown.billing.renew.mode === 'deleteAtExpiration', 'to be deleted at expiration');

    // the evening before, in Paris: not yet
    const expiration = Temporal.PlainDate.from(view.billing.expirationDate);
    const midnightInParis = expiration.toZonedDateTime({ timeZone: 'Europe/Paris' }).toInstant();
    await service.request('POST', '/operator/clock', { customerId: 'operator-1', roles: ['operator'], body: { set: midnightInParis.subtract({ minutes: 5 }).toString() } });
    await service.app.get(TerminationScheduler).runOnce();
    expect((await service.app.get(ServiceCommands).load(serviceId)).status).toBe('active');

    await service.request('POST', '/operator/clock', { customerId: 'operator-1', roles: ['operator'], body: { set: midnightInParis.add({ seconds: 1 }).toString() } });
    const [, , terminated] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServiceRenewModeChanged', 'ServiceTerminated']);
    expect(terminated.data).toMatchObject({ reason: 'deleteAtExpiration' });
    expect(Temporal.Instant.compare(Temporal.Instant.from((terminated.data as { terminatedAt: string }).terminatedAt), midnightInParis)).toBeGreaterThanOrEqual(0);
    await service.waitForService(customerId, serviceId, (shown) => shown.status === 'terminated', 'to be terminated');
  });
});
