import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { TokenVerifier, type AuthConfig } from './token-verifier';

/** Installs the bearer-token guard on every route of the service. */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig, environment: string): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TokenVerifier, useValue: TokenVerifier.fromConfig(config, environment) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier],
    };
  }
}
