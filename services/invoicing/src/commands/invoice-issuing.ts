// Issues invoices and credit notes: the next number of the series is taken in the transaction that
// appends the document (PostgresEventStore.appendWithinTransaction), so a number is used by exactly
// the document that commits with it. An invoice's stream id derives from its source (order,
// renewal term): a second request for the same source finds the stream and issues nothing.
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { findSubsidiary, toSubsidiaryDate } from '@billing/billing-kernel';
import type { EventMetadata } from '@billing/contracts';
import { derivedEventId, foldEvents, WrongExpectedVersionError, type NewEvent, type PostgresEventStore } from '@billing/eventsourcing';
import { CLOCK, EVENT_STORE, instantText, type Clock } from '@billing/platform';
import { Temporal } from 'temporal-polyfill';
import { invoiceStreamId, refundIdempotencyKey, type CreditNoteReason, type InvoiceEvent, type InvoiceState } from '../domain/invoice';
import { decideInvoice, invoiceDecider, type CreditScope, type IssueInvoice } from '../domain/invoice.decide';
import { documentNumber, seriesOf } from '../domain/invoice-series';
import { BillNotFound, InvoiceTaxRefused } from '../domain/invoicing-refusals';
import { INVOICING_SETTINGS, type InvoicingSettings } from '../invoicing-settings';
import { takeNextNumber } from './invoice-numbering';

/** A refund owed (see InvoiceRefunds): written in the credit note's transaction. */
const insertRefundInFlightSql = `
  INSERT INTO refunds_in_flight (idempotency_key, invoice_id, credit_note_id, customer_id, currency, amount)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (idempotency_key) DO NOTHING`;

/** An invoice to issue, as its source describes it: the number and the issue time come at issue. */
export type InvoiceDraft = Omit<IssueInvoice['data'], 'number' | 'issuedAt' | 'issueDate'>;

export type CreditNoteRequest = Readonly<{
  creditNoteId: string;
  invoiceId: string;
  reason: CreditNoteReason;
  scope: CreditScope;
}>;

export type LoadedInvoice = Readonly<{ state: InvoiceState; version: number }>;

/** Version races lost in a row before giving up (each retry reads the stream again). */
const MAX_ATTEMPTS = 3;

