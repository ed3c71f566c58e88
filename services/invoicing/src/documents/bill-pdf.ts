// The PDF of an invoice or a credit note, with the mentions an invoice must carry (Directive
// 2006/112/EC art. 226; French CGI art. 242 nonies A; Code de commerce art. L441-9): the seller
// and its VAT number, the customer, his address and VAT number, the number, the issue date, the
// due date, the lines with their rates, the tax per rate, the totals, and the mention that
// explains a 0 % rate (reverse charge, outside the scope). Rendered from the document as issued
// (copied at issue), so a later change of the account or of the rate table never shows on it.
import { toDecimalString, type Money } from '@billing/billing-kernel';
import PDFDocument from 'pdfkit';
import type { BilledTo } from '../domain/customer-account';
import type { DocumentTotals, InvoiceLine, IssuedCreditNote, IssuedInvoice, Seller, TaxAtRate } from '../domain/invoice';

export type BillDocument = Readonly<{ kind: 'invoice'; invoice: IssuedInvoice }> | Readonly<{ kind: 'creditNote'; creditNote: IssuedCreditNote }>;

export type PdfOptions = Readonly<{
  /** Flate-compress the page contents (default true); false keeps them readable, for inspection. */
  compress?: boolean;
}>;

const creditNoteReasons: Readonly<Record<IssuedCreditNote['reason'], string>> = {
  refund: 'Refund of a cancelled order',
  withdrawal: 'Withdrawal (Directive 2011/83/EU, art. 9)',
  prorationCredit: 'Credit of the unused days of a changed plan',
  correction: 'Correction of a billing error',
};

/** French B2B invoices must state the late-payment penalties and the 40 EUR recovery indemnity. */
const frenchLatePaymentMention =
  'Late payment: penalties at three times the French legal interest rate, plus a fixed indemnity of 40 EUR for recovery costs (Code de commerce, art. L441-10 and D441-5). No discount for early payment.';

function amount(value: Money): string {
  return `${toDecimalString(value)} ${value.currency}`;
}

/** Basis points as a percentage, without floats: 2000 → "20 %", 2550 → "25.5 %". */
export function ratePercent(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const hundredths = basisPoints % 100;
  return hundredths === 0 ? `${whole} %` : `${whole}.${String(hundredths).padStart(2, '0').replace(/0$/, '')} %`;
}

interface Layout {
  doc: PDFKit.PDFDocument;
  left: number;
  width: number;
}

function heading(layout: Layout, title: string, number: string): void {
  const { doc, left } = layout;
  doc.font('Helvetica-Bold').fontSize(18).text(`${title} ${number}`, left, 50);
  doc.moveDown(0.5);
}

function parties(layout: Layout, seller: Seller, billedTo: BilledTo, dates: readonly [string, string][]): void {
  const { doc, left, width } = layout;
  const top = doc.y;
  const column = width / 2 - 10;
  doc.font('Helvetica-Bold').fontSize(10).text('Seller', left, top, { width: column });
  doc.font('Helvetica').text(seller.legalEntityName, { width: column });
  doc.text(`VAT number: ${seller.taxRegistrationNumber}`, { width: column });
  doc.moveDown(0.5);
  for (const [label, value] of dates) doc.text(`${label}: ${value}`, { width: column });
  const leftBottom = doc.y;

  const right = left + width / 2 + 10;
  doc.font('Helvetica-Bold').text('Billed to', right, top, { width: column });
  doc.font('Helvetica').text(billedTo.name, right, doc.y, { width: column });
  for (const line of billedTo.postalAddress?.lines ?? []) doc.text(line, right, doc.y, { width: column });
  if (billedTo.postalAddress) {
    doc.text([billedTo.postalAddress.postalCode, billedTo.postalAddress.city].filter(Boolean).join(' '), right, doc.y, { width: column });
  }
  doc.text(`Country: ${billedTo.country}`, right, doc.y, { width: column });
  if (billedTo.vatNumber) doc.text(`Customer VAT number: ${billedTo.vatNumber}`, right, doc.y, { width: column });
  doc.y = Math.max(leftBottom, doc.y) + 15;
}

