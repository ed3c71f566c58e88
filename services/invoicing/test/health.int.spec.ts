import { serviceHealthSuite } from '@billing/service-testing';
import { invoicingService } from '../src/service';

serviceHealthSuite(invoicingService, { entryPoint: require.resolve('../src/main.ts') });
