// JSON logs through pino (nestjs-pino for Nest and HTTP); secrets and tokens are redacted.
import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import type { LoggerOptions } from 'pino';

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  '*.password',
  '*.token',
  '*.cardNumber',
  // an error or a client config logged whole: its request headers, its SASL credentials
  '*.headers.authorization',
  '*.authorization',
  '*.sasl.password',
  '*.secret',
];

export function pinoOptions(service: string, level: string, pretty: boolean): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'HH:MM:ss.l' } } } : {}),
  };
}

export function loggingModule(service: string, level: string, pretty: boolean): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      ...pinoOptions(service, level, pretty),
      // health and metrics are polled constantly: logging them drowns everything else
      autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
    },
  });
}
