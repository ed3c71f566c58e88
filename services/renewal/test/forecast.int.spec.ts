// The renewal forecast against the run that follows it: what the forecast expects from automatic
// renewals is exactly what the scheduler then asks invoicing to charge. The scheduler loop is off
// here: the operator's run is the only one.
import { EVENT_STORE } from '@billing/platform';
import type { PostgresEventStore } from '@billing/eventsourcing';
import { RenewalTermStreams, decideInTurn } from '../src/schedule/renewal-term-streams';
import { moveClock, RenewalServiceUnderTest, subscription, uniqueCustomer, type ActivatedService } from './renewal-service';

type Money = { currency: string; value: number };
type Forecast = {
  window: number;
  lines: { subsidiary: string; universe: string; currency: string; automatic: Money; manual: Money; churn: Money; services: Record<string, number> }[];
  totals: { currency: string; automatic: Money; manual: Money; churn: Money; services: Record<string, number> }[];
};
type RunReport = { dryRun: boolean; claimed: number; invoicesRequested: number; events: Record<string, number> };

describe('the renewal forecast', () => {
  let service: RenewalServiceUnderTest;

  beforeAll(async () => {
    service = await RenewalServiceUnderTest.start('forecast', { RENEWAL_SCHEDULER_INTERVAL_MS: '0' });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('is for operators, over 30, 60 or 90 days', async () => {
    expect((await service.request('GET', '/forecast?window=30', { customerId: uniqueCustomer('nosy') })).status).toBe(403);
    expect((await service.operator('GET', '/forecast?window=45')).status).toBe(400);
    expect((await service.request('POST', '/operator/renewals/run', { customerId: uniqueCustomer('nosy'), body: {} })).status).toBe(403);
  });

  it('splits the revenue expected in the window by mode, and its automatic part is what the next run requests', async () => {
    await moveClock(service, '2027-06-01T06:00:00Z');
    const customerId = uniqueCustomer('forecast');
    const soon = (day: number) => `2027-06-0${day}`;
    const services: ActivatedService[] = [];
    const activate = (spec: Partial<ActivatedService> & { expirationDate: string }) => {
      const { event, service: activated } = subscription.activated({ customerId, ...spec, anchorDate: spec.expirationDate.replace('2027', '2026') });
      services.push(activated);
      return event;
    };
    await service.publishServices(
      activate({ expirationDate: soon(3), planCode: 'web-hosting-pro', period: 'P1Y', price: { currency: 'EUR', value: 8199 } }),
      activate({ expirationDate: soon(4), planCode: 'web-hosting-starter', period: 'P1Y', price: { currency: 'EUR', value: 3099 } }),
      activate({ expirationDate: soon(5), universe: 'dedicated', planCode: 'dedicated-ks-1', period: 'P1Y', price: { currency: 'EUR', value: 9199 } }),
      activate({ expirationDate: soon(6), subsidiary: 'GB', planCode: 'web-hosting-pro', period: 'P1Y', price: { currency: 'GBP', value: 7099 } }),
      activate({ expirationDate: soon(5), renewMode: 'manual', planCode: 'web-hosting-pro', period: 'P1Y', price: { currency: 'EUR', value: 8199 } }),
      activate({ expirationDate: soon(6), renewMode: 'deleteAtExpiration', planCode: 'domain-com', period: 'P1Y', price: { currency: 'EUR', value: 1399 } }),
      // expiring after the window: neither forecast nor requested
      activate({ expirationDate: '2027-08-20', planCode: 'web-hosting-pro', period: 'P1Y', price: { currency: 'EUR', value: 8199 } }),
    );
    for (const { serviceId, expirationDate } of services) await service.waitForTerm(customerId, serviceId, expirationDate);

    const forecast = (await service.operator<Forecast>('GET', '/forecast?window=30')).body;
    // the 2026-06-01 catalog: web-hosting-starter renews at 3599 (was 3099); dedicated-ks-1 is grandfathered at 9199
    expect(forecast.totals).toEqual([
      { currency: 'EUR', automatic: { currency: 'EUR', value: 8199 + 3599 + 9199 }, manual: { currency: 'EUR', value: 8199 }, churn: { currency: 'EUR', value: 1399 }, services: { automatic: 3, manual: 1, churn: 1 } },
      { currency: 'GBP', automatic: { currency: 'GBP', value: 7099 }, manual: { currency: 'GBP', value: 0 }, churn: { currency: 'GBP', value: 0 }, services: { automatic: 1, manual: 0, churn: 0 } },
    ]);
    expect(forecast.lines.map(({ subsidiary, universe, currency, automatic }) => [subsidiary, universe, currency, automatic.value])).toEqual([
      ['FR', 'dedicated', 'EUR', 9199],
      ['FR', 'web', 'EUR', 8199 + 3599],
      ['GB', 'web', 'GBP', 7099],
    ]);
    const wider = (await service.operator<Forecast>('GET', '/forecast?window=90')).body;
    expect(wider.totals.find((total) => total.currency === 'EUR')?.automatic.value).toBe(8199 + 3599 + 9199 + 8199);

    const dry = (await service.operator<RunReport>('POST', '/operator/renewals/run', { dryRun: true })).body;
    expect(dry).toMatchObject({ dryRun: true, claimed: 5, invoicesRequested: 5 });
    expect(service.renewals.of('RenewalInvoiceRequested', (event) => event.data.customerId === customerId)).toHaveLength(0);

    const run = (await service.operator<RunReport>('POST', '/operator/renewals/run', {})).body;
    expect(run).toMatchObject({ dryRun: false, invoicesRequested: 5 });
    const requests = await service.renewals.waitFor('RenewalInvoiceRequested', (event) => event.data.customerId === customerId, 5);
    const charged = new Map<string, number>();
    for (const { data } of requests.filter((request) => request.data.autoPay)) charged.set(data.amount.currency, (charged.get(data.amount.currency) ?? 0) + data.amount.value);
    expect(Object.fromEntries(charged)).toEqual(Object.fromEntries(forecast.totals.map((total) => [total.currency, total.automatic.value])));

    // the run left nothing due, and the backlog gauge says so
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/renewal_due_backlog\{service="renewal"\} 0/);
    expect(metrics).toMatch(/renewal_invoices_requested_total\{service="renewal"\} 5/);
  });

  it('a second claim of a term whose step was appended by a claim that died commits the row, and appends nothing', async () => {
    await moveClock(service, '2028-06-01T06:00:00Z');
    const customerId = uniqueCustomer('second-claim');
    const { event, service: hosting } = subscription.activated({ customerId, anchorDate: '2027-06-05', expirationDate: '2028-06-05' });
    await service.publishServices(event);
    const term = await service.waitForTerm(customerId, hosting.serviceId, '2028-06-05');
    // a replica appended the request, then died before its claim transaction committed the row
    const streams = new RenewalTermStreams(service.app.get<PostgresEventStore>(EVENT_STORE));
    await streams.execute(
      term.renewalTermId,
      customerId,
      (state) =>
        decideInTurn(state, [
          {
            type: 'RequestRenewalInvoice',
            data: {
              renewalTermId: term.renewalTermId, serviceId: hosting.serviceId, customerId, subsidiary: 'FR', universe: 'web', category: 'autorenew',
              planCode: hosting.planCode, period: hosting.period, amount: { currency: 'EUR', value: 8199 }, termStartDate: '2028-06-05',
              termEndDate: '2029-06-05', billingDate: '2028-05-29', autoPay: true, requestedAt: '2028-06-01T06:00:00.000Z',
            },
          },
        ]),
      '2028-06-01T06:00:00.000Z',
    );
    expect((await service.renewalsOf(customerId, hosting.serviceId))[0].status).toBe('scheduled');

    // (the first test's terms fall due in this run too: only this term is looked at)
    const run = (await service.operator<RunReport & { terms: { renewalTermId: string; events: string[] }[] }>('POST', '/operator/renewals/run', {})).body;
    expect(run.terms.filter((stepped) => stepped.renewalTermId === term.renewalTermId)).toEqual([]);
    expect((await service.renewalsOf(customerId, hosting.serviceId))[0]).toMatchObject({ status: 'invoiceRequested', nextStep: 'lapse' });
    const stored: { count: number }[] = await service.dataSource.query(
      `SELECT count(*)::int AS count FROM event_store.events WHERE event_type = 'RenewalInvoiceRequested' AND data->>'serviceId' = $1`,
      [hosting.serviceId],
    );
    expect(stored[0].count).toBe(1);
  });
});
