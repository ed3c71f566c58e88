// Readiness of the Kafka cluster: a metadata request through a short-lived admin client, with a
// deadline, so a stopped broker turns the probe red in seconds instead of hanging it.
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { kafkaClient } from '@billing/messaging';
import { logLevel } from 'kafkajs';

@Injectable()
export class KafkaHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  async isHealthy(key: string, brokers: string[], timeoutMs = 3_000) {
    const indicator = this.indicators.check(key);
    const kafka = kafkaClient({
      clientId: 'health',
      brokers,
      connectionTimeout: Math.min(timeoutMs, 1_000),
      requestTimeout: timeoutMs,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from ${brokers.join(',')} within ${timeoutMs} ms`)), timeoutMs);
      });
      const cluster = await Promise.race([admin.connect().then(() => admin.describeCluster()), deadline]);
      return indicator.up({ brokers: cluster.brokers.length, controller: cluster.controller });
    } catch (error) {
      return indicator.down({ message: `Kafka unreachable: ${(error as Error).message}` });
    } finally {
      clearTimeout(timer);
      admin.disconnect().catch(() => undefined);
    }
  }
}
