// Event store port, PostgreSQL and KurrentDB adapters, command handling, outbox relay.
export * from './event-store/event-store';
export * from './event-store/upcasting';
export * from './event-store/wrong-expected-version-error';
export * from './postgres/postgres-event-store';
export * from './postgres/event-store-migrations';
export { EVENT_APPENDED_CHANNEL } from './postgres/event-store-sql';
export type { PostgresConnection } from './postgres/postgres-connection';
export { namedStatement, runStatement, runStatementWith, usePreparedStatements, type NamedStatement } from './postgres/named-statements';
export * from './kurrentdb/kurrentdb-event-store';
export * from './in-memory/in-memory-event-store';
export * from './decider/decider';
export * from './decider/command-handler';
export * from './decider/batch-command-handler';
export * from './decider/stream-state-cache';
export * from './event-ids/event-ids';
export * from './outbox/outbox-messages';
export * from './outbox/outbox-relay';
