// Reading a topic with kcat, a real Kafka client outside our code: what is on the wire, as any
// consumer would see it.
import { execFileSync } from 'node:child_process';
import { testKafkaBrokers } from '@billing/testing';

export interface TopicMessage {
  key: string;
  type: string;
  data: Record<string, unknown>;
}

/** Every message of a topic, from the beginning, parsed as our event envelopes. */
export function readTopicWithKcat(topic: string): TopicMessage[] {
  const output = execFileSync('kcat', ['-b', testKafkaBrokers()[0], '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\t%s\n'], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return output
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => {
      const [key, value] = [line.slice(0, line.indexOf('\t')), line.slice(line.indexOf('\t') + 1)];
      const envelope = JSON.parse(value) as { type: string; data: Record<string, unknown> };
      return { key, type: envelope.type, data: envelope.data };
    });
}
