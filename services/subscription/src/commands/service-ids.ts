// Service ids are derived, never drawn: the same delivered unit or legacy service always gets
// the same id, so a repeated OrderDelivered or a re-run import finds the stream and adds nothing.
// (`derivedEventId`: a delivered unit's id carries its order id's time; a legacy id is a UUID v5.)
import { derivedEventId } from '@billing/eventsourcing';

/** Names the legacy system's ids apart from any platform id. */
const LEGACY_SERVICES_NAMESPACE = '6f0e4c1a-7b2d-5e3f-9a8b-1c2d3e4f5a6b';

/** The service of the `index`-th unit (0-based) of an order item. */
export function serviceIdOfDeliveredUnit(orderId: string, itemId: string, index: number): string {
  return derivedEventId(orderId, `service/${itemId.toLowerCase()}/${index}`);
}

export function serviceIdOfLegacyService(legacyServiceId: string): string {
  return derivedEventId(LEGACY_SERVICES_NAMESPACE, `legacy-service/${legacyServiceId}`);
}
