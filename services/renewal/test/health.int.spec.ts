import { serviceHealthSuite } from '@billing/testing';
import { renewalService } from '../src/service';

serviceHealthSuite(renewalService, { entryPoint: require.resolve('../src/main.ts') });
