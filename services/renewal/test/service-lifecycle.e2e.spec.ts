// The life of services end to end: the four services as real processes on the real broker and
// PostgreSQL, talking only through Kafka, on one shared test clock. Customers order on Jan 31 and
// each takes another path — automatic renewal on the anchored day for 13 months, manual renewal,
// deleteAtExpiration, termination confirmed by the e-mailed token, a termination cancelled, an
// engagement that refuses an early termination, an upgrade with proration, legacy services whose
// customers accept or do not accept the new contract — and the forecast is held against the run.
import { waitForValue } from '@billing/testing';
import { Client } from 'pg';
import { ScenarioPlatform, type Bill, type ScenarioCustomer, type ServiceView } from './platform-scenario';

jest.setTimeout(900_000);

let scenario: ScenarioPlatform;

beforeAll(async () => {
  scenario = await ScenarioPlatform.start();
  await scenario.moveClock('2027-01-31T09:00:00Z');
}, 240_000);

afterAll(async () => {
  await scenario?.stop();
});

/** Each anchored expiration of a monthly service delivered on Jan 31, 2027, for 14 terms. */
const anchoredExpirations = [
  '2027-02-28',
  '2027-03-31',
  '2027-04-30',
  '2027-05-31',
  '2027-06-30',
  '2027-07-31',
  '2027-08-31',
  '2027-09-30',
  '2027-10-31',
  '2027-11-30',
  '2027-12-31',
  '2028-01-31',
  '2028-02-29',
  '2028-03-31',
];

