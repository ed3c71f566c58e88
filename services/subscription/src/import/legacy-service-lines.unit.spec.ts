import { shippedCatalog } from '@billing/billing-kernel';
import { csvFields, csvRecord, readJsonLine, readLegacyRecord } from './legacy-service-lines';

const line = {
  legacyServiceId: 'L-1',
  customerId: 'cust-1',
  subsidiary: 'FR',
  planCode: 'web-hosting-pro',
  period: 'P1Y',
  price: 7999,
  expirationDate: '2027-03-15',
  legacyContract: true,
};

describe('reading a legacy export line', () => {
  it('takes a valid line, with the universe from the catalog and the currency of the subsidiary', () => {
    expect(readLegacyRecord(line, shippedCatalog)).toEqual({
      service: { ...line, universe: 'web', price: { currency: 'EUR', value: 7999 }, anchorDate: '2027-03-15', legacyContract: true },
    });
  });

  it('anchors on the original anchor when the export gives it and it leads to the expiration by whole months', () => {
    const monthly = { ...line, period: 'P1M', anchorDate: '2026-01-31', expirationDate: '2027-02-28' };
    expect(readLegacyRecord(monthly, shippedCatalog)).toMatchObject({ service: { anchorDate: '2026-01-31', expirationDate: '2027-02-28' } });
    expect(readLegacyRecord({ ...monthly, anchorDate: '2026-02-28', expirationDate: '2027-03-31' }, shippedCatalog)).toEqual({
      rejection: 'ANCHOR_MISMATCH: 2027-03-31 is not a term end of a service anchored on 2026-02-28',
    });
  });

  it.each([
    [{ ...line, subsidiary: 'XX' }, 'UNKNOWN_SUBSIDIARY: XX'],
    [{ ...line, planCode: 'nope' }, 'UNKNOWN_PLAN: nope'],
    [{ ...line, period: 'P3M' }, 'PERIOD_NOT_ALLOWED: plan web-hosting-pro does not allow P3M'],
    [{ ...line, currency: 'GBP' }, 'CURRENCY_MISMATCH: FR bills in EUR, not GBP'],
    [{ ...line, price: 12.5 }, expect.stringMatching(/^VALIDATION_FAILED: price/)],
    [{ ...line, price: '' }, expect.stringMatching(/^VALIDATION_FAILED: price/)],
    [{ ...line, legacyContract: 'maybe' }, expect.stringMatching(/^VALIDATION_FAILED: legacyContract/)],
    [{ ...line, customerId: undefined }, expect.stringMatching(/^VALIDATION_FAILED: customerId/)],
  ])('rejects %j', (record, reason) => {
    expect(readLegacyRecord(record, shippedCatalog)).toEqual({ rejection: reason });
  });

  it('reads JSON lines, and says when a line is not JSON', () => {
    expect(readJsonLine(JSON.stringify({ ...line, price: { currency: 'EUR', value: 7999 } }), shippedCatalog)).toMatchObject({ service: { price: { currency: 'EUR', value: 7999 } } });
    expect(readJsonLine('{"legacyServiceId": ', shippedCatalog)).toEqual({ rejection: 'MALFORMED_LINE: not a JSON object' });
  });

  it('reads CSV cells by their header, with quotes, doubled quotes and empty cells', () => {
    expect(csvFields('a,"b, c","say ""hi""",,e')).toEqual(['a', 'b, c', 'say "hi"', '', 'e']);
    const header = ['legacyServiceId', 'customerId', 'subsidiary', 'planCode', 'period', 'price', 'currency', 'expirationDate', 'legacyContract'];
    const record = csvRecord(header, 'L-1,cust-1,FR,web-hosting-pro,P1Y,7999,,2027-03-15,yes');
    expect(record).not.toHaveProperty('currency');
    expect(readLegacyRecord(record, shippedCatalog)).toEqual(readLegacyRecord(line, shippedCatalog));
  });
});
