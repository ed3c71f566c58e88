// A customer's lists never show another customer's documents, money or payment methods, and he
// cannot make another customer's payment method his own. (Reading, downloading and paying
// another customer's bill by its id: see order-invoices.int.spec.ts.)
import { waitForValue } from '@billing/testing';
import { accountBody, InvoicingServiceUnderTest, orderPlaced, uniqueCustomer } from './invoicing-service';

describe("another customer's invoicing", () => {
  let service: InvoicingServiceUnderTest;

  beforeAll(async () => {
    service = await InvoicingServiceUnderTest.start('crosscustomer');
  });

  afterAll(async () => {
    await service?.close();
  });

  it('shows in none of his lists, and his payment method cannot become the default of another', async () => {
    // given an owner with an unpaid invoice (declined card) and a stranger with an account of his own
    const owner = uniqueCustomer('owner');
    const stranger = uniqueCustomer('stranger');
    const ownersMethod = await service.openAccount(owner, 'FR', { token: 'tok_declined' });
    await service.openAccount(stranger, 'FR');
    await service.publishOrders(orderPlaced(owner, 'FR', [{ planCode: 'web-hosting-pro', universe: 'web', unitPrice: 8199 }]));
    const [failed] = await service.invoicesTopic.waitFor('InvoicePaymentFailed', (event) => event.customerId === owner, 'the declined payment');
    await waitForValue(() => service.request<{ bills: { billId: string }[] }>('GET', '/me/bill', { customerId: owner }), (answer) => answer.body.bills?.length === 1, { description: 'the owner’s bill listed' });
    const ownersDebt = await waitForValue(
      () => service.request<{ balances: unknown[] }>('GET', '/me/debtAccount', { customerId: owner }),
      (answer) => answer.body.balances?.length === 1,
      { description: 'the owner’s debt' },
    );

    // when the stranger lists his bills, debts and payment methods
    const bills = await service.request<{ bills: { billId: string }[] }>('GET', '/me/bill', { customerId: stranger });
    const debts = await service.request<{ balances: unknown[] }>('GET', '/me/debtAccount', { customerId: stranger });
    const methods = await service.request<{ paymentMethods: { paymentMethodId: string }[] }>('GET', '/me/payment/method', { customerId: stranger });

    // then none of the owner's are there
    expect(bills.body.bills.map((bill) => bill.billId)).not.toContain(failed.invoiceId);
    expect(bills.body.bills).toEqual([]);
    expect(debts.body.balances).not.toEqual(ownersDebt.body.balances);
    expect(methods.body.paymentMethods.map((method) => method.paymentMethodId)).not.toContain(ownersMethod);
    expect(methods.body.paymentMethods).toHaveLength(1);

    // and naming the owner's payment method as his default is refused as unknown
    const taken = await service.request('PUT', '/me', { customerId: stranger, body: { ...accountBody('FR'), defaultPaymentMethodId: ownersMethod } });
    expect(taken).toMatchObject({ status: 404, body: { code: 'PAYMENT_METHOD_NOT_FOUND' } });
  });
});
