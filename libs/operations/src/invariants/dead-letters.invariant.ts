// Every malformed message is in a dead-letter topic, as far as it can be seen from outside:
// - each message a chaos run says it injected is found in the dead-letter topic of its topic;
// - each consumer group has published at least as many dead letters per topic as its services'
//   `messaging_dead_letters_total` counters say it dead-lettered since they started.
import { deadLetterHeaders } from '@billing/contracts';
import { deadLetterTopicName, listDeadLetterTopics } from '../dead-letters';
import { operatorKafka, readTopic, type TopicMessage } from '../kafka-reading';
import { prefixed, serviceNames, type OperationsTarget } from '../target';
import type { InjectedMessage, Invariant, InvariantViolation } from './invariant';
import { limited } from './invariant';

interface DeadLetterCount {
  group: string;
  topic: string;
  count: number;
}

export const malformedMessagesDeadLettered: Invariant = {
  name: 'malformed-messages-dead-lettered',
  description: 'every malformed message is in a dead-letter topic',
  async check({ target, injectedMessages }) {
    const notes: string[] = [];
    const counted = await deadLetterCounters(target, notes);
    const injectedTopics = injectedMessages.map((message) => deadLetterTopicName(target, message.topic));
    const summaries = await listDeadLetterTopics(target);
    const needed = new Set([...injectedTopics, ...counted.map((entry) => deadLetterTopicName(target, entry.topic))]);
    const letters = new Map<string, TopicMessage[]>();
    const kafka = operatorKafka(target);
    for (const summary of summaries) {
      if (!needed.has(summary.topic)) continue;
      const ranges = summary.partitions.map((partition) => ({ partition: partition.partition, from: BigInt(partition.low), to: BigInt(partition.high) }));
      letters.set(summary.topic, await readTopic(kafka, summary.topic, ranges));
    }

    const violations: InvariantViolation[] = [];
    for (const injected of injectedMessages) {
      const topic = deadLetterTopicName(target, injected.topic);
      if (!(letters.get(topic) ?? []).some((letter) => matches(letter, injected))) {
        violations.push({ id: `injected ${describe(injected)}`, detail: `not found in ${topic}` });
      }
    }
    for (const entry of counted) {
      const topic = deadLetterTopicName(target, entry.topic);
      const published = (letters.get(topic) ?? []).filter(
        (letter) => letter.headers[deadLetterHeaders.consumerGroup] === entry.group && letter.headers[deadLetterHeaders.originTopic] === entry.topic,
      ).length;
      if (published < entry.count) {
        violations.push({ id: `group ${entry.group} topic ${entry.topic}`, detail: `${entry.count} dead-lettered by the metric, ${published} in ${topic}` });
      }
    }
    const inTopics = summaries.reduce((sum, summary) => sum + summary.messages, 0);
    notes.push(`${inTopics} message(s) in ${summaries.length} dead-letter topic(s)`);
    return { checked: injectedMessages.length + counted.reduce((sum, entry) => sum + entry.count, 0), violations: limited(violations), notes };
  },
};

function matches(letter: TopicMessage, injected: InjectedMessage): boolean {
  if (injected.key !== undefined && letter.key !== injected.key) return false;
  if (injected.eventId !== undefined && letter.headers['event-id'] !== injected.eventId && !letter.value?.toString('utf8').includes(injected.eventId)) return false;
  if (injected.partition !== undefined && letter.headers[deadLetterHeaders.originPartition] !== String(injected.partition)) return false;
  if (injected.offset !== undefined && letter.headers[deadLetterHeaders.originOffset] !== injected.offset) return false;
  return injected.key !== undefined || injected.eventId !== undefined || injected.offset !== undefined;
}

function describe(injected: InjectedMessage): string {
  const at = injected.partition !== undefined || injected.offset !== undefined ? ` at ${injected.partition ?? '?'}:${injected.offset ?? '?'}` : '';
  return `${injected.topic}${injected.key !== undefined ? ` key ${injected.key}` : ''}${injected.eventId ? ` event ${injected.eventId}` : ''}${at}`;
}

/** `messaging_dead_letters_total` of every service that answers, summed per group and origin topic. */
async function deadLetterCounters(target: OperationsTarget, notes: string[]): Promise<DeadLetterCount[]> {
  const counts = new Map<string, DeadLetterCount>();
  for (const service of serviceNames) {
    let text: string;
    try {
      const response = await fetch(`${target.serviceUrls[service]}/metrics`, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`status ${response.status}`);
      text = await response.text();
    } catch (error) {
      notes.push(`${service} /metrics unreachable (${(error as Error).message}): its dead-letter counter not compared`);
      continue;
    }
    for (const line of text.split('\n')) {
      const match = /^messaging_dead_letters_total\{([^}]*)\}\s+([0-9.e+]+)/.exec(line);
      if (!match) continue;
      const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, name, value]) => [name, value]));
      if (!labels.group?.startsWith(`${prefixed(target, service)}.`)) continue;
      const key = `${labels.group} ${labels.topic}`;
      const entry = counts.get(key) ?? { group: labels.group, topic: labels.topic, count: 0 };
      entry.count += Number(match[2]);
      counts.set(key, entry);
    }
  }
  return [...counts.values()].filter((entry) => entry.count > 0);
}