@Injectable()
export class InvoiceIssuing {
  constructor(
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INVOICING_SETTINGS) private readonly settings: InvoicingSettings,
  ) {}

  async load(invoiceId: string): Promise<LoadedInvoice> {
    const { events, currentVersion } = await this.store.readStream<InvoiceEvent>(invoiceStreamId(invoiceId));
    return { state: foldEvents(invoiceDecider, events.map(({ type, data }) => ({ type, data }) as InvoiceEvent)), version: currentVersion };
  }

  /**
   * Issues the invoice unless its source has one already, and returns the invoice's state. The
   * issue instant is taken once the series is locked, so numbers and issue instants go up together.
   */
  async issue(draft: InvoiceDraft, metadataOf: (occurredAt: string) => EventMetadata): Promise<LoadedInvoice> {
    const seller = findSubsidiary(draft.subsidiary);
    if (!seller) throw new InvoiceTaxRefused('UNKNOWN_SUBSIDIARY', `${draft.subsidiary} is not one of our subsidiaries`);
    return this.appendDocument(draft.invoiceId, async (state, client) => {
      if (state.status !== 'notIssued') return [];
      // one instant for the series' year and the issue: the issue instant stays in the series' year
      const now = this.clock.now();
      const series = seriesOf(seller.code, toSubsidiaryDate(now, seller), draft.customerId, this.settings.series);
      const taken = await takeNextNumber(client, series, instantText(now));
      const issueDate = toSubsidiaryDate(Temporal.Instant.from(taken.issuedAt), seller);
      const events = decideInvoice({ type: 'IssueInvoice', data: { ...draft, number: documentNumber(series, taken.sequence), issuedAt: taken.issuedAt, issueDate } }, state);
      return events.map((event) => ({ ...event, eventId: derivedEventId(draft.invoiceId, event.type), metadata: metadataOf(taken.issuedAt) }));
    });
  }

  /**
   * Issues a credit note against an issued invoice, numbered in the series the subsidiary uses on
   * its issue date (the same series as its invoices). Repeating a request (same creditNoteId), or
   * crediting lines credited already, issues nothing and takes no number.
   */
  async issueCreditNote(request: CreditNoteRequest, metadataOf: (occurredAt: string) => EventMetadata): Promise<InvoiceState> {
    const { state: issued } = await this.appendDocument(request.invoiceId, async (state, client) => {
      if (state.status === 'notIssued') throw new BillNotFound(request.invoiceId);
      const seller = findSubsidiary(state.invoice.subsidiary);
      if (!seller) throw new InvoiceTaxRefused('UNKNOWN_SUBSIDIARY', `${state.invoice.subsidiary} is not one of our subsidiaries`);
      if (state.creditNotes.some((note) => note.creditNoteId === request.creditNoteId)) return [];
      const now = this.clock.now();
      const series = seriesOf(seller.code, toSubsidiaryDate(now, seller), state.invoice.customerId, this.settings.series);
      const taken = await takeNextNumber(client, series, instantText(now));
      const issueDate = toSubsidiaryDate(Temporal.Instant.from(taken.issuedAt), seller).toString();
      // nothing decided: the transaction rolls back and the number goes to the next document
      const events = decideInvoice(
        { type: 'IssueCreditNote', data: { ...request, number: documentNumber(series, taken.sequence), issuedAt: taken.issuedAt, issueDate } },
        state,
      );
      // a credit note paid back: owed from this transaction on, until the gateway's answer is stored
      for (const event of events) {
        if (event.type !== 'CreditNoteIssued' || !event.data.refunded) continue;
        const { creditNoteId, invoiceId, customerId, totals } = event.data;
        await client.query(insertRefundInFlightSql, [refundIdempotencyKey(creditNoteId), invoiceId, creditNoteId, customerId, totals.withTax.currency, totals.withTax.value]);
      }
      return events.map((event) => ({ ...event, eventId: derivedEventId(request.creditNoteId, event.type), metadata: metadataOf(taken.issuedAt) }));
    });
    return issued;
  }

  /**
   * Appends what `build` decides on the loaded invoice (see appendWithinTransaction) and returns
   * the invoice as it is now: evolved with the appended events, or read again when the append was
   * a replay of a twin's (its events, not these, are stored) or the stream moved meanwhile.
   */
  async appendDecided(
    invoiceId: string,
    loaded: LoadedInvoice,
    build: (client: PoolClient) => Promise<NewEvent<InvoiceEvent>[]>,
  ): Promise<LoadedInvoice> {
    let decided: NewEvent<InvoiceEvent>[] = [];
    const result = await this.store.appendWithinTransaction(invoiceStreamId(invoiceId), { expectedVersion: loaded.version === 0 ? 'noStream' : loaded.version }, async (client) => {
      decided = await build(client);
      return decided;
    });
    if (!result.replayed && result.nextExpectedVersion === loaded.version + decided.length) {
      const state = decided.reduce((current, { type, data }) => invoiceDecider.evolve(current, { type, data } as InvoiceEvent), loaded.state);
      return { state, version: result.nextExpectedVersion };
    }
    return this.load(invoiceId);
  }

  /**
   * Reads the stream, builds the events inside the append's transaction, and reads again after a
   * lost race. Returns the state as stored: a concurrent twin may have issued the document first.
   */
  private async appendDocument(
    invoiceId: string,
    build: (state: InvoiceState, client: PoolClient) => Promise<NewEvent<InvoiceEvent>[]>,
  ): Promise<LoadedInvoice> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(invoiceId);
      try {
        return await this.appendDecided(invoiceId, loaded, (client) => build(loaded.state, client));
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
