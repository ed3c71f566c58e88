// Every documented operation of the renewal service under random and hostile requests: no 5xx, and
// every refusal with a reason code (HTTP_FUZZ_RUNS sets the runs per operation).
import { httpFuzzSuite } from '@billing/service-testing';
import { renewalService } from '../src/service';

jest.setTimeout(300_000);

httpFuzzSuite(renewalService, { env: { RENEWAL_SCHEDULER_INTERVAL_MS: '0' } });
