// A customer never reaches another customer's service: every route that names a service answers
// 404 SERVICE_NOT_FOUND to anyone else (not 403: whether the id exists is not for him to know),
// and changes nothing, even with the owner's own termination token in hand.
import { waitUntil } from '@billing/testing';
import { Temporal } from 'temporal-polyfill';
import { orderDelivered, orderItem, SubscriptionServiceUnderTest, uniqueCustomer, type ServiceAnswer } from './subscription-service';

const start = Temporal.Instant.from('2027-03-15T10:00:00Z');

describe("another customer's service", () => {
  let service: SubscriptionServiceUnderTest;

  beforeAll(async () => {
    service = await SubscriptionServiceUnderTest.start('crosscustomer', start);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('is not found by any route, and nothing changes, even with the owner’s termination token', async () => {
    // given the owner's service, whose termination he asked for (the token is in the notification)
    const owner = uniqueCustomer('owner');
    await service.publishOrders(orderDelivered(owner, [orderItem('web-hosting-pro', 'web', 'P1M', 799)], start.toString()));
    await waitUntil(() => service.servicesTopic.ofCustomer(owner).some((event) => event.type === 'ServiceActivated'), { timeoutMs: 20_000, description: 'the owner’s service' });
    const serviceId = (service.servicesTopic.ofCustomer(owner)[0].data as { serviceId: string }).serviceId;
    await service.waitForService(owner, serviceId, () => true, 'to show');
    expect((await service.request('POST', `/services/${serviceId}/terminate`, { customerId: owner })).status).toBe(202);
    const [, notification] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceActivated', 'ServiceTerminationRequested']);
    const { token } = notification.data as { token: string };

    // when an intruder calls every route of it
    const intruder = uniqueCustomer('intruder');
    const table: Array<[method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown]> = [
      ['GET', `/services/${serviceId}`],
      ['PUT', `/services/${serviceId}`, { renew: { mode: 'manual' } }],
      ['POST', `/services/${serviceId}/terminate`, {}],
      ['POST', `/services/${serviceId}/confirmTermination`, { token, reason: 'TOO_EXPENSIVE', immediate: true }],
      ['POST', `/services/${serviceId}/cancelTermination`],
      ['POST', `/services/${serviceId}/acceptContract`],
      ['POST', `/services/${serviceId}/changePlan/simulate`, { planCode: 'web-hosting-performance' }],
      ['POST', `/services/${serviceId}/changePlan`, { planCode: 'web-hosting-performance' }],
    ];
    const answers = [];
    for (const [method, path, body] of table) {
      const answer = await service.request(method, path, { customerId: intruder, ...(body !== undefined ? { body } : {}) });
      answers.push({ route: `${method} ${path}`, status: answer.status, code: (answer.body as { code?: string }).code });
    }

    // then each is "not found", his list is empty, and the owner's service is as it was
    expect(answers).toEqual(table.map(([method, path]) => ({ route: `${method} ${path}`, status: 404, code: 'SERVICE_NOT_FOUND' })));
    expect((await service.request<{ services: unknown[] }>('GET', '/services', { customerId: intruder })).body).toEqual({ services: [] });
    expect(service.servicesTopic.ofCustomer(intruder)).toEqual([]);
    expect(service.servicesTopic.ofCustomer(owner).map((event) => event.type)).toEqual(['ServiceActivated', 'ServiceTerminationRequested']);
    const own = await service.request<ServiceAnswer>('GET', `/services/${serviceId}`, { customerId: owner });
    expect(own.body).toMatchObject({ status: 'active', billing: { renew: { mode: 'automatic' }, lifecycle: { pendingActions: [] } } });
    // the token the intruder tried is still the owner's to use
    const confirmed = await service.request('POST', `/services/${serviceId}/confirmTermination`, { customerId: owner, body: { token, reason: 'TOO_EXPENSIVE' } });
    expect(confirmed.status).toBe(200);
  });
});
