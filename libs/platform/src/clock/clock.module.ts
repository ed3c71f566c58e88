import { Module, type DynamicModule } from '@nestjs/common';
import { AdjustableClock, CLOCK, SystemClock } from './clock';

/**
 * Provides the service's Clock: the system clock in production, an adjustable one elsewhere
 * (the test clock moves it; until then it reads the system time).
 */
@Module({})
export class ClockModule {
  static forRoot(environment: string): DynamicModule {
    return {
      module: ClockModule,
      global: true,
      providers: [{ provide: CLOCK, useValue: environment === 'production' ? new SystemClock() : new AdjustableClock() }],
      exports: [CLOCK],
    };
  }
}
