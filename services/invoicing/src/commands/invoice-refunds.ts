// Refunds of credit notes issued against paid invoices: the money goes back through the gateway,
// to the charge that paid the invoice. The credit note's transaction records the refund as owed
// (refunds_in_flight); the gateway is asked with the key `refund:${creditNoteId}`, which it honours
// once; its answer is stored, and the row deleted, in one transaction. A crash or a lost answer in
// between leaves the row, and the reconciler asks again with the same key: never two refunds.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventMetadata } from '@billing/contracts';
import { derivedEventId, WrongExpectedVersionError, type PostgresEventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import { evolveInvoice, invoiceStreamId, refundIdempotencyKey, refundsOwed, type InvoiceState } from '../domain/invoice';
import { decideInvoice, type RefundOutcome } from '../domain/invoice.decide';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../payments/payment-gateway';
import { InvoiceIssuing } from './invoice-issuing';

const MAX_ATTEMPTS = 3;

const deleteRefundInFlightSql = `DELETE FROM refunds_in_flight WHERE idempotency_key = $1`;

@Injectable()
export class InvoiceRefunds {
  private readonly logger = new Logger(InvoiceRefunds.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    private readonly invoices: InvoiceIssuing,
  ) {}

  /**
   * Pays back each refunded credit note of the invoice that has no outcome yet. An answer that does
   * not come back leaves the refund owed, for the reconciler; the others are recorded.
   */
  async refundOwed(invoiceId: string, metadataOf: (occurredAt: string) => EventMetadata): Promise<InvoiceState> {
    let { state } = await this.invoices.load(invoiceId);
    for (const note of refundsOwed(state)) {
      if (state.status !== 'paid') break;
      let outcome: RefundOutcome;
      try {
        const answer = await this.gateway.refund({
          idempotencyKey: refundIdempotencyKey(note.creditNoteId),
          chargeId: state.payment.gatewayChargeId,
          amount: note.totals.withTax,
          customerId: note.customerId,
          description: `Credit note ${note.number} (invoice ${note.invoiceNumber})`,
        });
        outcome = answer.status === 'succeeded' ? { kind: 'succeeded', gatewayRefundId: answer.refundId } : { kind: 'failed', reason: answer.reason };
      } catch (error) {
        const cause = (error as Error).cause instanceof Error ? `: ${((error as Error).cause as Error).message}` : '';
        this.logger.warn({ msg: 'refund outcome unknown: left to the reconciler', invoiceId, creditNoteId: note.creditNoteId, error: `${(error as Error).message}${cause}` });
        continue;
      }
      if (outcome.kind === 'failed') {
        this.logger.error({ msg: 'the gateway refused a refund: an operator must pay it back', invoiceId, creditNoteId: note.creditNoteId, reason: outcome.reason });
      }
      state = await this.record(invoiceId, note.creditNoteId, outcome, metadataOf);
    }
    return state;
  }

  /** Stores the gateway's answer and ends the refund's in-flight row in the same transaction. */
  private async record(invoiceId: string, creditNoteId: string, outcome: RefundOutcome, metadataOf: (occurredAt: string) => EventMetadata): Promise<InvoiceState> {
    for (let race = 1; ; race++) {
      const { state, version } = await this.invoices.load(invoiceId);
      const at = instantText(this.clock.now());
      const events = decideInvoice({ type: 'RecordRefundOutcome', data: { invoiceId, creditNoteId, outcome, at } }, state);
      try {
        await this.store.appendWithinTransaction(invoiceStreamId(invoiceId), { expectedVersion: version === 0 ? 'noStream' : version }, async (client) => {
          await client.query(deleteRefundInFlightSql, [refundIdempotencyKey(creditNoteId)]);
          return events.map((event) => ({ ...event, eventId: derivedEventId(creditNoteId, `refund:${event.type}`), metadata: metadataOf(at) }));
        });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && race < MAX_ATTEMPTS) continue;
        throw error;
      }
      // the stream is what was loaded plus these events: no need to read it again
      return events.reduce(evolveInvoice, state);
    }
  }
}
