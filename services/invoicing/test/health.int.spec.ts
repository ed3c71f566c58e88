import { serviceHealthSuite } from '@billing/testing';
import { invoicingService } from '../src/service';

serviceHealthSuite(invoicingService, { entryPoint: require.resolve('../src/main.ts') });
