// Why the order service refuses a request. Plain errors with a `reason` code and a `kind`; the
// platform's error filter turns the kind into the HTTP status at the edge (400/404/409/422).
export type OrderRefusalKind = 'invalidRequest' | 'notFound' | 'conflict' | 'notSellable' | 'rejected';

export abstract class OrderRefusal extends Error {
  abstract readonly reason: string;
  abstract readonly kind: OrderRefusalKind;
  readonly details?: Record<string, unknown>;
}

/** Unknown order, or someone else's: never reveal that it exists. */
export class OrderNotFound extends OrderRefusal {
  readonly reason = 'ORDER_NOT_FOUND';
  readonly kind = 'notFound';
  override readonly name = 'OrderNotFound';

  constructor(orderId: string) {
    super(`order ${orderId} not found`);
  }
}

/**
 * A one-click order charged automatically needs the payment method to charge. The order service
 * cannot see invoicing's payment methods: whether this one belongs to the customer is checked by
 * invoicing, whose refusal comes back as a failed payment (the order goes notPaid).
 */
export class PaymentMethodRequired extends OrderRefusal {
  readonly reason = 'PAYMENT_METHOD_REQUIRED';
  readonly kind = 'rejected';
  override readonly name = 'PaymentMethodRequired';

  constructor() {
    super('autoPay needs a paymentMethodId to charge');
  }
}

/** The same Idempotency-Key came back with another request. */
export class IdempotencyKeyReused extends OrderRefusal {
  readonly reason = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind = 'rejected';
  override readonly name = 'IdempotencyKeyReused';

  constructor() {
    super('this Idempotency-Key was used for another order request');
  }
}

/** Cancel is possible only before the order is paid (checking, notPaid). */
export class OrderNotCancellable extends OrderRefusal {
  readonly reason = 'ORDER_NOT_CANCELLABLE';
  readonly kind = 'conflict';
  override readonly name = 'OrderNotCancellable';

  constructor(orderId: string, status: string) {
    super(`order ${orderId} is ${status}: only an order not paid yet can be cancelled`);
  }
}

/** Withdrawal is from a delivered order only. */
export class OrderNotDelivered extends OrderRefusal {
  readonly reason = 'ORDER_NOT_DELIVERED';
  readonly kind = 'conflict';
  override readonly name = 'OrderNotDelivered';

  constructor(orderId: string, status: string) {
    super(`order ${orderId} is ${status}: only a delivered order can be withdrawn from`);
  }
}

/** The withdrawal right is an EU consumer's: not a business's, not outside the EU. */
export class WithdrawalNotApplicable extends OrderRefusal {
  readonly reason = 'WITHDRAWAL_NOT_APPLICABLE';
  readonly kind = 'rejected';
  override readonly name = 'WithdrawalNotApplicable';
}

export class WithdrawalPeriodOver extends OrderRefusal {
  readonly reason = 'WITHDRAWAL_PERIOD_OVER';
  readonly kind = 'rejected';
  override readonly name = 'WithdrawalPeriodOver';
}
