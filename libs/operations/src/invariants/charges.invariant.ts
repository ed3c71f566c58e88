// No invoice is charged twice: the payment gateway's successful charges per invoice (the sandbox
// gateway's table; a real gateway would be asked through its API) and the invoice streams' own
// record of successful payments.
import type { Invariant, InvariantViolation } from './invariant';
import { limited } from './invariant';

// idempotency keys are `<invoiceId>:<attempt>`: one key per attempt, one charge per key
const gatewayChargesSql = `
  SELECT split_part(idempotency_key, ':', 1) AS invoice_id, count(*)::int AS charges,
         string_agg(charge_id::text || ' ' || currency || ' ' || amount, ', ' ORDER BY created_at) AS detail
    FROM payment_gateway_sandbox.charges
   WHERE status = 'succeeded'
   GROUP BY 1`;

const recordedPaymentsSql = `
  SELECT data->>'invoiceId' AS invoice_id, count(DISTINCT data->>'paymentId')::int AS payments
    FROM event_store.events
   WHERE event_type = 'PaymentSucceeded'
   GROUP BY 1`;

export const noInvoiceChargedTwice: Invariant = {
  name: 'no-invoice-charged-twice',
  description: 'no invoice is charged twice at the payment gateway',
  async check({ databases }) {
    const [gateway] = await databases.query<{ present: boolean }>('invoicing', `SELECT to_regclass('payment_gateway_sandbox.charges') IS NOT NULL AS present`);
    const [charges, payments] = await Promise.all([
      gateway.present ? databases.query<{ invoice_id: string; charges: number; detail: string }>('invoicing', gatewayChargesSql) : Promise.resolve([]),
      databases.query<{ invoice_id: string; payments: number }>('invoicing', recordedPaymentsSql),
    ]);
    const violations: InvariantViolation[] = [];
    for (const charge of charges) {
      if (charge.charges > 1) violations.push({ id: `invoice ${charge.invoice_id}`, detail: `${charge.charges} successful gateway charges: ${charge.detail}` });
    }
    for (const payment of payments) {
      if (payment.payments > 1) violations.push({ id: `invoice ${payment.invoice_id}`, detail: `${payment.payments} successful payments recorded` });
    }
    return {
      checked: new Set([...charges.map((charge) => charge.invoice_id), ...payments.map((payment) => payment.invoice_id)]).size,
      violations: limited(violations),
      notes: gateway.present ? [] : ['no sandbox gateway table: only the recorded payments were checked'],
    };
  },
};
