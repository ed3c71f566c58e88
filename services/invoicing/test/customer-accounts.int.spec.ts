// Customer accounts and payment methods against the real app, database and broker: GET/PUT /me,
// CustomerAccountUpdated on the topic, payment methods stored by token (never a card number),
// and the provisional account an order opens for a customer invoicing has never seen.
import { waitForValue } from '@billing/testing';
import { accountBody, InvoicingServiceUnderTest, orderPlaced, uniqueCustomer } from './invoicing-service';

type PaymentMethods = { paymentMethods: { paymentMethodId: string; type: string; label?: string; default: boolean }[] };

describe('customer accounts', () => {
  let service: InvoicingServiceUnderTest;

  beforeAll(async () => {
    service = await InvoicingServiceUnderTest.start('accounts');
  });

  afterAll(async () => {
    await service?.close();
  });

  it('creates and replaces the account with PUT /me, and publishes the whole profile each time', async () => {
    const customerId = uniqueCustomer('put');
    expect(await service.request('GET', '/me', { customerId })).toMatchObject({ status: 404, body: { code: 'CUSTOMER_ACCOUNT_NOT_FOUND' } });

    const created = await service.request('PUT', '/me', { customerId, body: accountBody('FR') });
    expect(created).toMatchObject({
      status: 200,
      body: { customerId, status: 'complete', subsidiary: 'FR', currency: 'EUR', name: 'Camille Martin', country: 'FR', email: 'camille.martin@example.org' },
    });
    const business = { ...accountBody('FR', { name: 'Lilas SARL', country: 'DE', vatNumber: 'de 318 462 759' }) };
    expect(await service.request('PUT', '/me', { customerId, body: business })).toMatchObject({ status: 200, body: { name: 'Lilas SARL', country: 'DE', vatNumber: 'DE318462759' } });
    // the same profile again changes nothing and publishes nothing
    expect(await service.request('PUT', '/me', { customerId, body: business })).toMatchObject({ status: 200 });

    const updates = await service.invoicesTopic.waitFor('CustomerAccountUpdated', (event) => event.customerId === customerId, 'the account updates', 2);
    expect(updates.map(({ name, country, vatNumber, subsidiary, currency }) => ({ name, country, vatNumber, subsidiary, currency }))).toEqual([
      { name: 'Camille Martin', country: 'FR', vatNumber: undefined, subsidiary: 'FR', currency: 'EUR' },
      { name: 'Lilas SARL', country: 'DE', vatNumber: 'DE318462759', subsidiary: 'FR', currency: 'EUR' },
    ]);
    expect(service.invoicesTopic.ofCustomer(customerId).every((event) => event.key === customerId)).toBe(true);
    expect(await service.request('GET', '/me', { customerId })).toMatchObject({ status: 200, body: { name: 'Lilas SARL', vatNumber: 'DE318462759' } });
  });

  it('refuses an account that cannot be invoiced, naming the field', async () => {
    const customerId = uniqueCustomer('refused');
    expect(await service.request('PUT', '/me', { customerId, body: accountBody('FR', { vatNumber: 'DE12' }) })).toMatchObject({ status: 400, body: { code: 'INVALID_VAT_NUMBER' } });
    expect(await service.request('PUT', '/me', { customerId, body: accountBody('XX' as 'FR') })).toMatchObject({ status: 400, body: { code: 'UNKNOWN_SUBSIDIARY' } });
    const invalid = await service.request<{ code: string; fields: { field: string }[] }>('PUT', '/me', { customerId, body: { ...accountBody('FR'), email: 'not-an-email', country: 'France' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    expect(invalid.body.fields.map((field) => field.field).sort()).toEqual(['country', 'email']);
    expect(await service.request('GET', '/me', { customerId })).toMatchObject({ status: 404 });
  });

  it('stores payment methods by gateway token, one of them the default, and never shows a token', async () => {
    const customerId = uniqueCustomer('methods');
    const card = { type: 'card', token: 'tok_success', label: 'Visa ···4242' };
    expect(await service.request('POST', '/me/payment/method', { customerId, body: card })).toMatchObject({ status: 404, body: { code: 'CUSTOMER_ACCOUNT_NOT_FOUND' } });
    await service.request('PUT', '/me', { customerId, body: accountBody('DE') });

    const first = await service.request<{ paymentMethodId: string }>('POST', '/me/payment/method', { customerId, body: card });
    expect(first).toMatchObject({ status: 201, body: { type: 'card', label: 'Visa ···4242', default: true } });
    const second = await service.request<{ paymentMethodId: string }>('POST', '/me/payment/method', { customerId, body: { type: 'paypal', token: 'tok_paypal_agreement' } });
    expect(second).toMatchObject({ status: 201, body: { type: 'paypal', default: false } });
    const third = await service.request<{ paymentMethodId: string }>('POST', '/me/payment/method', { customerId, body: { type: 'sepaDirectDebit', token: 'tok_mandate', default: true } });
    expect(third).toMatchObject({ status: 201, body: { type: 'sepaDirectDebit', default: true } });

    const listed = await service.request<PaymentMethods>('GET', '/me/payment/method', { customerId });
    expect(listed.body.paymentMethods.map(({ type, default: isDefault }) => [type, isDefault])).toEqual([
      ['card', false],
      ['paypal', false],
      ['sepaDirectDebit', true],
    ]);
    expect(JSON.stringify(listed.body)).not.toMatch(/tok_/);
    expect(await service.request('GET', '/me', { customerId })).toMatchObject({ body: { defaultPaymentMethodId: third.body.paymentMethodId } });

    // the default is part of the published profile
    const updates = await service.invoicesTopic.waitFor('CustomerAccountUpdated', (event) => event.customerId === customerId, 'the default changes', 3);
    expect(updates.map((event) => event.defaultPaymentMethodId)).toEqual([undefined, first.body.paymentMethodId, third.body.paymentMethodId]);
    const stored = await service.query<{ data: string }>(`SELECT data::text FROM event_store.events WHERE stream_id = $1`, [`customer-account-${customerId}`]);
    expect(stored.map((row) => row.data).join()).not.toMatch(/4242 4242|4242424242/);

    // PUT /me can choose another of his methods as default, not someone else's
    expect(await service.request('PUT', '/me', { customerId, body: { ...accountBody('DE'), defaultPaymentMethodId: first.body.paymentMethodId } })).toMatchObject({
      status: 200,
      body: { defaultPaymentMethodId: first.body.paymentMethodId },
    });
    expect(await service.request('PUT', '/me', { customerId, body: { ...accountBody('DE'), defaultPaymentMethodId: 'pm_someone_elses' } })).toMatchObject({
      status: 404,
      body: { code: 'PAYMENT_METHOD_NOT_FOUND' },
    });
  });

  it('refuses a card number where a token belongs', async () => {
    const customerId = uniqueCustomer('pan');
    await service.request('PUT', '/me', { customerId, body: accountBody('FR') });
    for (const body of [
      { type: 'card', token: '4242424242424242' },
      { type: 'card', token: 'tok_success', label: '4242 4242 4242 4242' },
      { type: 'cheque', token: 'tok_success' },
    ]) {
      expect(await service.request('POST', '/me/payment/method', { customerId, body })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    expect(await service.request<PaymentMethods>('GET', '/me/payment/method', { customerId })).toMatchObject({ body: { paymentMethods: [] } });
  });

  it('opens a provisional account from an order of an unknown customer, billed in the subsidiary’s country', async () => {
    const customerId = uniqueCustomer('unknown');
    const order = orderPlaced(customerId, 'DE', [{ planCode: 'dedicated-ks-1', universe: 'dedicated', unitPrice: 1099 }], { autoPay: false });
    await service.publishOrders(order);

    const [invoice] = await service.invoicesTopic.waitFor('InvoiceIssued', (event) => event.customerId === customerId, 'the invoice');
    expect(invoice).toMatchObject({ billedTo: { name: customerId, country: 'DE' }, taxes: [{ rate: 1900 }], currency: 'EUR' });
    const account = await service.request('GET', '/me', { customerId });
    expect(account).toMatchObject({ status: 200, body: { customerId, status: 'provisional', subsidiary: 'DE', country: 'DE', currency: 'EUR' } });
    // not published until the customer completes it (the contract needs a name and an e-mail)
    expect(service.invoicesTopic.ofType('CustomerAccountUpdated', (event) => event.customerId === customerId)).toEqual([]);

    // no payment method: a manual invoice stays due, in the debt account
    const debt = await waitForValue(
      () => service.request<{ balances: unknown[] }>('GET', '/me/debtAccount', { customerId }),
      (answer) => answer.body.balances?.length === 1,
      { description: 'the debt of the unpaid invoice' },
    );
    expect(debt.body.balances).toEqual([expect.objectContaining({ currency: 'EUR', dueAmount: invoice.totals.withTax })]);

    expect(await service.request('PUT', '/me', { customerId, body: accountBody('DE', { name: 'Jonas Weber' }) })).toMatchObject({ status: 200, body: { status: 'complete' } });
    await service.invoicesTopic.waitFor('CustomerAccountUpdated', (event) => event.customerId === customerId, 'the completed account');
    // the invoice issued before keeps the account as it was
    const bill = await service.request('GET', `/me/bill/${invoice.invoiceId}`, { customerId });
    expect(bill).toMatchObject({ status: 200, body: { billedTo: { name: customerId, country: 'DE' } } });
  });
});