/** A day before an expiration, as the clock's instant: the renewal invoice (7 days ahead) is due. */
const sixDaysBefore = (date: string) => `${new Date(Date.parse(`${date}T09:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 19)}Z`;

describe('services ordered on Jan 31', () => {
  let anchored: ScenarioCustomer, manual: ScenarioCustomer, deleter: ScenarioCustomer, leaver: ScenarioCustomer;
  let hesitant: ScenarioCustomer, engaged: ScenarioCustomer, upgrader: ScenarioCustomer;
  let legacyAccepting: ScenarioCustomer, legacyRefusing: ScenarioCustomer;
  const serviceOf = new Map<ScenarioCustomer, string>();
  const id = (customer: ScenarioCustomer) => serviceOf.get(customer) as string;
  let forecastedAutomatic = 0;

  it('are delivered at once; a monthly one expires on Feb 28, the end of its first anchored term', async () => {
    anchored = scenario.customer('Ana Anchored');
    manual = scenario.customer('Manu Manual');
    deleter = scenario.customer('Dana Deleter');
    leaver = scenario.customer('Leo Leaver');
    hesitant = scenario.customer('Hugo Hesitant');
    upgrader = scenario.customer('Ugo Upgrader');
    engaged = scenario.customer('Enzo Engaged');
    const monthly = [anchored, manual, deleter, leaver, hesitant, upgrader];
    const delivered = await Promise.all([...monthly.map((customer) => customer.orderOne()), engaged.orderOne({ planCode: 'dedicated-advance-2', period: 'P1M', engagement: 'P1Y' })]);
    [...monthly, engaged].forEach((customer, index) => serviceOf.set(customer, delivered[index].serviceId));
    for (const service of delivered) {
      expect(service).toMatchObject({ status: 'active', billing: { expirationDate: '2027-02-28', renew: { mode: 'automatic', period: 'P1M' } } });
    }
  });

  it('renews manually or not at all when the customer says so', async () => {
    expect((await manual.call('subscription', 'PUT', `/services/${id(manual)}`, { renew: { mode: 'manual' } })).status).toBe(200);
    expect((await deleter.call('subscription', 'PUT', `/services/${id(deleter)}`, { renew: { mode: 'deleteAtExpiration' } })).status).toBe(200);
  });

  it('terminates in one click confirmed by the token of the e-mail; a termination can be cancelled', async () => {
    for (const customer of [leaver, hesitant]) {
      const requested = await customer.call<Record<string, unknown>>('subscription', 'POST', `/services/${id(customer)}/terminate`);
      expect(requested.status).toBe(202);
      const token = await waitForValue(async () => customer.terminationToken(id(customer)), () => true, { timeoutMs: 30_000, description: `${customer.name}'s termination e-mail` });
      expect(JSON.stringify(requested.body)).not.toContain(token);
      const confirmed = await customer.call<ServiceView>('subscription', 'POST', `/services/${id(customer)}/confirmTermination`, {
        token,
        reason: 'NOT_NEEDED_ANYMORE',
        futureUse: 'NOT_REPLACING_SERVICE',
      });
      expect(confirmed).toMatchObject({ status: 200, body: { billing: { lifecycle: { pendingActions: ['terminateAtExpirationDate'] }, nextBillingDate: null } } });
    }
    const cancelled = await hesitant.call<ServiceView>('subscription', 'POST', `/services/${id(hesitant)}/cancelTermination`);
    expect(cancelled).toMatchObject({ status: 200, body: { billing: { lifecycle: { pendingActions: [] } } } });
  });

  it('an engaged service refuses a termination before its engagement ends, and schedules one at the engagement date', async () => {
    const view = await engaged.service(id(engaged));
    expect(view.billing.engagement).toEqual({ engagedUpTo: '2028-01-31', endRule: 'refuseEarlyTermination' });
    expect(await engaged.call('subscription', 'POST', `/services/${id(engaged)}/terminate`)).toMatchObject({ status: 422, body: { code: 'ENGAGEMENT_NOT_OVER' } });
    expect((await engaged.call('subscription', 'POST', `/services/${id(engaged)}/terminate`, { terminateAtEngagementDate: true })).status).toBe(202);
    const token = await waitForValue(async () => engaged.terminationToken(id(engaged)), () => true, { timeoutMs: 30_000, description: 'the engaged termination e-mail' });
    const confirmed = await engaged.call<ServiceView>('subscription', 'POST', `/services/${id(engaged)}/confirmTermination`, { token, reason: 'MIGRATED_TO_COMPETITOR' });
    expect(confirmed).toMatchObject({ status: 200, body: { billing: { lifecycle: { pendingActions: ['terminateAtEngagementDate'] } } } });
  });

  it('imports legacy services; one customer accepts the new contract in one click', async () => {
    legacyAccepting = scenario.customer('Lea Legacy');
    legacyRefusing = scenario.customer('Lou Legacy');
    await legacyAccepting.openAccount();
    const legacy = (customer: ScenarioCustomer, legacyServiceId: string) =>
      JSON.stringify({ legacyServiceId, customerId: customer.customerId, subsidiary: 'FR', planCode: 'web-hosting-pro', period: 'P1Y', price: 7999, expirationDate: '2027-03-10', legacyContract: true });
    const imported = await scenario.operator('subscription', 'POST', '/operator/services/import', [legacy(legacyAccepting, `L-${legacyAccepting.customerId}`), legacy(legacyRefusing, `L-${legacyRefusing.customerId}`)].join('\n'), 'application/x-ndjson');
    expect(imported).toMatchObject({ status: 200, body: { imported: 2, rejected: [] } });
    for (const customer of [legacyAccepting, legacyRefusing]) {
      const [service] = await waitForValue(() => customer.services(), (list) => list.length === 1, { timeoutMs: 30_000, description: `${customer.name}'s legacy service` });
      serviceOf.set(customer, service.serviceId);
      expect(service.billing).toMatchObject({ expirationDate: '2027-03-10', renew: { mode: 'manual' }, lifecycle: { pendingActions: ['terminateAtExpirationDate'] } });
    }
    const accepted = await legacyAccepting.call<ServiceView>('subscription', 'POST', `/services/${id(legacyAccepting)}/acceptContract`);
    expect(accepted).toMatchObject({ status: 200, body: { billing: { renew: { mode: 'automatic' }, lifecycle: { pendingActions: [] } } } });
  });

  it('upgrades mid-term on Feb 14: one invoice credits the 14 unused days of the old plan and charges the new one, paid at once', async () => {
    await scenario.moveClock('2027-02-14T09:00:00Z');
    const simulated = await upgrader.call<Record<string, unknown>>('subscription', 'POST', `/services/${id(upgrader)}/changePlan/simulate`, { planCode: 'web-hosting-performance' });
    expect(simulated).toMatchObject({ status: 200, body: { remainingDays: 14, daysInTerm: 28, credit: { value: -400 }, charge: { value: 800 }, total: { value: 400 } } });
    const changed = await upgrader.call<{ planChangeId: string }>('subscription', 'POST', `/services/${id(upgrader)}/changePlan`, { planCode: 'web-hosting-performance' });
    expect(changed.status).toBe(200);

    const [invoice] = await waitForValue(
      () => upgrader.invoicesOf('purchase-web').then((bills) => bills.filter((bill) => bill.source?.kind === 'upgrade')),
      (bills) => bills.length === 1 && bills[0].status === 'paid',
      { timeoutMs: 60_000, description: 'the upgrade invoice, paid' },
    );
    expect(invoice.source).toEqual({ kind: 'upgrade', planChangeId: changed.body.planChangeId, serviceId: id(upgrader) });
    expect(invoice.lines.map((line) => [line.planCode, line.unitPrice.value, line.periodStart, line.periodEnd])).toEqual([
      ['web-hosting-pro', -400, '2027-02-14', '2027-02-28'],
      ['web-hosting-performance', 800, '2027-02-14', '2027-02-28'],
    ]);
    expect(invoice.totals).toMatchObject({ withoutTax: { value: 400 }, tax: { value: 80 }, withTax: { value: 480 } });
    await upgrader.waitForService(id(upgrader), (view) => view.planCode === 'web-hosting-performance' && view.billing.price.value === 1599, 'on the new plan');
    // and the renewal service, which learns it over Kafka on the upgrader's partition, prices the
    // next renewal on the new plan (the forecast below reads the same terms: without this wait it
    // could count the five automatic renewals before it has seen the upgrade)
    await waitForValue(
      () => upgrader.call<{ renewals: { expirationDate: string; planCode: string; amount: { value: number } }[] }>('renewal', 'GET', `/me/renewals?serviceId=${id(upgrader)}`),
      (answer) => answer.body.renewals?.some((term) => term.expirationDate === '2027-02-28' && term.planCode === 'web-hosting-performance' && term.amount.value === 1599) ?? false,
      { timeoutMs: 30_000, description: 'the renewal on the new plan' },
    );
  });

  it('forecasts the next 30 days by mode: automatic, manual (uncertain) and churn', async () => {
    type Totals = { currency: string; automatic: { value: number }; manual: { value: number }; churn: { value: number }; services: Record<string, number> };
    const forecast = await waitForValue(
      () => scenario.operator<{ totals: Totals[] }>('renewal', 'GET', '/forecast?window=30'),
      // the renewal service has seen the upgrade and the accepted contract
      (answer) => answer.body.totals?.[0]?.services.automatic === 5,
      { timeoutMs: 30_000, description: 'the forecast with five automatic renewals' },
    );
    const [eur] = forecast.body.totals;
    forecastedAutomatic = eur.automatic.value;
    expect(eur).toMatchObject({ currency: 'EUR', services: { automatic: 5, manual: 2, churn: 2 } });
    // uncertain: the manual renewal, and the legacy service whose customer may still accept the
    // contract (it renews then) or not (it ends); lost: deleteAtExpiration, the confirmed termination
    // (a legacy service renews at the catalog's price of the day, 81.99, not the 79.99 it paid)
    expect(eur.manual.value).toBe(799 + 8199);
    expect(eur.churn.value).toBe(799 + 799);
  });

  it('renews on Feb 21 what renews: automatic ones charged, the manual one waits for its customer', async () => {
    await scenario.moveClock(sixDaysBefore('2027-02-28'));
    for (const customer of [anchored, hesitant, upgrader, engaged]) {
      await customer.waitForService(id(customer), (view) => view.billing.expirationDate === '2027-03-31', 'renewed to Mar 31');
    }
    const [manualInvoice] = await waitForValue(() => manual.invoicesOf('autorenew'), (bills) => bills.length === 1, { timeoutMs: 60_000, description: 'the manual renewal invoice' });
    expect(manualInvoice.status).toBe('unpaid');
    expect((await manual.service(id(manual))).billing.expirationDate).toBe('2027-02-28');
    const paid = await manual.call<{ status: string }>('invoicing', 'POST', `/me/bill/${manualInvoice.billId}/pay`);
    expect(paid).toMatchObject({ status: 200, body: { status: 'paid' } });
    await manual.waitForService(id(manual), (view) => view.billing.expirationDate === '2027-03-31', 'renewed once paid');
    // nothing is billed for what does not renew
    expect(await deleter.invoicesOf('autorenew')).toEqual([]);
    expect(await leaver.invoicesOf('autorenew')).toEqual([]);
  });

  it('terminates at the expiration what was not to renew', async () => {
    await scenario.moveClock('2027-03-01T09:00:00Z');
    for (const customer of [deleter, leaver]) {
      await customer.waitForService(id(customer), (view) => view.status === 'terminated', 'terminated at its expiration');
    }
    expect((await hesitant.service(id(hesitant))).status).toBe('active');
  });

  it('renews the legacy service whose customer accepted the contract, and terminates the other at its expiration', async () => {
    await scenario.moveClock(sixDaysBefore('2027-03-10'));
    await legacyAccepting.waitForService(id(legacyAccepting), (view) => view.billing.expirationDate === '2028-03-10', 'renewed for a year');
    await scenario.moveClock('2027-03-11T09:00:00Z');
    await legacyRefusing.waitForService(id(legacyRefusing), (view) => view.status === 'terminated', 'terminated: contract not accepted');
    expect(await legacyRefusing.bills()).toEqual([]);
  });

  it("bills, in the run that follows, exactly the forecast's automatic part", async () => {
    const renewalsOf = async (customer: ScenarioCustomer): Promise<Bill[]> => (await customer.invoicesOf('autorenew')).filter((bill) => bill.status === 'paid');
    const billed = await Promise.all([anchored, hesitant, upgrader, engaged, legacyAccepting].map(async (customer) => (await renewalsOf(customer))[0]));
    expect(billed.every((bill) => bill !== undefined)).toBe(true);
    expect(billed.reduce((sum, bill) => sum + bill.totals.withoutTax.value, 0)).toBe(forecastedAutomatic);
    // the upgraded service renews at its new price
    expect(billed[2].lines[0]).toMatchObject({ planCode: 'web-hosting-performance', unitPrice: { value: 1599 } });
  });

  it('renews the Jan 31 service on the anchored day for 13 months: Feb 28, Mar 31, Apr 30 … Feb 29 2028, Mar 31 2028', async () => {
    for (let term = 1; term < 13; term++) {
      await scenario.moveClock(sixDaysBefore(anchoredExpirations[term]));
      await anchored.waitForService(id(anchored), (view) => view.billing.expirationDate === anchoredExpirations[term + 1], `renewed to ${anchoredExpirations[term + 1]}`);
    }
    const invoices = await anchored.invoicesOf('autorenew');
    expect(invoices).toHaveLength(13);
    expect(invoices.every((bill) => bill.status === 'paid')).toBe(true);
    expect(invoices.map((bill) => bill.lines[0].periodEnd)).toEqual(anchoredExpirations.slice(1));
    const extensions = scenario
      .topic('billing.services.v1')
      .filter((message) => message.type === 'ServiceExpirationExtended' && message.data.serviceId === id(anchored))
      .map((message) => message.data.expirationDate);
    expect(extensions).toEqual(anchoredExpirations.slice(1));
    // its stream (activated, then 13 extensions) was read from the snapshot its 12th event left
    const subscription = new Client({ connectionString: scenario.platform.databaseUrl('subscription') });
    await subscription.connect();
    try {
      const { rows } = await subscription.query(`SELECT kind, stream_version FROM event_store.snapshots WHERE stream_id = $1`, [`service-${id(anchored)}`]);
      expect(rows).toEqual([{ kind: 'service@1', stream_version: 12 }]);
    } finally {
      await subscription.end();
    }
  });

  it('ends the engaged service on its engagement date, Jan 31 2028, with nothing billed after it', async () => {
    const view = await engaged.waitForService(id(engaged), (shown) => shown.status === 'terminated', 'terminated at the end of its engagement');
    expect(view.billing.expirationDate).toBe('2028-01-31');
    const terms = (await engaged.invoicesOf('autorenew')).map((bill) => bill.lines[0].periodEnd);
    expect(terms.at(-1)).toBe('2028-01-31');
  });
});
