import { serviceHealthSuite } from '@billing/testing';
import { orderService } from '../src/service';

serviceHealthSuite(orderService, { entryPoint: require.resolve('../src/main.ts') });
