// Legacy services come in bulk from the old system's export (JSON lines or CSV): imported once
// whatever the number of runs, they renew manually under their legacy contract until the
// customer accepts the new one in one click, and terminate at their expiration otherwise.
import { waitForValue, waitUntil } from '@billing/testing';
import { Temporal } from 'temporal-polyfill';
import { SubscriptionServiceUnderTest, uniqueCustomer, type ServiceAnswer } from './subscription-service';

const start = Temporal.Instant.from('2027-01-31T10:00:00Z');
const operator = { customerId: 'operator-7', roles: ['operator' as const] };

type ImportReport = { imported: number; alreadyPresent: number; rejected: { line: number; reason: string }[] };

describe('legacy import', () => {
  let service: SubscriptionServiceUnderTest;
  const camille = uniqueCustomer('camille');
  const dominique = uniqueCustomer('dominique');

  beforeAll(async () => {
    service = await SubscriptionServiceUnderTest.start('import', start, { IMPORT_BATCH_SIZE: '250' });
  });

  afterAll(async () => {
    await service?.close();
  });

  const jsonLines = (records: unknown[]) => records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n');
  const importExport = (contentType: string, text: string) => service.request<ImportReport>('POST', '/operator/services/import', { ...operator, rawBody: { contentType, text } });
  const legacy = (legacyServiceId: string, customerId: string, extra: Record<string, unknown> = {}) => ({
    legacyServiceId,
    customerId,
    subsidiary: 'FR',
    planCode: 'web-hosting-pro',
    period: 'P1Y',
    price: 7999,
    expirationDate: '2027-03-15',
    legacyContract: true,
    ...extra,
  });

  async function serviceOfLegacyId(customerId: string, legacyServiceId: string): Promise<string> {
    await waitUntil(() => service.servicesTopic.ofCustomer(customerId).some((event) => event.type === 'ServiceImported' && event.data.legacyServiceId === legacyServiceId), {
      timeoutMs: 20_000,
      description: `the import of ${legacyServiceId}`,
    });
    return service.servicesTopic.ofCustomer(customerId).find((event) => event.type === 'ServiceImported' && event.data.legacyServiceId === legacyServiceId)?.data.serviceId as string;
  }

  it('is for operators, in CSV or JSON lines', async () => {
    expect((await service.request('POST', '/operator/services/import', { customerId: camille, rawBody: { contentType: 'text/csv', text: '' } })).status).toBe(403);
    expect((await service.request('POST', '/operator/services/import', { rawBody: { contentType: 'text/csv', text: '' } })).status).toBe(401);
    expect((await importExport('application/xml', '<services/>')).status).toBe(415);
  });

  it('imports each valid line once, reports the others with their line, and a second run creates nothing', async () => {
    const exported = jsonLines([
      legacy('A-1', camille),
      legacy('A-2', camille, { legacyContract: false, period: 'P1M', price: 799, anchorDate: '2026-01-31', expirationDate: '2027-02-28' }),
      '',
      'this is not JSON',
      legacy('A-3', camille, { planCode: 'web-hosting-ultra' }),
      legacy('A-1', camille, { price: 1 }),
      legacy('A-4', camille, { expirationDate: '2027-02-30' }),
      legacy('A-5', camille, { period: 'P3M' }),
      legacy('A-6', camille, { anchorDate: '2026-02-28', period: 'P1M', expirationDate: '2027-03-31' }),
      legacy('B-1', dominique, { expirationDate: '2027-02-05' }),
    ]);

    const first = await importExport('application/x-ndjson', exported);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      imported: 3,
      alreadyPresent: 0,
      rejected: [
        { line: 4, reason: 'MALFORMED_LINE: not a JSON object' },
        { line: 5, reason: 'UNKNOWN_PLAN: web-hosting-ultra' },
        { line: 6, reason: 'DUPLICATE_LEGACY_ID: A-1 is on line 1 already' },
        { line: 7, reason: expect.stringMatching(/^VALIDATION_FAILED: expirationDate/) },
        { line: 8, reason: 'PERIOD_NOT_ALLOWED: plan web-hosting-pro does not allow P3M' },
        { line: 9, reason: 'ANCHOR_MISMATCH: 2027-03-31 is not a term end of a service anchored on 2026-02-28' },
      ],
    });

    const again = await importExport('application/x-ndjson', exported);
    expect(again.body).toMatchObject({ imported: 0, alreadyPresent: 3 });
    // the same services from a CSV export (columns in another order, quoted cells) are there already
    const csv = ['customerId,legacyServiceId,subsidiary,planCode,period,price,currency,expirationDate,legacyContract', `"${camille}","A-1",FR,web-hosting-pro,P1Y,7999,EUR,2027-03-15,yes`, `${camille},"C-1",FR,"web-hosting-starter",P1M,299,,2027-02-20,false`].join('\r\n');
    expect((await importExport('text/csv', csv)).body).toEqual({ imported: 1, alreadyPresent: 1, rejected: [] });

    const a1 = await serviceOfLegacyId(camille, 'A-1');
    const a2 = await serviceOfLegacyId(camille, 'A-2');
    await serviceOfLegacyId(camille, 'C-1');
    await serviceOfLegacyId(dominique, 'B-1');
    expect(await service.storedEventsOfCustomer(camille)).toBe(3);
    expect(service.servicesTopic.ofCustomer(camille).filter((event) => event.type === 'ServiceImported')).toHaveLength(3);
    expect(service.servicesTopic.ofService(a1)[0]).toMatchObject({
      key: camille,
      data: { legacyServiceId: 'A-1', renewMode: 'manual', legacy: true, anchorDate: '2027-03-15', expirationDate: '2027-03-15', price: { currency: 'EUR', value: 7999 }, universe: 'web' },
    });
    expect(service.servicesTopic.ofService(a2)[0].data).toMatchObject({ renewMode: 'automatic', legacy: false, anchorDate: '2026-01-31', expirationDate: '2027-02-28' });
  });

  it('a legacy service renews manually until its customer accepts the new contract in one click', async () => {
    const serviceId = await serviceOfLegacyId(camille, 'A-1');
    const shown = await service.waitForService(camille, serviceId, () => true, 'to show');
    expect(shown.billing).toMatchObject({
      expirationDate: '2027-03-15',
      renew: { mode: 'manual', period: 'P1Y', possibleModes: ['manual', 'deleteAtExpiration'] },
      lifecycle: { state: 'active', pendingActions: ['terminateAtExpirationDate'] },
      contract: { legacy: true },
    });
    expect(await service.request('PUT', `/services/${serviceId}`, { customerId: camille, body: { renew: { mode: 'automatic' } } })).toMatchObject({ status: 422, body: { code: 'CONTRACT_NOT_ACCEPTED' } });

    const accepted = await service.request<ServiceAnswer>('POST', `/services/${serviceId}/acceptContract`, { customerId: camille });
    expect(accepted).toMatchObject({ status: 200, body: { billing: { renew: { mode: 'automatic' }, lifecycle: { pendingActions: [] }, contract: { legacy: false } } } });
    expect((await service.request('POST', `/services/${serviceId}/acceptContract`, { customerId: camille })).status).toBe(200);
    const [, contractAccepted] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceImported', 'ServiceContractAccepted']);
    expect(contractAccepted.data).toMatchObject({ contractVersion: '2026-01', renewMode: 'automatic' });
    await service.waitForService(camille, serviceId, (view) => view.billing.renew.mode === 'automatic' && view.billing.nextBillingDate === '2027-03-15', 'to renew automatically');
  });

  it('a legacy service whose contract was not accepted terminates at its expiration', async () => {
    const serviceId = await serviceOfLegacyId(dominique, 'B-1');
    await service.waitForService(dominique, serviceId, () => true, 'to show');
    const expiration = Temporal.PlainDate.from('2027-02-05').toZonedDateTime({ timeZone: 'Europe/Paris' }).toInstant();
    expect((await service.request('POST', '/operator/clock', { ...operator, body: { set: expiration.add({ seconds: 1 }).toString() } })).status).toBe(200);

    const [, terminated] = await service.servicesTopic.waitForTypes(serviceId, ['ServiceImported', 'ServiceTerminated']);
    expect(terminated.data).toMatchObject({ reason: 'contractNotAccepted' });
    await service.waitForService(dominique, serviceId, (view) => view.status === 'terminated', 'to be terminated');
    // the accepted one, expiring later, lives on
    const accepted = await serviceOfLegacyId(camille, 'A-1');
    expect(service.servicesTopic.ofService(accepted).map((event) => event.type)).toEqual(['ServiceImported', 'ServiceContractAccepted']);
  });

  it('imports in batches: a thousand services land in the read model', async () => {
    const customer = uniqueCustomer('reseller');
    const exported = jsonLines(Array.from({ length: 1_000 }, (_, index) => legacy(`bulk-${index}`, customer, { legacyContract: index % 2 === 0 })));
    expect((await importExport('application/x-ndjson', exported)).body).toEqual({ imported: 1_000, alreadyPresent: 0, rejected: [] });
    const rows = await waitForValue(
      async () => (await service.dataSource.query(`SELECT count(*)::int AS count FROM services WHERE customer_id = $1`, [customer]))[0].count as number,
      (count) => count === 1_000,
      { timeoutMs: 30_000, description: 'the thousand services in the read model' },
    );
    expect(rows).toBe(1_000);
  });
});
