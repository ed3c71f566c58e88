// One-click ordering against the real app, database and broker: prices and VAT per subsidiary,
// dry runs, Idempotency-Key, refusals that create nothing, the customer's read side.
import { waitUntil } from '@billing/testing';
import { OrderServiceUnderTest, uniqueCustomer, type PlacedOrderAnswer } from './order-service';

const money = (currency: string, value: number) => ({ currency, value });
const totals = (currency: string, withoutTax: number, tax: number) => ({
  withoutTax: money(currency, withoutTax),
  tax: money(currency, tax),
  withTax: money(currency, withoutTax + tax),
});

describe('placing orders', () => {
  let service: OrderServiceUnderTest;

  beforeAll(async () => {
    service = await OrderServiceUnderTest.start('placing');
  });

  afterAll(async () => {
    await service?.close();
  });

  const place = (customerId: string, body: unknown, headers: Record<string, string> = {}) =>
    service.request<PlacedOrderAnswer & Record<string, unknown>>('POST', '/orders', { customerId, body, headers });

  /** Nothing of this customer's is stored, projected or published (a sentinel order proves the topic was read past). */
  async function expectNothingCreatedFor(customerId: string): Promise<void> {
    expect(await service.storedEventsOfCustomer(customerId)).toBe(0);
    expect(await service.readModelRowsOfCustomer(customerId)).toBe(0);
    const sentinel = await place(customerId, { subsidiary: 'FR', autoPay: false, items: [{ planCode: 'web-hosting-starter', period: 'P1M', quantity: 1 }] });
    expect(sentinel.status).toBe(201);
    await service.ordersTopic.waitForTypes(sentinel.body.orderId, ['OrderPlaced']);
    // the customer's events share one partition, in order: anything before the sentinel would show
    expect(service.ordersTopic.ofCustomer(customerId).map((event) => event.data.orderId)).toEqual([sentinel.body.orderId]);
  }

  it('places a one-click order with a plan of every universe and publishes it priced, with French VAT', async () => {
    const customerId = uniqueCustomer('fr');
    const answer = await place(customerId, {
      subsidiary: 'FR',
      autoPay: true,
      paymentMethodId: 'pm_card_visa',
      items: [
        { planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 },
        { planCode: 'dedicated-ks-1', period: 'P1M', quantity: 1 },
        { planCode: 'cloud-instance-b3-8', period: 'P1M', quantity: 2, options: [{ planCode: 'cloud-block-storage-1tb', quantity: 1 }] },
        { planCode: 'telecom-voip-line-solo', period: 'P1M', quantity: 3 },
      ],
    });

    expect(answer.status).toBe(201);
    // 8199 + 1099 + 2 × 4199 + 4400 + 3 × 199 = 22693; 20 % = 4538.6 → 4539
    expect(answer.body).toMatchObject({
      status: 'checking',
      subsidiary: 'FR',
      currency: 'EUR',
      tax: { treatment: 'standard', rate: 2000, taxCountry: 'FR' },
      totals: totals('EUR', 22693, 4539),
      autoPay: true,
      paymentMethodId: 'pm_card_visa',
      placedAt: expect.stringMatching(/^2026-07-01T10:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(answer.body.items.map((item) => [item.planCode, item.unitPrice.value, item.lineTotal.value])).toEqual([
      ['web-hosting-pro', 8199, 8199],
      ['dedicated-ks-1', 1099, 1099],
      ['cloud-instance-b3-8', 4199, 8398],
      ['telecom-voip-line-solo', 199, 597],
    ]);

    const [placed] = await service.ordersTopic.waitForTypes(answer.body.orderId, ['OrderPlaced']);
    expect(placed.key).toBe(customerId);
    expect(placed.data).toEqual({
      orderId: answer.body.orderId,
      customerId,
      subsidiary: 'FR',
      currency: 'EUR',
      items: [
        { itemId: answer.body.items[0].itemId, planCode: 'web-hosting-pro', universe: 'web', period: 'P1Y', quantity: 1, unitPrice: money('EUR', 8199) },
        { itemId: answer.body.items[1].itemId, planCode: 'dedicated-ks-1', universe: 'dedicated', period: 'P1M', quantity: 1, unitPrice: money('EUR', 1099) },
        {
          itemId: answer.body.items[2].itemId,
          planCode: 'cloud-instance-b3-8',
          universe: 'cloud',
          period: 'P1M',
          quantity: 2,
          unitPrice: money('EUR', 4199),
          options: [{ planCode: 'cloud-block-storage-1tb', quantity: 1, unitPrice: money('EUR', 4400) }],
        },
        { itemId: answer.body.items[3].itemId, planCode: 'telecom-voip-line-solo', universe: 'telecom', period: 'P1M', quantity: 3, unitPrice: money('EUR', 199) },
      ],
      totals: totals('EUR', 22693, 4539),
      autoPay: true,
      paymentMethodId: 'pm_card_visa',
      placedAt: answer.body.placedAt,
    });

    const view = await service.waitForStatus(customerId, answer.body.orderId, 'checking');
    expect(view).toMatchObject({ subsidiary: 'FR', currency: 'EUR', totals: totals('EUR', 22693, 4539), autoPay: true, placedAt: answer.body.placedAt });
    const status = await service.request('GET', `/orders/${answer.body.orderId}/status`, { customerId });
    expect(status).toEqual({ status: 200, body: { orderId: answer.body.orderId, status: 'checking', updatedAt: answer.body.placedAt } });
  });

  it.each([
    // subsidiary, customer, items, currency, without tax, tax, tax treatment
    ['DE, a German consumer at 19 %', 'DE', { country: 'DE' }, [['web-hosting-starter', 'P1Y', 1], ['cloud-block-storage-1tb', 'P1M', 1]], 'EUR', 3599 + 4400, 1520, 'standard'],
    ['GB, in pounds at 20 %', 'GB', { country: 'GB' }, [['dedicated-rise-1', 'P6M', 1]], 'GBP', 29199, 5840, 'standard'],
    ['PL, in złoty at 23 %', 'PL', { country: 'PL' }, [['domain-com', 'P2Y', 1], ['web-hosting-performance', 'P3M', 1]], 'PLN', 12099 + 20299, 7452, 'standard'],
    ['FR, a Belgian consumer at the Belgian 21 % (one-stop shop)', 'FR', { country: 'BE' }, [['web-hosting-pro', 'P1M', 2]], 'EUR', 1598, 336, 'standard'],
    ['FR, a German business: reverse charge', 'FR', { country: 'DE', vatNumber: 'DE811569869' }, [['dedicated-advance-2', 'P1Y', 1]], 'EUR', 132599, 0, 'reverseCharge'],
    ['US, sales taxes not computed', 'US', { country: 'US' }, [['cloud-instance-c3-16', 'P1Y', 1]], 'USD', 134699, 0, 'salesTaxNotComputed'],
  ] as const)('prices in %s and publishes the same figures', async (_label, subsidiary, customer, items, currency, withoutTax, tax, treatment) => {
    const customerId = uniqueCustomer(subsidiary.toLowerCase());
    const answer = await place(customerId, {
      subsidiary,
      autoPay: false,
      customer,
      items: items.map(([planCode, period, quantity]) => ({ planCode, period, quantity })),
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ subsidiary, currency, totals: totals(currency, withoutTax, tax), tax: { treatment } });
    const [placed] = await service.ordersTopic.waitForTypes(answer.body.orderId, ['OrderPlaced']);
    expect(placed.data).toMatchObject({ subsidiary, currency, totals: totals(currency, withoutTax, tax), autoPay: false });
    expect((placed.data as { items: unknown[] }).items).toHaveLength(items.length);
  });

  it('prices a dry run and creates nothing', async () => {
    const customerId = uniqueCustomer('dry-run');
    const answer = await place(customerId, {
      subsidiary: 'FR',
      autoPay: true,
      paymentMethodId: 'pm_card_visa',
      dryRun: true,
      items: [{ planCode: 'telecom-fibre-pro-1g', period: 'P1M', quantity: 1 }],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ dryRun: true, subsidiary: 'FR', currency: 'EUR', totals: totals('EUR', 4999, 1000) });
    expect(answer.body).not.toHaveProperty('orderId');
    await expectNothingCreatedFor(customerId);
  });

  it('a dry run is refused for the same reasons as the order', async () => {
    const customerId = uniqueCustomer('dry-run-refused');
    const answer = await place(customerId, { subsidiary: 'FR', autoPay: true, dryRun: true, items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }] });
    expect(answer).toMatchObject({ status: 422, body: { code: 'PAYMENT_METHOD_REQUIRED' } });
  });

  describe('Idempotency-Key', () => {
    const body = { subsidiary: 'DE', autoPay: true, paymentMethodId: 'pm_sepa', items: [{ planCode: 'web-hosting-pro', period: 'P1M', quantity: 1 }] };

    it('answers the same key and body with the same status and body, and places one order', async () => {
      const customerId = uniqueCustomer('idempotent');
      const headers = { 'Idempotency-Key': 'checkout-7f3a' };
      const first = await place(customerId, body, headers);
      service.clock.advance({ seconds: 5 });
      const retry = await place(customerId, { ...body, items: [{ quantity: 1, period: 'P1M', planCode: 'web-hosting-pro' }] }, headers);

      expect(first.status).toBe(201);
      expect(retry).toEqual(first);
      await service.ordersTopic.waitForTypes(first.body.orderId, ['OrderPlaced']);
      expect(await service.storedEventsOfCustomer(customerId)).toBe(1);

      // another customer's key of the same name is his own
      const someoneElse = await place(uniqueCustomer('idempotent-other'), body, headers);
      expect(someoneElse.status).toBe(201);
      expect(someoneElse.body.orderId).not.toBe(first.body.orderId);
    });

    it('places one order when retries race each other', async () => {
      const customerId = uniqueCustomer('racing');
      const headers = { 'Idempotency-Key': 'double-click' };
      const answers = await Promise.all([place(customerId, body, headers), place(customerId, body, headers), place(customerId, body, headers)]);
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
      expect(answers[1].body).toEqual(answers[0].body);
      expect(answers[2].body).toEqual(answers[0].body);
      expect(await service.storedEventsOfCustomer(customerId)).toBe(1);
    });

    it('refuses another body under a key already used, and changes nothing', async () => {
      const customerId = uniqueCustomer('key-reused');
      const headers = { 'Idempotency-Key': 'checkout-1' };
      const first = await place(customerId, body, headers);
      const other = await place(customerId, { ...body, items: [{ planCode: 'web-hosting-pro', period: 'P1M', quantity: 2 }] }, headers);
      expect(other).toMatchObject({ status: 422, body: { statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' } });
      await service.ordersTopic.waitForTypes(first.body.orderId, ['OrderPlaced']);
      expect(await service.storedEventsOfCustomer(customerId)).toBe(1);
    });

    it('places a new order for each request without a key', async () => {
      const customerId = uniqueCustomer('no-key');
      const first = await place(customerId, body);
      const second = await place(customerId, body);
      expect(second.body.orderId).not.toBe(first.body.orderId);
      expect(await service.storedEventsOfCustomer(customerId)).toBe(2);
    });
  });

  describe('refusals create nothing', () => {
    const valid = { subsidiary: 'FR', autoPay: false, items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }] };
    const withItem = (item: Record<string, unknown>) => ({ ...valid, items: [{ ...valid.items[0], ...item }] });

    it.each<[string, number, string, unknown, string | undefined]>([
      ['a quantity of 0', 400, 'VALIDATION_FAILED', withItem({ quantity: 0 }), 'items[0].quantity'],
      ['a negative quantity', 400, 'VALIDATION_FAILED', withItem({ quantity: -2 }), 'items[0].quantity'],
      ['a fractional quantity', 400, 'VALIDATION_FAILED', withItem({ quantity: 1.5 }), 'items[0].quantity'],
      ['a malformed period', 400, 'VALIDATION_FAILED', withItem({ period: 'P1W' }), 'items[0].period'],
      ['a malformed subsidiary code', 400, 'VALIDATION_FAILED', { ...valid, subsidiary: 'france' }, 'subsidiary'],
      ['no items', 400, 'VALIDATION_FAILED', { ...valid, items: [] }, 'items'],
      ['no autoPay', 400, 'VALIDATION_FAILED', { subsidiary: 'FR', items: valid.items }, 'autoPay'],
      ['an unknown field', 400, 'VALIDATION_FAILED', { ...valid, coupon: 'FREE' }, '(body)'],
      ['a malformed country', 400, 'VALIDATION_FAILED', { ...valid, customer: { country: 'France' } }, 'customer.country'],
      ['an unknown subsidiary', 400, 'UNKNOWN_SUBSIDIARY', { ...valid, subsidiary: 'ZZ' }, 'subsidiary'],
      ['more than the cart allows', 400, 'INVALID_QUANTITY', withItem({ quantity: 1001 }), 'items[0]'],
      ['a malformed VAT number', 400, 'INVALID_VAT_NUMBER', { ...valid, customer: { country: 'DE', vatNumber: 'DE12' } }, 'customer.vatNumber'],
      ['an unknown plan', 422, 'UNKNOWN_PLAN', withItem({ planCode: 'web-hosting-unlimited' }), 'items[0]'],
      ['a period the plan does not allow', 422, 'PERIOD_NOT_ALLOWED', withItem({ period: 'P3Y' }), 'items[0]'],
      ['telecom outside France', 422, 'PLAN_NOT_SOLD_IN_SUBSIDIARY', { ...valid, subsidiary: 'DE', items: [{ planCode: 'telecom-voip-line-solo', period: 'P1M', quantity: 1 }] }, 'items[0]'],
      ['an option the catalog does not know', 422, 'UNKNOWN_PLAN', withItem({ options: [{ planCode: 'ssl-premium', quantity: 1 }] }), 'items[0].options[0]'],
      ['autoPay without a payment method', 422, 'PAYMENT_METHOD_REQUIRED', { ...valid, autoPay: true }, undefined],
    ])('%s → %i %s', async (_label, status, code, body, field) => {
      const customerId = uniqueCustomer('refused');
      const answer = await place(customerId, body, { 'Idempotency-Key': `refused-${code}` });
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ statusCode: status, code });
      if (code === 'VALIDATION_FAILED') expect(answer.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      else if (field) expect(answer.body.field).toBe(field);
      await expectNothingCreatedFor(customerId);
    });

    it('a malformed Idempotency-Key is a validation error', async () => {
      const answer = await place(uniqueCustomer('bad-key'), valid, { 'Idempotency-Key': 'x'.repeat(256) });
      expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('nothing is stored, projected or published for refused requests', async () => {
      const customerId = uniqueCustomer('refused-all');
      const refused = [withItem({ quantity: 0 }), withItem({ planCode: 'nope' }), { ...valid, autoPay: true }, { ...valid, subsidiary: 'ZZ' }];
      for (const body of refused) expect((await place(customerId, body)).status).toBeGreaterThanOrEqual(400);
      await expectNothingCreatedFor(customerId);
    });

    it('without a token: 401, and nothing placed', async () => {
      const anonymous = await service.request('POST', '/orders', { body: valid });
      expect(anonymous).toMatchObject({ status: 401, body: { code: 'MISSING_TOKEN' } });
      const forged = await service.request('POST', '/orders', { body: valid, headers: { authorization: 'Bearer not.a.token' } });
      expect(forged).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
      expect((await service.request('GET', '/orders')).status).toBe(401);
    });
  });

  describe("the customer's orders", () => {
    it('lists them newest first, a page at a time, and never shows another customer\'s', async () => {
      const customerId = uniqueCustomer('lister');
      const orderIds: string[] = [];
      for (const planCode of ['web-hosting-starter', 'web-hosting-pro', 'web-hosting-performance']) {
        const answer = await place(customerId, { subsidiary: 'FR', autoPay: false, items: [{ planCode, period: 'P1M', quantity: 1 }] });
        orderIds.push(answer.body.orderId);
        service.clock.advance({ seconds: 1 });
      }
      const other = await place(uniqueCustomer('other'), { subsidiary: 'FR', autoPay: false, items: [{ planCode: 'web-hosting-pro', period: 'P1M', quantity: 1 }] });
      await waitUntil(async () => (await service.readModelRowsOfCustomer(customerId)) === 3, { description: 'three orders projected' });

      const first = await service.request<{ orders: { orderId: string }[]; nextCursor?: string }>('GET', '/orders?limit=2', { customerId });
      expect(first.status).toBe(200);
      expect(first.body.orders.map((order) => order.orderId)).toEqual([orderIds[2], orderIds[1]]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await service.request<{ orders: { orderId: string }[]; nextCursor?: string }>('GET', `/orders?limit=2&cursor=${first.body.nextCursor}`, { customerId });
      expect(second.body.orders.map((order) => order.orderId)).toEqual([orderIds[0]]);
      expect(second.body.nextCursor).toBeUndefined();

      expect(await service.request('GET', '/orders?cursor=garbage', { customerId })).toMatchObject({ status: 400, body: { code: 'INVALID_CURSOR' } });
      expect(await service.request('GET', '/orders?limit=0', { customerId })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(first.body.orders.map((order) => order.orderId)).not.toContain(other.body.orderId);
    });

    it("answers 404 for another customer's order, and for an unknown one", async () => {
      const owner = uniqueCustomer('owner');
      const answer = await place(owner, { subsidiary: 'FR', autoPay: false, items: [{ planCode: 'web-hosting-pro', period: 'P1M', quantity: 1 }] });
      await service.waitForStatus(owner, answer.body.orderId, 'checking');
      const intruder = uniqueCustomer('intruder');
      for (const path of [`/orders/${answer.body.orderId}`, `/orders/${answer.body.orderId}/status`]) {
        expect(await service.request('GET', path, { customerId: intruder })).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });
      }
      expect(await service.request('GET', '/orders/3d1c1a52-0f1e-4c55-9a31-5b0e1f7f2b10', { customerId: owner })).toMatchObject({ status: 404 });
      expect((await service.request<{ orders: unknown[] }>('GET', '/orders', { customerId: intruder })).body.orders).toEqual([]);
    });
  });

  it('documents its API in the OpenAPI document', async () => {
    const document = (await (await fetch(`${service.baseUrl}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{orderId}', '/orders/{orderId}/status', '/orders/{orderId}/cancel', '/orders/{orderId}/withdraw', '/operator/orders/{orderId}']),
    );
  });

  it('counts orders placed per subsidiary and universe', async () => {
    await place(uniqueCustomer('metrics'), { subsidiary: 'FR', autoPay: false, items: [{ planCode: 'telecom-sip-trunk-10', period: 'P1M', quantity: 1 }] });
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    const telecomInFrance = /orders_placed_total\{subsidiary="FR",universe="telecom",service="order"\} (\d+)/.exec(metrics);
    expect(Number(telecomInFrance?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/orders_placed_total\{subsidiary="PL",universe="web",service="order"\} 1/);
  });
});
