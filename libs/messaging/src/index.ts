// Kafka consumer and producer runtime, dead letters, NestJS integration.
export { defineEvent, EventRegistry, type EnvelopeOf, type EventDefinition } from './events/event-registry';
export { eventMessage, headerText, type ConsumedEvent, type MessagePosition } from './events/event-message';
export { MessageDecoder, type DecodedMessage, type EventSelection, type PoisonReason } from './events/message-decoding';

export { whileBrokerSettles } from './kafka/broker-settling';
export { kafkaClient, kafkaClientConfig, kafkaConnectionSecurity, useKafkaConnectionSecurity, type KafkaConnectionSecurity } from './kafka/kafka-client';
export { defaultConsumerSettings, type ConsumerSettings } from './consuming/consumer-settings';
export { asksToRetryLater, defaultRetryPolicy, isStoreUnavailable, type RetryPolicy } from './consuming/retry-policy';

export type { Projection } from './projections/projection';
export { writeInKeyedSteps, type KeyedStepsPlan } from './projections/keyed-steps';
export { readCheckpoints, type ProjectionCheckpoint } from './projections/projection-checkpoints';
export { ProjectionRebuild, rebuildProjection, type ProjectionRebuildOptions, type RebuildReplay } from './projections/projection-rebuild';
export type { Reaction, ReactionIdempotency } from './reactions/reaction';

export { EventProducer, type EventProducerOptions } from './producing/event-producer';
export { TopicProvisioner, type TopicDefaults, type TopicProvisioning, type TopicSpec } from './topics/topic-provisioner';
export { MessagingMetrics, type MessageOutcome } from './metrics/messaging-metrics';
export { CreateMessagingTables1760000000000, IndexProcessedEventsAgeByBlockRange1760000000002, messagingMigrations } from './database/messaging-migrations';

export {
  MessagingRuntime,
  ProjectionRebuildRefused,
  type ConsumerRegistration,
  type MessagingDependencies,
  type MessagingOptions,
} from './messaging-runtime';
export { MessagingModule, type MessagingFeature, type MessagingModuleOptions } from './nest/messaging.module';
