import { serviceHealthSuite } from '@billing/service-testing';
import { renewalService } from '../src/service';

serviceHealthSuite(renewalService, { entryPoint: require.resolve('../src/main.ts') });
