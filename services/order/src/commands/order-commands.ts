// Runs the Order aggregate's commands: prices with the catalog, stamps time and ids, and appends
// through the command handler (the outbox relay publishes what is appended). HTTP and the
// invoicing reaction both come through here.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { shippedCatalog } from '@billing/billing-kernel';
import type { EventEnvelope, EventMetadata } from '@billing/contracts';
import { BatchCommandHandler, CommandHandler, derivedEventId, foldEvents, newTimeOrderedId, PostgresEventStore, StreamStateCache, type EventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import { orderStreamId, type OrderEvent, type OrderPlacedData, type OrderState, type PlacedOrderState, type PricedOrder } from '../domain/order';
import {
  isRetryOfPlacedOrder,
  orderDecider,
  type OrderCommand,
  type RecordInvoiceIssued,
  type RecordInvoicePaid,
  type RecordInvoicePaymentFailed,
} from '../domain/order.decide';
import { priceOrder, type OrderRequest } from '../domain/order-pricing';
import { OrderNotFound, PaymentMethodRequired } from '../domain/order-refusals';
import { OrderMetrics } from '../metrics/order-metrics';
import { orderIdForIdempotencyKey, requestHashOf } from './idempotency';

export type PlaceOrderRequest = OrderRequest & Readonly<{ autoPay: boolean; paymentMethodId?: string }>;

export type PlacementOutcome = Readonly<{
  order: OrderPlacedData;
  /** false: a retry under the same Idempotency-Key, answered with the order it placed */
  created: boolean;
}>;

export type InvoicingOutcomeCommand = RecordInvoiceIssued | RecordInvoicePaid | RecordInvoicePaymentFailed;

@Injectable()
export class OrderCommands {
  private readonly logger = new Logger(OrderCommands.name);
  private readonly handler: CommandHandler<OrderCommand, OrderEvent, OrderState>;
  /** Runs of invoicing outcomes in two statements (PostgreSQL store only; else one by one). */
  private readonly batches?: BatchCommandHandler<OrderCommand, OrderEvent, OrderState>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: OrderMetrics,
  ) {
    this.handler = new CommandHandler(store, orderDecider);
    // an order's invoicing outcomes come seconds apart: its state is read once, then only what follows
    this.batches = store instanceof PostgresEventStore ? new BatchCommandHandler(store, orderDecider, { cache: new StreamStateCache() }) : undefined;
  }

  /** Instants as events carry them: UTC, milliseconds (what PostgreSQL keeps, exactly). */
  now(): string {
    return instantText(this.clock.now());
  }

  /** A dry run: the order as it would be placed now, refused for the same reasons, stored nowhere. */
  price(request: PlaceOrderRequest): PricedOrder {
    const priced = priceOrder(shippedCatalog, request, this.clock.now(), randomUUID);
    if (request.autoPay && !request.paymentMethodId) throw new PaymentMethodRequired();
    return priced;
  }

  /**
   * Places a one-click order. With an Idempotency-Key the order id is derived from it: a retry
   * finds the stream and gets the first answer (the store's `noStream` race decides between two
   * concurrent first attempts, and the loser's retry of the decider replays the winner's order).
   */
  async place(customerId: string, request: PlaceOrderRequest, idempotencyKey?: string): Promise<PlacementOutcome> {
    const requestHash = requestHashOf(request);
    const orderId = idempotencyKey === undefined ? newTimeOrderedId() : orderIdForIdempotencyKey(customerId, idempotencyKey);
    if (idempotencyKey !== undefined) {
      // a retry is answered from the stream, before pricing: the catalog may have changed since
      const existing = await this.load(orderId);
      if (existing.status !== 'initial' && isRetryOfPlacedOrder(existing, customerId, requestHash)) {
        return { order: existing.order, created: false };
      }
    }

    const at = this.clock.now();
    const priced = priceOrder(shippedCatalog, request, at, randomUUID);
    const order: OrderPlacedData = {
      ...priced,
      orderId,
      customerId,
      autoPay: request.autoPay,
      ...(request.paymentMethodId ? { paymentMethodId: request.paymentMethodId } : {}),
      customer: {
        ...(request.customer?.country ? { country: request.customer.country } : {}),
        ...(request.customer?.vatNumber ? { vatNumber: request.customer.vatNumber } : {}),
      },
      requestHash,
      placedAt: instantText(at),
    };
    const result = await this.handler.handle(orderStreamId(orderId), { type: 'PlaceOrder', data: order }, this.metadata(customerId));
    const state = result.newState as PlacedOrderState;
    const created = result.newEvents.length > 0;
    if (created) this.metrics.orderPlaced(state.order);
    return { order: state.order, created };
  }

  cancel(customerId: string, orderId: string): Promise<PlacedOrderState> {
    return this.run(customerId, { type: 'CancelOrder', data: { orderId, customerId, reason: 'customerRequest', cancelledAt: this.now() } });
  }

  withdraw(customerId: string, orderId: string): Promise<PlacedOrderState> {
    return this.run(customerId, { type: 'WithdrawOrder', data: { orderId, customerId, withdrawnAt: this.now() } });
  }

  /**
   * Applies what invoicing reports for one of our orders. The new events' ids derive from the
   * invoicing event's id, so a redelivery after a crash appends nothing twice; an order that is
   * not ours (unknown, or another customer's) is ignored.
   */
  async recordInvoicingOutcome(command: InvoicingOutcomeCommand, cause: EventEnvelope): Promise<void> {
    let sequence = 0;
    const handler = new CommandHandler(this.store, orderDecider, { newEventId: () => derivedEventId(cause.eventId, `order-event-${sequence++}`) });
    try {
      await handler.handle(orderStreamId(command.data.orderId), command, this.metadata(command.data.customerId, cause));
    } catch (error) {
      if (!(error instanceof OrderNotFound)) throw error;
      this.logger.warn({ msg: 'invoicing event for an order that is not this customer\'s: ignored', type: cause.type, eventId: cause.eventId, orderId: command.data.orderId });
    }
  }

  /**
   * `recordInvoicingOutcome` for each, in order, with one read and one append for the run (the
   * event ids those one-by-one commands would give). An order that moved meanwhile (a customer's
   * cancel, say) sends the run one by one, which reads again.
   */
  async recordInvoicingOutcomes(outcomes: readonly Readonly<{ command: InvoicingOutcomeCommand; cause: EventEnvelope }>[]): Promise<void> {
    if (!this.batches || outcomes.length < 2) {
      for (const { command, cause } of outcomes) await this.recordInvoicingOutcome(command, cause);
      return;
    }
    const results = await this.batches.handleAllOrEach(
      outcomes.map(({ command, cause }) => ({
        streamId: orderStreamId(command.data.orderId),
        command,
        metadata: this.metadata(command.data.customerId, cause),
        eventId: (index: number) => derivedEventId(cause.eventId, `order-event-${index}`),
      })),
      (index) => this.recordInvoicingOutcome(outcomes[index].command, outcomes[index].cause),
    );
    results?.forEach((result, index) => {
      if (result.kind === 'decided') return;
      const { command, cause } = outcomes[index];
      if (!(result.error instanceof OrderNotFound)) throw result.error;
      this.logger.warn({ msg: "invoicing event for an order that is not this customer's: ignored", type: cause.type, eventId: cause.eventId, orderId: command.data.orderId });
    });
  }

  /** The order's state from its stream (initial when there is none). */
  async load(orderId: string): Promise<OrderState> {
    const { events } = await this.store.readStream<OrderEvent>(orderStreamId(orderId));
    return foldEvents(orderDecider, events.map(({ type, data }) => ({ type, data }) as OrderEvent));
  }

  private async run(customerId: string, command: OrderCommand): Promise<PlacedOrderState> {
    const result = await this.handler.handle(orderStreamId(command.data.orderId), command, this.metadata(customerId));
    return result.newState as PlacedOrderState;
  }

  private metadata(customerId: string, cause?: EventEnvelope): EventMetadata {
    return {
      correlationId: cause?.metadata.correlationId ?? randomUUID(),
      ...(cause ? { causationId: cause.eventId } : {}),
      occurredAt: this.now(),
      partitionKey: customerId,
      ...(cause?.metadata.traceparent ? { traceparent: cause.metadata.traceparent } : {}),
    };
  }
}
