import { canonicalJson, orderIdForIdempotencyKey, requestHashOf } from './idempotency';

describe('idempotent order ids and request hashes', () => {
  it('derives the same UUID for the same customer and key, another for any other pair', () => {
    const id = orderIdForIdempotencyKey('cust-1', 'key-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(orderIdForIdempotencyKey('cust-1', 'key-1')).toBe(id);
    expect(orderIdForIdempotencyKey('cust-2', 'key-1')).not.toBe(id);
    expect(orderIdForIdempotencyKey('cust-1', 'key-2')).not.toBe(id);
    expect(orderIdForIdempotencyKey('Cust-1', 'key-1')).not.toBe(id);
    // no collision by moving characters between customer and key
    expect(orderIdForIdempotencyKey('cust-1/k', 'ey')).not.toBe(orderIdForIdempotencyKey('cust-1', 'k/ey'));
  });

  it('hashes a request whatever the order of its keys, and tells different requests apart', () => {
    const request = { subsidiary: 'FR', autoPay: true, items: [{ planCode: 'web-hosting-pro', period: 'P1Y', quantity: 1 }] };
    const reordered = { items: [{ quantity: 1, period: 'P1Y', planCode: 'web-hosting-pro' }], autoPay: true, subsidiary: 'FR' };
    expect(canonicalJson(reordered)).toBe(canonicalJson(request));
    expect(requestHashOf(reordered)).toBe(requestHashOf(request));
    expect(requestHashOf({ ...request, autoPay: false })).not.toBe(requestHashOf(request));
    expect(requestHashOf({ ...request, items: [{ ...request.items[0], quantity: 2 }] })).not.toBe(requestHashOf(request));
  });
});
