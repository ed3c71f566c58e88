// The payment gateway adapter the configuration names (only the sandbox so far).
import { Module } from '@nestjs/common';
import type { PostgresEventStore } from '@billing/eventsourcing';
import { EVENT_STORE } from '@billing/platform';
import { PAYMENT_GATEWAY } from './payment-gateway';
import { SandboxPaymentGateway } from './sandbox-payment-gateway';

@Module({
  providers: [
    {
      provide: PAYMENT_GATEWAY,
      // the sandbox's table stands for the gateway's own storage: it uses the pool, never a service transaction
      useFactory: (store: PostgresEventStore) => new SandboxPaymentGateway(store.pool),
      inject: [EVENT_STORE],
    },
  ],
  exports: [PAYMENT_GATEWAY],
})
export class PaymentGatewayModule {}
