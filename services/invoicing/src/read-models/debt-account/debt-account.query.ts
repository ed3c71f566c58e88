// The customer's debt account, per currency, computed when asked from the bills read model and the
// payment attempts in flight:
// - pendingAmount: unpaid invoices with a payment attempt at the gateway, outcome not known yet;
// - dueAmount: the other unpaid invoices whose due date has come (due date ≤ today in the
//   subsidiary's calendar);
// - unmaturedAmount: the other unpaid invoices not due yet (a renewal invoice before expiration).
// Each invoice counts for what it still carries: its total less its credit notes.
import { Inject, Injectable } from '@nestjs/common';
import { findSubsidiary, toSubsidiaryDate, type Money } from '@billing/billing-kernel';
import { CLOCK, type Clock } from '@billing/platform';
import { DataSource } from 'typeorm';
import { BillsQuery } from '../bills/bills.query';

export type CurrencyDebt = Readonly<{ currency: string; dueAmount: Money; pendingAmount: Money; unmaturedAmount: Money }>;

@Injectable()
export class DebtAccountQuery {
  constructor(
    private readonly bills: BillsQuery,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async ofCustomer(customerId: string): Promise<CurrencyDebt[]> {
    const [unpaid, inFlight] = await Promise.all([
      this.bills.unpaidInvoicesOf(customerId),
      this.dataSource.query<{ invoice_id: string }[]>(`SELECT invoice_id FROM payment_attempts_in_flight WHERE customer_id = $1`, [customerId]),
    ]);
    const pendingInvoices = new Set(inFlight.map((row) => row.invoice_id));
    const now = this.clock.now();
    const byCurrency = new Map<string, { due: number; pending: number; unmatured: number }>();
    for (const invoice of unpaid) {
      const owed = invoice.totalWithTax - invoice.creditedAmount;
      if (owed <= 0) continue;
      const debt = byCurrency.get(invoice.currency) ?? { due: 0, pending: 0, unmatured: 0 };
      const seller = findSubsidiary(invoice.subsidiary);
      const today = seller ? toSubsidiaryDate(now, seller).toString() : now.toString().slice(0, 10);
      if (pendingInvoices.has(invoice.invoiceId)) debt.pending += owed;
      else if ((invoice.dueDate ?? today) <= today) debt.due += owed;
      else debt.unmatured += owed;
      byCurrency.set(invoice.currency, debt);
    }
    return [...byCurrency]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, debt]) => {
        const amount = (value: number) => ({ currency, value }) as Money;
        return { currency, dueAmount: amount(debt.due), pendingAmount: amount(debt.pending), unmaturedAmount: amount(debt.unmatured) };
      });
  }
}
