// Operating a running platform: consumer lag, dead letters, the invariant checker, and the
// `billingctl` command line over them.
export { checkInvariants, invariants, type CheckOptions, type InvariantReport } from './invariants/check-invariants';
export type { InjectedMessage, Invariant, InvariantResult, InvariantViolation } from './invariants/invariant';
export { consumerLag, type GroupLag, type PartitionLag } from './consumer-lag';
export {
  deadLetterTopicName,
  inspectDeadLetter,
  listDeadLetterTopics,
  readDeadLetters,
  replayDeadLetters,
  type DeadLetter,
  type DeadLetterTopicSummary,
  type ReplayReport,
} from './dead-letters';
export { OperationsError, UsageError, exitCodes } from './operations-error';
export { OperatorHttp } from './operator-http';
export { targetFromEnvironment, serviceNames, type OperationsTarget, type ServiceName } from './target';
export { runBillingctl, type CommandIo } from './cli/billingctl';