function linesTable(layout: Layout, lines: readonly InvoiceLine[]): void {
  const { doc, left, width } = layout;
  const columns = [
    { title: 'Description', width: width - 300, align: 'left' as const },
    { title: 'Qty', width: 40, align: 'right' as const },
    { title: 'Unit price excl. VAT', width: 100, align: 'right' as const },
    { title: 'VAT rate', width: 60, align: 'right' as const },
    { title: 'Amount excl. VAT', width: 100, align: 'right' as const },
  ];
  const row = (cells: readonly string[], bold = false) => {
    const top = doc.y;
    let x = left;
    let bottom = top;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    cells.forEach((cell, index) => {
      doc.text(cell, x, top, { width: columns[index].width - 4, align: columns[index].align });
      bottom = Math.max(bottom, doc.y);
      x += columns[index].width;
    });
    doc.y = bottom + 4;
  };
  row(columns.map((column) => column.title), true);
  for (const line of lines) {
    const period = line.periodStart && line.periodEnd ? ` (${line.periodStart} to ${line.periodEnd})` : '';
    row([`${line.description}${period}`, String(line.quantity), amount(line.unitPrice), ratePercent(line.taxRate), amount(line.amountWithoutTax)]);
  }
  doc.moveDown(0.5);
}

function taxesAndTotals(layout: Layout, taxes: readonly TaxAtRate[], totals: DocumentTotals): void {
  const { doc, left, width } = layout;
  const x = left + width - 260;
  doc.font('Helvetica-Bold').fontSize(9).text('VAT per rate', x, doc.y, { width: 260 });
  doc.font('Helvetica');
  for (const tax of taxes) doc.text(`${ratePercent(tax.rate)} on ${amount(tax.base)}: ${amount(tax.amount)}`, x, doc.y, { width: 260 });
  doc.moveDown(0.5);
  doc.text(`Total excl. VAT: ${amount(totals.withoutTax)}`, x, doc.y, { width: 260 });
  doc.text(`Total VAT: ${amount(totals.tax)}`, x, doc.y, { width: 260 });
  doc.font('Helvetica-Bold').text(`Total incl. VAT: ${amount(totals.withTax)}`, x, doc.y, { width: 260 });
  doc.font('Helvetica').moveDown(1);
}

function mentions(layout: Layout, texts: readonly string[]): void {
  const { doc, left, width } = layout;
  doc.fontSize(8);
  for (const text of texts) doc.text(text, left, doc.y, { width });
}

function draw(doc: PDFKit.PDFDocument, bill: BillDocument): void {
  const layout: Layout = { doc, left: 50, width: doc.page.width - 100 };
  if (bill.kind === 'invoice') {
    const { invoice } = bill;
    heading(layout, 'Invoice', invoice.number);
    parties(layout, invoice.seller, invoice.billedTo, [
      ['Invoice number', invoice.number],
      ['Issue date', invoice.issueDate],
      ['Due date', invoice.dueDate],
      ['Currency', invoice.currency],
    ]);
    linesTable(layout, invoice.lines);
    taxesAndTotals(layout, invoice.taxes, invoice.totals);
    const extra = [
      ...(invoice.tax.legalMention ? [invoice.tax.legalMention] : []),
      ...(invoice.subsidiary === 'FR' && invoice.billedTo.vatNumber ? [frenchLatePaymentMention] : []),
    ];
    mentions(layout, extra);
    return;
  }
  const note = bill.creditNote;
  heading(layout, 'Credit note', note.number);
  parties(layout, note.seller, note.billedTo, [
    ['Credit note number', note.number],
    ['Issue date', note.issueDate],
    ['Corrects invoice', note.invoiceNumber],
    ['Currency', note.currency],
  ]);
  linesTable(layout, note.lines);
  taxesAndTotals(layout, note.taxes, note.totals);
  mentions(layout, [
    `Reason: ${creditNoteReasons[note.reason]}.`,
    note.refunded ? 'The amount is refunded to the payment method used.' : 'The amount is deducted from what is due on the invoice.',
  ]);
}

/** Renders the bill; resolves with the whole file (a few kilobytes). */
export function renderBillPdf(bill: BillDocument, options: PdfOptions = {}): Promise<Buffer> {
  const number = bill.kind === 'invoice' ? bill.invoice.number : bill.creditNote.number;
  const seller = bill.kind === 'invoice' ? bill.invoice.seller : bill.creditNote.seller;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    info: { Title: `${bill.kind === 'invoice' ? 'Invoice' : 'Credit note'} ${number}`, Author: seller.legalEntityName },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc, bill);
  doc.end();
  return done;
}
