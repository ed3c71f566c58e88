// Who may call the invoicing service: every documented operation × every kind of caller (the table
// is built from the OpenAPI document). Another customer's bills and payment methods: see order-invoices.int.spec.ts and cross-customer.int.spec.ts.
import { authorizationSuite } from '@billing/service-testing';
import { invoicingService } from '../src/service';

authorizationSuite(invoicingService);
