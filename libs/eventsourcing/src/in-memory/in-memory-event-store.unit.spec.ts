// The in-memory store keeps the same contract as the database adapters, so unit tests written
// against it behave like the service in production.
import { eventStoreContractSuite } from '../../test/event-store-contract';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContractSuite('In-memory event store contract', async () => ({ store: new InMemoryEventStore(), close: async () => undefined }));
