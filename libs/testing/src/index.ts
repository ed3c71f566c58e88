// Test infrastructure shared by every project's suites.
export * from './infrastructure/environment';
export * from './infrastructure/kafka';
export * from './infrastructure/kafka-broker';
export * from './infrastructure/private-broker';
export * from './infrastructure/postgres';
export * from './infrastructure/wait';
export * from './decider/decider-specification';
