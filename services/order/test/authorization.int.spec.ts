// Who may call the order service: every documented operation × every kind of caller (the table
// is built from the OpenAPI document). Another customer's order: see order-lifecycle.int.spec.ts.
import { authorizationSuite } from '@billing/service-testing';
import { orderService } from '../src/service';

authorizationSuite(orderService);
