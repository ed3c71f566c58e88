import { serviceHealthSuite } from '@billing/service-testing';
import { subscriptionService } from '../src/service';

serviceHealthSuite(subscriptionService, { entryPoint: require.resolve('../src/main.ts') });
