import { serviceHealthSuite } from '@billing/testing';
import { subscriptionService } from '../src/service';

serviceHealthSuite(subscriptionService, { entryPoint: require.resolve('../src/main.ts') });
