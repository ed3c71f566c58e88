import { newTimeOrderedId } from '@billing/eventsourcing';
import fc from 'fast-check';
import { serviceIdOfDeliveredUnit, serviceIdOfLegacyService } from './service-ids';

const timeOf = (id: string) => id.slice(0, 8) + id.slice(9, 13);

describe('service ids', () => {
  it('gives a delivered unit the same id every time, one per unit', () => {
    fc.assert(
      fc.property(fc.uuid({ version: [4, 7] }), fc.uuid(), fc.nat(20), (orderId, itemId, index) => {
        const id = serviceIdOfDeliveredUnit(orderId, itemId, index);
        expect(serviceIdOfDeliveredUnit(orderId.toUpperCase(), itemId.toUpperCase(), index)).toBe(id);
        expect(serviceIdOfDeliveredUnit(orderId, itemId, index + 1)).not.toBe(id);
      }),
    );
  });

  it("sorts the units of an order placed now by the order's time, and keeps the ids of orders placed before", () => {
    const orderId = newTimeOrderedId();
    const unit = serviceIdOfDeliveredUnit(orderId, 'b7c1d2e3-f405-4617-8829-3a4b5c6d7e8f', 0);
    expect(unit).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8/);
    expect(timeOf(unit)).toBe(timeOf(orderId));
    // an order id drawn at random (before ids were time-ordered): the unit keeps the UUID v5 the
    // previous release gave it
    expect(serviceIdOfDeliveredUnit('3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c', 'b7c1d2e3-f405-4617-8829-3a4b5c6d7e8f', 0)).toBe('18df3cbb-94c7-565c-9714-d4d11ed08e46');
  });

  it('names a legacy service from its legacy id alone (UUID v5), so a re-run import finds it', () => {
    expect(serviceIdOfLegacyService('LEG-000123')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5/);
    expect(serviceIdOfLegacyService('LEG-000123')).toBe(serviceIdOfLegacyService('LEG-000123'));
  });
});
