// The operations invariant checker (libs/operations, `billingctl check`), run on the chaos run's
// own databases, broker and services after the platform has drained: its view is the stores, the
// chaos run's own checks (./invariants.ts) read the topics; both must find nothing.
import { issueDevelopmentToken } from '@billing/auth';
import { checkInvariants, serviceNames, type OperationsTarget } from '@billing/operations';
import type { PlatformUnderTest } from '@billing/service-testing';
import type { InjectedPoison } from './faults';
import type { InvariantCategory, InvariantResult } from './invariants';

function categoryOf(name: string): InvariantCategory {
  if (/dead|malformed/i.test(name)) return 'dead-letters';
  if (/number|continu|gap/i.test(name)) return 'gapped';
  if (/twice|once|double|duplicate/i.test(name)) return 'doubled';
  return 'lost';
}

export async function externalInvariantChecks(
  platform: PlatformUnderTest,
  brokers: string,
  poison: readonly InjectedPoison[],
): Promise<{ ran: boolean; note: string; results: InvariantResult[] }> {
  const target: OperationsTarget = {
    brokers: [brokers],
    topicPrefix: platform.topicPrefix,
    databaseUrls: Object.fromEntries(serviceNames.map((name) => [name, platform.databaseUrl(name)])) as OperationsTarget['databaseUrls'],
    serviceUrls: Object.fromEntries(serviceNames.map((name) => [name, platform.url(name)])) as OperationsTarget['serviceUrls'],
    token: await issueDevelopmentToken('operator-chaos', { roles: ['operator'] }),
    environment: 'test',
  };
  const report = await checkInvariants({
    target,
    injectedMessages: poison.map((message) => ({ topic: message.topic, key: message.key, partition: message.partition, offset: message.offset })),
  });
  const results = report.invariants.map((result) => ({
    name: `checkInvariants: ${result.name} (${result.description})`,
    category: categoryOf(result.name),
    checked: result.checked,
    violations: result.violations.length + (result.error ? 1 : 0),
    examples: [...(result.error ? [`error: ${result.error}`] : []), ...result.violations.slice(0, 5).map((v) => `${v.id}: ${v.detail}`)],
  }));
  return { ran: true, note: `libs/operations checkInvariants ran at platform time ${report.platformTime}: ${report.ok ? 'ok' : 'VIOLATIONS'}`, results };
}
