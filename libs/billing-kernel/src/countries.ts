// Countries as tax rules see them: ISO 3166-1 codes, the EU member states, and the territories
// whose consumers are taxed as another country's.

/**
 * ISO 3166-1 alpha-2 officially assigned codes, plus XK (Kosovo, used by the European Commission
 * and most payment networks). Withdrawn and exceptionally reserved codes (UK, EU, FX, EL, …) are
 * rejected: a typo in a customer's country must not silently become "outside the EU, no VAT".
 */
const countryCodes = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
   BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
   DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
   GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
   KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
   MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
   PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
   SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
   VN VU WF WS XK YE YT ZA ZM ZW`.split(/\s+/),
);

/** An ISO 3166-1 alpha-2 country code, upper case ("FR", "GR", "US"). */
export type CountryCode = string;

export function isCountryCode(code: unknown): code is CountryCode {
  return typeof code === 'string' && countryCodes.has(code);
}

/** The 27 member states since 2020-02-01 (the United Kingdom left on 2020-01-31). */
export const euMemberStates: readonly CountryCode[] = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
];

export function isEuMemberState(country: CountryCode): boolean {
  return euMemberStates.includes(country);
}

/**
 * The country whose VAT applies to a consumer living in `country`. Monaco is taxed as France
 * (Directive 2006/112/EC art. 7(1)) and the Isle of Man as the United Kingdom (Isle of Man Act
 * 1979: one VAT area); every other country is its own.
 */
export function vatTerritoryOf(country: CountryCode): CountryCode {
  return country === 'MC' ? 'FR' : country === 'IM' ? 'GB' : country;
}
