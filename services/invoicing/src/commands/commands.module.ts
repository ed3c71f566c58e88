import { Module } from '@nestjs/common';
import { PaymentGatewayModule } from '../payments/payment-gateway.module';
import { AutomaticInvoicing } from './automatic-invoicing';
import { CustomerAccounts } from './customer-accounts';
import { InvoiceIssuing } from './invoice-issuing';
import { InvoicePayments } from './invoice-payments';
import { InvoiceRefunds } from './invoice-refunds';
import { PaymentReconciler } from './payment-reconciler';

@Module({
  imports: [PaymentGatewayModule],
  providers: [AutomaticInvoicing, CustomerAccounts, InvoiceIssuing, InvoicePayments, InvoiceRefunds, PaymentReconciler],
  exports: [AutomaticInvoicing, CustomerAccounts, InvoiceIssuing, InvoicePayments, InvoiceRefunds],
})
export class CommandsModule {}
