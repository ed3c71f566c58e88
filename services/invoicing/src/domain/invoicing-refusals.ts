// Why invoicing refuses a request. Plain errors with a `reason` code and a `kind`; the platform's
// error filter turns the kind into the HTTP status at the edge (400/404/409/422).
export type InvoicingRefusalKind = 'invalidRequest' | 'notFound' | 'conflict' | 'rejected';

export abstract class InvoicingRefusal extends Error {
  abstract readonly reason: string;
  abstract readonly kind: InvoicingRefusalKind;
}

/** No account for this customer yet (GET /me before PUT /me, a payment method without an account). */
export class CustomerAccountNotFound extends InvoicingRefusal {
  readonly reason = 'CUSTOMER_ACCOUNT_NOT_FOUND';
  readonly kind = 'notFound';
  override readonly name = 'CustomerAccountNotFound';

  constructor(customerId: string) {
    super(`customer ${customerId} has no account yet: PUT /me first`);
  }
}

/** Unknown payment method, or another customer's: never reveal that it exists. */
export class PaymentMethodNotFound extends InvoicingRefusal {
  readonly reason = 'PAYMENT_METHOD_NOT_FOUND';
  readonly kind = 'notFound';
  override readonly name = 'PaymentMethodNotFound';

  constructor(paymentMethodId: string) {
    super(`payment method ${paymentMethodId} not found`);
  }
}

/** The account cannot be taxed as given (malformed VAT number, unknown country or subsidiary). */
export class CustomerProfileRefused extends InvoicingRefusal {
  readonly kind = 'invalidRequest';
  override readonly name = 'CustomerProfileRefused';

  constructor(
    readonly reason: 'INVALID_VAT_NUMBER' | 'UNKNOWN_COUNTRY' | 'UNKNOWN_SUBSIDIARY',
    message: string,
  ) {
    super(message);
  }
}

/** Unknown invoice or credit note, or another customer's. */
export class BillNotFound extends InvoicingRefusal {
  readonly reason = 'BILL_NOT_FOUND';
  readonly kind = 'notFound';
  override readonly name = 'BillNotFound';

  constructor(billId: string) {
    super(`bill ${billId} not found`);
  }
}

export class InvoiceAlreadyPaid extends InvoicingRefusal {
  readonly reason = 'INVOICE_ALREADY_PAID';
  readonly kind = 'conflict';
  override readonly name = 'InvoiceAlreadyPaid';

  constructor(invoiceId: string) {
    super(`invoice ${invoiceId} is paid already`);
  }
}

/** Credited in full before it was paid: nothing is owed. */
export class InvoiceCancelled extends InvoicingRefusal {
  readonly reason = 'INVOICE_CANCELLED';
  readonly kind = 'conflict';
  override readonly name = 'InvoiceCancelled';

  constructor(invoiceId: string) {
    super(`invoice ${invoiceId} was credited in full: nothing is due`);
  }
}

/**
 * An attempt is at the gateway and its outcome is not known yet: a second one could charge twice.
 * The reconciler settles it by asking the gateway. A consumer asked to credit the invoice meanwhile
 * tries again later (`retryLater`: messaging waits for it longer than for a failure, instead of
 * dead-lettering the credit after a few seconds).
 */
export class PaymentInProgress extends InvoicingRefusal {
  readonly reason = 'PAYMENT_IN_PROGRESS';
  readonly kind = 'conflict';
  override readonly name = 'PaymentInProgress';
  readonly retryLater = true;

  constructor(invoiceId: string, attempt: number) {
    super(`payment attempt ${attempt} of invoice ${invoiceId} is in progress`);
  }
}

/** A credit note may not credit more than the invoice still carries. */
export class CreditExceedsInvoice extends InvoicingRefusal {
  readonly reason = 'CREDIT_EXCEEDS_INVOICE';
  readonly kind = 'rejected';
  override readonly name = 'CreditExceedsInvoice';

  constructor(invoiceId: string) {
    super(`the credit exceeds what invoice ${invoiceId} still carries`);
  }
}

/** The invoice cannot be taxed (the kernel's TaxError, e.g. no VAT rate known on the issue date). */
export class InvoiceTaxRefused extends InvoicingRefusal {
  readonly kind = 'rejected';
  override readonly name = 'InvoiceTaxRefused';

  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Something nobody should ask: an outcome for an attempt that was never started. */
export class UnknownPaymentAttempt extends InvoicingRefusal {
  readonly reason = 'UNKNOWN_PAYMENT_ATTEMPT';
  readonly kind = 'conflict';
  override readonly name = 'UnknownPaymentAttempt';

  constructor(invoiceId: string, attempt: number) {
    super(`invoice ${invoiceId} has no payment attempt ${attempt} in progress`);
  }
}
