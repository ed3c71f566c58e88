// Standard VAT rates by country and date, each with the text that sets it. Rates are basis points
// of a percent (2550 = 25.50 %). An entry applies from its date until the next entry of its country.
import { Temporal } from 'temporal-polyfill';
import type { CountryCode } from './countries';

export type VatRateEntry = Readonly<{
  country: CountryCode;
  /** basis points of a percent: 2000 = 20 %, 2550 = 25.5 % */
  standardRate: number;
  /** first calendar day (in the seller's time zone) the rate applies */
  effectiveFrom: string;
  source: string;
}>;

/** For the other member states, whose consumers we tax under the One-Stop Shop. */
const commissionTable =
  'European Commission (DG TAXUD), "VAT rates applied in the Member States of the European Union", situation at 1 January 2025';

export const vatRateTable: readonly VatRateEntry[] = [
  // Subsidiary countries, with the changes since the first rate we can source.
  { country: 'FR', standardRate: 1960, effectiveFrom: '2000-04-01', source: 'Code général des impôts, art. 278 (19,6 % from 1 April 2000)' },
  { country: 'FR', standardRate: 2000, effectiveFrom: '2014-01-01', source: 'Code général des impôts, art. 278, as amended by loi n° 2012-1510 du 29 décembre 2012 (LFR 2012), art. 68' },
  { country: 'ES', standardRate: 1800, effectiveFrom: '2010-07-01', source: 'Ley 37/1992 del IVA, art. 90.Uno, as amended by Ley 26/2009 (Presupuestos Generales del Estado 2010)' },
  { country: 'ES', standardRate: 2100, effectiveFrom: '2012-09-01', source: 'Ley 37/1992 del IVA, art. 90.Uno, as amended by Real Decreto-ley 20/2012, de 13 de julio' },
  { country: 'DE', standardRate: 1900, effectiveFrom: '2007-01-01', source: 'Umsatzsteuergesetz § 12 Abs. 1 (Haushaltsbegleitgesetz 2006)' },
  { country: 'DE', standardRate: 1600, effectiveFrom: '2020-07-01', source: 'Umsatzsteuergesetz § 28 Abs. 1 (Zweites Corona-Steuerhilfegesetz, 29 June 2020): 16 % from 1 July to 31 December 2020' },
  { country: 'DE', standardRate: 1900, effectiveFrom: '2021-01-01', source: 'Umsatzsteuergesetz § 12 Abs. 1 (end of the temporary § 28 rate)' },
  { country: 'IT', standardRate: 2100, effectiveFrom: '2011-09-17', source: 'DPR 633/1972, art. 16, as amended by DL 138/2011 (converted by legge 148/2011)' },
  { country: 'IT', standardRate: 2200, effectiveFrom: '2013-10-01', source: 'DPR 633/1972, art. 16, 22 % from 1 October 2013 (legge 228/2012, DL 76/2013)' },
  { country: 'PL', standardRate: 2200, effectiveFrom: '2004-05-01', source: 'Ustawa z dnia 11 marca 2004 r. o podatku od towarów i usług, art. 41 ust. 1' },
  { country: 'PL', standardRate: 2300, effectiveFrom: '2011-01-01', source: 'Ustawa o podatku od towarów i usług, art. 41 ust. 1 with art. 146ef (formerly art. 146a)' },
  { country: 'PT', standardRate: 2100, effectiveFrom: '2010-07-01', source: 'Código do IVA, art. 18.º, n.º 1, c), as amended by Lei n.º 12-A/2010 (mainland rate)' },
  { country: 'PT', standardRate: 2300, effectiveFrom: '2011-01-01', source: 'Código do IVA, art. 18.º, n.º 1, c), as amended by Lei n.º 55-A/2010 (Orçamento do Estado 2011; mainland rate)' },
  { country: 'IE', standardRate: 2100, effectiveFrom: '2010-01-01', source: 'Revenue Commissioners, "VAT rates" history: 21 % from 1 January 2010' },
  { country: 'IE', standardRate: 2300, effectiveFrom: '2012-01-01', source: 'Value-Added Tax Consolidation Act 2010, s. 46(1)(a): 23 % from 1 January 2012' },
  { country: 'IE', standardRate: 2100, effectiveFrom: '2020-09-01', source: 'VAT Consolidation Act 2010, s. 46(1)(a), as amended by the Financial Provisions (Covid-19) (No. 2) Act 2020: 21 % from 1 September 2020 to 28 February 2021' },
  { country: 'IE', standardRate: 2300, effectiveFrom: '2021-03-01', source: 'VAT Consolidation Act 2010, s. 46(1)(a) (end of the temporary reduction)' },
  { country: 'NL', standardRate: 1900, effectiveFrom: '2001-01-01', source: 'Wet op de omzetbelasting 1968, art. 9, lid 1' },
  { country: 'NL', standardRate: 2100, effectiveFrom: '2012-10-01', source: 'Wet op de omzetbelasting 1968, art. 9, lid 1: 21 % from 1 October 2012' },
  { country: 'LT', standardRate: 1900, effectiveFrom: '2009-01-01', source: 'Pridėtinės vertės mokesčio įstatymas (IX-751), 19 str. 1 d.: 19 % from 1 January 2009' },
  { country: 'LT', standardRate: 2100, effectiveFrom: '2009-09-01', source: 'Pridėtinės vertės mokesčio įstatymas (IX-751), 19 str. 1 d.: 21 % from 1 September 2009' },
  { country: 'CZ', standardRate: 2000, effectiveFrom: '2012-01-01', source: 'Zákon č. 235/2004 Sb., o dani z přidané hodnoty, § 47: 20 % in 2012' },
  { country: 'CZ', standardRate: 2100, effectiveFrom: '2013-01-01', source: 'Zákon č. 235/2004 Sb., o dani z přidané hodnoty, § 47 odst. 1: 21 % from 1 January 2013' },
  { country: 'FI', standardRate: 2300, effectiveFrom: '2010-07-01', source: 'Arvonlisäverolaki 1501/1993, § 84: 23 % from 1 July 2010' },
  { country: 'FI', standardRate: 2400, effectiveFrom: '2013-01-01', source: 'Arvonlisäverolaki 1501/1993, § 84: 24 % from 1 January 2013' },
  { country: 'FI', standardRate: 2550, effectiveFrom: '2024-09-01', source: 'Arvonlisäverolaki 1501/1993, § 84: 25.5 % from 1 September 2024 (Vero Skatt, "VAT rate change on 1 September 2024")' },
  { country: 'GB', standardRate: 1750, effectiveFrom: '2010-01-01', source: 'Value Added Tax Act 1994, s. 2(1): 17.5 % again after the temporary 15 % (1 December 2008 – 31 December 2009)' },
  { country: 'GB', standardRate: 2000, effectiveFrom: '2011-01-04', source: 'Value Added Tax Act 1994, s. 2(1), as amended by Finance (No. 2) Act 2010, s. 3: 20 % from 4 January 2011' },

  // Other member states: only for consumers there (One-Stop Shop), from the Commission's table.
  { country: 'AT', standardRate: 2000, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'BE', standardRate: 2100, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'BG', standardRate: 2000, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'CY', standardRate: 1900, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'DK', standardRate: 2500, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'EE', standardRate: 2200, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'EE', standardRate: 2400, effectiveFrom: '2025-07-01', source: 'Käibemaksuseadus, § 15 lg 1: 24 % from 1 July 2025' },
  { country: 'GR', standardRate: 2400, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'HR', standardRate: 2500, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'HU', standardRate: 2700, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'LU', standardRate: 1700, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'LV', standardRate: 2100, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'MT', standardRate: 1800, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'RO', standardRate: 1900, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'RO', standardRate: 2100, effectiveFrom: '2025-08-01', source: 'Legea nr. 141/2025 (Codul fiscal, art. 291 alin. (1)): 21 % from 1 August 2025' },
  { country: 'SE', standardRate: 2500, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'SI', standardRate: 2200, effectiveFrom: '2025-01-01', source: commissionTable },
  { country: 'SK', standardRate: 2300, effectiveFrom: '2025-01-01', source: commissionTable },
];

/** The table by country, its dates checked once: they are compared as text. */
const ratesByCountry = new Map<string, VatRateEntry[]>();
for (const entry of vatRateTable) {
  if (Temporal.PlainDate.from(entry.effectiveFrom).toString() !== entry.effectiveFrom) throw new Error(`VAT table: ${entry.effectiveFrom} is not an ISO date`);
  ratesByCountry.set(entry.country, [...(ratesByCountry.get(entry.country) ?? []), entry]);
}

/**
 * The standard rate in force in `country` on `date`, or undefined when the table does not
 * know the country or starts after the date — callers must refuse rather than guess.
 */
export function standardVatRateOn(country: CountryCode, date: Temporal.PlainDate): VatRateEntry | undefined {
  // ISO dates of four-digit years sort as text in calendar order
  const day = date.toString();
  let inForce: VatRateEntry | undefined;
  for (const entry of ratesByCountry.get(country) ?? []) {
    if (entry.effectiveFrom <= day && (!inForce || inForce.effectiveFrom < entry.effectiveFrom)) inForce = entry;
  }
  return inForce;
}
