import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { RenewalConfig } from './config';
import { RENEWAL_POLICY, RENEWAL_TOPICS, renewalPolicyOf, renewalTopicsOf, SCHEDULER_SETTINGS, schedulerSettingsOf } from './renewal-policy';

/** The renewal policy, the (prefixed) topic names and the scheduler's settings, for every feature. */
@Global()
@Module({})
export class RenewalSettingsModule {
  static forRoot(config: RenewalConfig): DynamicModule {
    const providers = [
      { provide: RENEWAL_POLICY, useValue: renewalPolicyOf(config) },
      { provide: RENEWAL_TOPICS, useValue: renewalTopicsOf(config) },
      { provide: SCHEDULER_SETTINGS, useValue: schedulerSettingsOf(config) },
    ];
    return { module: RenewalSettingsModule, providers, exports: providers.map(({ provide }) => provide) };
  }
}
