import { upcasterChain, type Upcaster } from './upcasting';

// ServiceActivated v1 named its fields `plan` and `expiration`; v2 renamed them; v3 added the
// renew mode, which was always automatic before it existed.
type ActivatedV1 = { serviceId: string; plan: string; expiration: string };
type ActivatedV2 = { serviceId: string; planCode: string; expirationDate: string };
type ActivatedV3 = ActivatedV2 & { renewMode: 'automatic' | 'manual' };

const renameFields: Upcaster<ActivatedV1, ActivatedV2> = {
  type: 'ServiceActivated',
  fromVersion: 1,
  upcast: ({ serviceId, plan, expiration }) => ({ serviceId, planCode: plan, expirationDate: expiration }),
};
const addRenewMode: Upcaster<ActivatedV2, ActivatedV3> = {
  type: 'ServiceActivated',
  fromVersion: 2,
  upcast: (data) => ({ ...data, renewMode: 'automatic' }),
};

describe('upcaster chain', () => {
  const chain = upcasterChain([addRenewMode, renameFields]);

  it('lifts a stored v1 event through every later version, in order', () => {
    const stored = { type: 'ServiceActivated', schemaVersion: 1, data: { serviceId: 'srv-1', plan: 'web-hosting-pro', expiration: '2026-03-01' } };
    expect(chain.upcast(stored)).toEqual({
      type: 'ServiceActivated',
      schemaVersion: 3,
      data: { serviceId: 'srv-1', planCode: 'web-hosting-pro', expirationDate: '2026-03-01', renewMode: 'automatic' },
    });
    expect(stored.schemaVersion).toBe(1);
  });

  it('starts from the version the event was stored at', () => {
    const v2 = { type: 'ServiceActivated', schemaVersion: 2, data: { serviceId: 'srv-1', planCode: 'p', expirationDate: '2026-03-01' } };
    expect(chain.upcast(v2)).toMatchObject({ schemaVersion: 3, data: { renewMode: 'automatic' } });
  });

  it('returns current events and other types unchanged', () => {
    const current = { type: 'ServiceActivated', schemaVersion: 3, data: {} };
    const other = { type: 'ServiceRenewModeChanged', schemaVersion: 1, data: {} };
    expect(chain.upcast(current)).toBe(current);
    expect(chain.upcast(other)).toBe(other);
  });

  it('tells writers the current version of each type', () => {
    expect(chain.currentVersion('ServiceActivated')).toBe(3);
    expect(chain.currentVersion('ServiceRenewModeChanged')).toBe(1);
  });

  it('names the type and version when an upcaster fails', () => {
    const failing = upcasterChain([{ type: 'InvoiceIssued', fromVersion: 1, upcast: () => { throw new Error('no amount'); } }]);
    expect(() => failing.upcast({ type: 'InvoiceIssued', schemaVersion: 1, data: {} })).toThrow('upcasting InvoiceIssued from version 1 failed: no amount');
  });

  it('refuses, at startup, two upcasters from one version or a hole between versions', () => {
    expect(() => upcasterChain([renameFields, { ...renameFields }])).toThrow(/two upcasters for ServiceActivated from version 1/);
    expect(() => upcasterChain([renameFields, { ...addRenewMode, fromVersion: 3 }])).toThrow(/no upcaster from version 2/);
    expect(() => upcasterChain([{ ...renameFields, fromVersion: 0 }])).toThrow(/versions start at 1/);
  });
});
