// The service's own settings, read once from the configuration and shared with the commands,
// the import, the scheduler and the outbox mapping.
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TerminationTokens } from './commands/termination-tokens';
import type { SubscriptionConfig } from './config';

export const SUBSCRIPTION_SETTINGS = Symbol('SUBSCRIPTION_SETTINGS');

export interface SubscriptionSettings {
  terminationTokenTtlHours: number;
  contractVersion: string;
  importBatchSize: number;
  terminationSchedulerIntervalMs: number;
}

export function subscriptionSettingsOf(config: SubscriptionConfig): SubscriptionSettings {
  return {
    terminationTokenTtlHours: config.TERMINATION_TOKEN_TTL_HOURS,
    contractVersion: config.CONTRACT_VERSION,
    importBatchSize: config.IMPORT_BATCH_SIZE,
    terminationSchedulerIntervalMs: config.TERMINATION_SCHEDULER_INTERVAL_MS,
  };
}

@Global()
@Module({})
export class SubscriptionSettingsModule {
  static forRoot(config: SubscriptionConfig, tokens: TerminationTokens): DynamicModule {
    return {
      module: SubscriptionSettingsModule,
      providers: [
        { provide: SUBSCRIPTION_SETTINGS, useValue: subscriptionSettingsOf(config) },
        { provide: TerminationTokens, useValue: tokens },
      ],
      exports: [SUBSCRIPTION_SETTINGS, TerminationTokens],
    };
  }
}
