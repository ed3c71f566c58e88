import { euMemberStates, isCountryCode, isEuMemberState, vatTerritoryOf } from './countries';

describe('countries', () => {
  it('accepts ISO 3166-1 alpha-2 codes and refuses reserved or mistyped ones', () => {
    for (const code of ['FR', 'GR', 'US', 'CA', 'MC', 'CH', 'XK', 'AX']) expect(isCountryCode(code)).toBe(true);
    for (const code of ['UK', 'EL', 'EU', 'FX', 'fr', 'FRA', '', 'ZZ']) expect(isCountryCode(code)).toBe(false);
    expect(isCountryCode(undefined)).toBe(false);
  });

  it('lists the 27 member states, without the United Kingdom since Brexit', () => {
    expect(euMemberStates).toHaveLength(27);
    expect(new Set(euMemberStates).size).toBe(27);
    euMemberStates.forEach((code) => expect(isCountryCode(code)).toBe(true));
    expect(isEuMemberState('GR')).toBe(true);
    expect(isEuMemberState('FI')).toBe(true);
    expect(isEuMemberState('GB')).toBe(false);
    expect(isEuMemberState('CH')).toBe(false);
    expect(isEuMemberState('NO')).toBe(false);
  });

  it('taxes Monaco as France and the Isle of Man as the United Kingdom', () => {
    expect(vatTerritoryOf('MC')).toBe('FR');
    expect(vatTerritoryOf('IM')).toBe('GB');
    expect(vatTerritoryOf('DE')).toBe('DE');
    expect(vatTerritoryOf('CH')).toBe('CH');
  });
});
