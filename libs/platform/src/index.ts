// What every service process shares: validated configuration, JSON logs, database wiring,
// health, metrics and the boot/shutdown sequence.
export * from './bootstrap/bootstrap';
export * from './config/config';
export * from './config/connection-security';
export * from './database/database';
export * from './database/postgres-ssl';
export * from './tracing/tracing';
export * from './health/health';
export * from './health/kafka-health';
export * from './logging/logging';
export * from './metrics/metrics';
export * from './clock/clock';
export * from './http/domain-error.filter';
export * from './http/zod-validation.pipe';
export * from './clock/clock.module';
export * from './event-sourcing/event-sourcing.module';
export * from './clock/test-clock.module';
export * from './operations/operator-projections.module';
