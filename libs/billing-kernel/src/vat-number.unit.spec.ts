import { isWellFormedVatNumber, normalizeVatNumber, readVatNumber } from './vat-number';

describe('VAT numbers', () => {
  it('normalises what people type', () => {
    expect(normalizeVatNumber(' fr 63-921.846.307 ')).toBe('FR63921846307');
  });

  it.each([
    ['FR63921846307', 'FR'],
    ['FRK7399859412', 'FR'],
    ['DE318462759', 'DE'],
    ['ESB86512347', 'ES'],
    ['ESX1234567L', 'ES'],
    ['IT09876543210', 'IT'],
    ['PL5273184096', 'PL'],
    ['PT516842937', 'PT'],
    ['IE9847361TH', 'IE'],
    ['IE6388047V', 'IE'],
    ['IE1A23456B', 'IE'],
    ['NL861234567B01', 'NL'],
    ['LT100012345613', 'LT'],
    ['LT123456789', 'LT'],
    ['CZ27184652', 'CZ'],
    ['FI28461937', 'FI'],
    ['ATU12345678', 'AT'],
    ['BE0123456789', 'BE'],
    ['EL123456789', 'GR'],
    ['SE123456789001', 'SE'],
    ['GB284619375', 'GB'],
    ['GBGD001', 'GB'],
  ])('%s is a well-formed %s number', (vatNumber, country) => {
    expect(readVatNumber(vatNumber)).toEqual({ kind: 'wellFormed', country, vatNumber });
    expect(isWellFormedVatNumber(vatNumber)).toBe(true);
  });

  it.each([
    ['DE12345678', 'DE'], // 8 digits instead of 9
    ['FRIO921846307', 'FR'], // I and O are not used in the French key
    ['ES123456789', 'ES'], // all digits
    ['NL861234567C01', 'NL'],
    ['ATU1234567', 'AT'],
    ['BE2123456789', 'BE'],
    ['GB12345', 'GB'],
  ])('%s claims %s but is malformed', (vatNumber, country) => {
    expect(readVatNumber(vatNumber)).toEqual({ kind: 'malformed', country, vatNumber });
    expect(isWellFormedVatNumber(vatNumber)).toBe(false);
  });

  it('leaves numbers without an EU or UK prefix to the tax rules (GR is not a prefix: Greece uses EL)', () => {
    expect(readVatNumber('CHE-123.456.789 MWST')).toEqual({ kind: 'foreign', vatNumber: 'CHE123456789MWST' });
    expect(readVatNumber('GR123456789').kind).toBe('foreign');
    expect(readVatNumber('123456789').kind).toBe('foreign');
    expect(isWellFormedVatNumber('CHE123456789')).toBe(false);
  });
});
