// Who may call the renewal service: every documented operation × every kind of caller (the table
// is built from the OpenAPI document). A customer's routes (/me/…) name no id: the token says whose.
import { authorizationSuite } from '@billing/service-testing';
import { renewalService } from '../src/service';

authorizationSuite(renewalService, { otherOperatorRoutes: ['GET /forecast'], env: { RENEWAL_SCHEDULER_INTERVAL_MS: '0' }, productionEnv: { RENEWAL_SCHEDULER_INTERVAL_MS: '0' } });
