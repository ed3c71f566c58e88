// The operations invariant checker (billingctl), run on the chaos run's databases when it exists
// in this checkout; until then the run relies on its own checks (./invariants.ts) and says so.
import type { PlatformUnderTest } from '@billing/service-testing';
import type { InvariantResult } from './invariants';

export async function externalInvariantChecks(platform: PlatformUnderTest): Promise<{ ran: boolean; note: string; results: InvariantResult[] }> {
  void platform;
  return { ran: false, note: 'no checkInvariants() in this checkout yet: only the chaos run\'s own checks ran', results: [] };
}
