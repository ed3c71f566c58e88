// The customer's bills, newest first, and one bill — never another customer's.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BillRecord } from './bill-record.entity';

@Injectable()
export class BillsQuery {
  constructor(private readonly dataSource: DataSource) {}

  ofCustomer(customerId: string, limit: number): Promise<BillRecord[]> {
    return this.dataSource.getRepository(BillRecord).find({ where: { customerId }, order: { issuedAt: 'DESC', billId: 'ASC' }, take: limit });
  }

  async oneOfCustomer(customerId: string, billId: string): Promise<BillRecord | undefined> {
    return (await this.dataSource.getRepository(BillRecord).findOne({ where: { customerId, billId } })) ?? undefined;
  }

  /** The credit notes correcting an invoice, oldest first. */
  creditNotesOf(customerId: string, invoiceId: string): Promise<BillRecord[]> {
    return this.dataSource.getRepository(BillRecord).find({ where: { customerId, invoiceId, kind: 'creditNote' }, order: { issuedAt: 'ASC' } });
  }

  /** The invoices that still carry a debt: unpaid, less their credit notes. */
  unpaidInvoicesOf(customerId: string): Promise<BillRecord[]> {
    return this.dataSource.getRepository(BillRecord).find({ where: { customerId, kind: 'invoice', status: 'unpaid' } });
  }
}
