// Integration events, topic names and their schemas: what services share about each other.
export * from './envelope';
export * from './topics';
export * from './vocabulary';
export * from './event-definition';
export * from './events/orders';
export * from './events/services';
export * from './events/renewals';
export * from './events/invoices';
export * from './registry';
export * from './examples';
