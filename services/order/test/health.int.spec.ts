import { serviceHealthSuite } from '@billing/service-testing';
import { orderService } from '../src/service';

serviceHealthSuite(orderService, { entryPoint: require.resolve('../src/main.ts') });
