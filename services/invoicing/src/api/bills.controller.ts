// The customer's bills (invoices and credit notes), their PDF, paying a due invoice, and the debt account.
import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CurrentPrincipal, type Principal } from '@billing/auth';
import { validated } from '@billing/platform';
import { z } from 'zod';
import { eventMetadata } from '../commands/event-metadata';
import { InvoiceIssuing } from '../commands/invoice-issuing';
import { InvoicePayments } from '../commands/invoice-payments';
import { renderBillPdf, type BillDocument } from '../documents/bill-pdf';
import { BillNotFound, PaymentMethodNotFound } from '../domain/invoicing-refusals';
import { BillsQuery } from '../read-models/bills/bills.query';
import { DebtAccountQuery } from '../read-models/debt-account/debt-account.query';
import { billIdParamsSchema, billsQuerySchema, payBillSchema, type BillsQueryParams, type PayBillBody } from './requests';
import { billSummaryView, billView, debtAccountView, paymentResultView } from './views';

@ApiTags('bills')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'No valid bearer token' })
@Controller('me')
export class BillsController {
  constructor(
    private readonly bills: BillsQuery,
    private readonly debts: DebtAccountQuery,
    private readonly issuing: InvoiceIssuing,
    private readonly payments: InvoicePayments,
  ) {}

  @Get('bill')
  @ApiOperation({
    summary: "The customer's invoices and credit notes, newest first",
    description:
      'category: purchase-web, purchase-servers, purchase-cloud, purchase-telecom, autorenew or earlyrenewal. status: an invoice is `unpaid`, `paid`, `cancelled` (credited in full before payment) or `refunded` (paid, then credited in full); a credit note is `issued`.',
  })
  async list(@CurrentPrincipal() principal: Principal, @Query(validated(billsQuerySchema)) query: BillsQueryParams) {
    const bills = await this.bills.ofCustomer(principal.customerId, query.limit);
    return { bills: bills.map(billSummaryView) };
  }

  @Get('bill/:billId')
  @ApiOperation({ summary: 'One invoice or credit note, with its lines, taxes per rate and totals' })
  @ApiResponse({ status: 404, description: 'BILL_NOT_FOUND: unknown, or not the customer\'s' })
  async get(@CurrentPrincipal() principal: Principal, @Param(validated(billIdParamsSchema)) { billId }: { billId: string }) {
    const bill = await this.bills.oneOfCustomer(principal.customerId, billId);
    if (!bill) throw new BillNotFound(billId);
    const creditNotes = bill.kind === 'invoice' ? await this.bills.creditNotesOf(principal.customerId, bill.invoiceId) : [];
    return billView(bill, creditNotes);
  }

  @Get('bill/:billId/pdf')
  @ApiOperation({ summary: 'The invoice or credit note as a PDF, with its legal mentions' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 200, description: 'application/pdf' })
  @ApiResponse({ status: 404, description: 'BILL_NOT_FOUND' })
  async pdf(@CurrentPrincipal() principal: Principal, @Param(validated(billIdParamsSchema)) { billId }: { billId: string }): Promise<StreamableFile> {
    const bill = await this.bills.oneOfCustomer(principal.customerId, billId);
    if (!bill) throw new BillNotFound(billId);
    // the legal document as issued, from the invoice's own stream (seller, applied tax, mentions)
    const { state } = await this.issuing.load(bill.invoiceId);
    if (state.status === 'notIssued' || state.invoice.customerId !== principal.customerId) throw new BillNotFound(billId);
    let document: BillDocument;
    if (bill.kind === 'invoice') {
      document = { kind: 'invoice', invoice: state.invoice };
    } else {
      const creditNote = state.creditNotes.find((note) => note.creditNoteId === billId);
      if (!creditNote) throw new BillNotFound(billId);
      document = { kind: 'creditNote', creditNote };
    }
    const file = await renderBillPdf(document);
    return new StreamableFile(file, { type: 'application/pdf', disposition: `inline; filename="${bill.number}.pdf"`, length: file.length });
  }

  @Post('bill/:billId/pay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pay a due invoice now (the next payment attempt)',
    description:
      'Charges `paymentMethodId`, else the account\'s default payment method. Answers the attempt\'s outcome: `paid`, `failed` (with the reason) or `pending` (the gateway\'s answer was lost: the attempt is reconciled with the gateway, never charged twice).',
  })
  @ApiBody({ required: false, schema: z.toJSONSchema(payBillSchema, { io: 'input' }) as SchemaObject })
  @ApiResponse({ status: 200, description: '{ invoiceId, paymentId, attempt, status, reason? }' })
  @ApiResponse({ status: 404, description: 'BILL_NOT_FOUND; PAYMENT_METHOD_NOT_FOUND (not the customer\'s: the attempt fails, nothing is charged)' })
  @ApiResponse({ status: 409, description: 'INVOICE_ALREADY_PAID, INVOICE_CANCELLED, PAYMENT_IN_PROGRESS' })
  async pay(
    @CurrentPrincipal() principal: Principal,
    @Param(validated(billIdParamsSchema)) { billId }: { billId: string },
    @Body(validated(payBillSchema)) body: PayBillBody,
  ) {
    const result = await this.payments.pay(
      billId,
      { customerId: principal.customerId, ...(body?.paymentMethodId ? { paymentMethodId: body.paymentMethodId } : {}) },
      (at) => eventMetadata(principal.customerId, at),
    );
    // recorded as a failed attempt (InvoicePaymentFailed), answered as what it is: not his method
    if (result.status === 'failed' && result.reason === 'paymentMethodNotFound') throw new PaymentMethodNotFound(body?.paymentMethodId ?? 'the chosen payment method');
    return paymentResultView(result);
  }

  @Get('debtAccount')
  @ApiTags('debt account')
  @ApiOperation({
    summary: "What the customer owes, per currency",
    description:
      'Per currency: `dueAmount` = unpaid invoices whose due date has come (due date on or before today in the subsidiary\'s calendar); `pendingAmount` = unpaid invoices with a payment attempt at the gateway whose outcome is not known yet; `unmaturedAmount` = unpaid invoices not due yet (a renewal invoice before the expiration). Each invoice counts for its total less its credit notes.',
  })
  async debtAccount(@CurrentPrincipal() principal: Principal) {
    return debtAccountView(await this.debts.ofCustomer(principal.customerId));
  }
}
