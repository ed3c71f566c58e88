// Every Kafka client of a process connects to the cluster the same way: TLS and SASL are a
// property of the deployment, read once at boot (the platform's configuration applies them here)
// and used by every client, including those of libraries that are only handed a broker list.
import type { ConnectionOptions } from 'node:tls';
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { quietIdleRequestQueues } from './request-queue-timer';

// every client of the process, made here or not, runs on the same RequestQueue class
quietIdleRequestQueues();

export interface KafkaConnectionSecurity {
  /** TLS towards the brokers: `true` for the system's CAs, or the CA, client certificate and key. */
  ssl?: true | ConnectionOptions;
  sasl?: SASLOptions;
}

let processSecurity: KafkaConnectionSecurity = {};

/** Sets how every client this process creates from now on authenticates and encrypts. */
export function useKafkaConnectionSecurity(security: KafkaConnectionSecurity): void {
  processSecurity = { ...security };
}

export function kafkaConnectionSecurity(): KafkaConnectionSecurity {
  return processSecurity;
}

/** The client options with the process's TLS and SASL settings added. */
export function kafkaClientConfig(config: KafkaConfig): KafkaConfig {
  return { ...processSecurity, ...config };
}

/** A kafkajs client with the process's TLS and SASL settings. */
export function kafkaClient(config: KafkaConfig): Kafka {
  return new Kafka(kafkaClientConfig(config));
}
