// Every documented operation of the invoicing service under random and hostile requests: no 5xx, and
// every refusal with a reason code (HTTP_FUZZ_RUNS sets the runs per operation).
import { httpFuzzSuite } from '@billing/service-testing';
import { invoicingService } from '../src/service';

jest.setTimeout(300_000);

httpFuzzSuite(invoicingService);
