// Who may call the subscription service: every documented operation × every kind of caller (the table
// is built from the OpenAPI document). Another customer's service: see services-lifecycle.int.spec.ts and cross-customer.int.spec.ts.
import { authorizationSuite } from '@billing/service-testing';
import { subscriptionService } from '../src/service';

authorizationSuite(subscriptionService, { productionEnv: { TERMINATION_TOKEN_SECRET: 'a-production-termination-secret-of-32-chars' } });
