// Who may call the renewal service: every documented operation × every kind of caller (the table
// is built from the OpenAPI document). A customer only ever reads his own renewals (/me/…): see cross-customer.int.spec.ts.
import { authorizationSuite } from '@billing/service-testing';
import { renewalService } from '../src/service';

authorizationSuite(renewalService, { otherOperatorRoutes: ['GET /forecast'], env: { RENEWAL_SCHEDULER_INTERVAL_MS: '0' }, productionEnv: { RENEWAL_SCHEDULER_INTERVAL_MS: '0' } });
