// One row per service, as its customer sees it, plus the date the termination schedule acts on:
// projected from billing.services.v1.
import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { EndOfServiceReason, RenewMode, ServiceStatus } from '../../domain/service';

/** bigint columns hold integer minor units; pg returns them as strings. */
const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'services' })
export class ServiceRecord {
  @PrimaryColumn('uuid', { name: 'service_id' })
  serviceId!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  subsidiary!: string;

  @Column('text')
  universe!: string;

  @Column('text', { name: 'plan_code' })
  planCode!: string;

  @Column('text')
  period!: string;

  /** one term, tax excluded, in minor units of `currency` */
  @Column('bigint', { name: 'price', transformer: minorUnits })
  price!: number;

  @Column('text')
  currency!: string;

  @Column('date', { name: 'anchor_date' })
  anchorDate!: string;

  @Column('date', { name: 'expiration_date' })
  expirationDate!: string;

  @Column('text', { name: 'renew_mode' })
  renewMode!: RenewMode;

  @Column('text')
  status!: ServiceStatus;

  /** a legacy service whose customer has not accepted the new contract yet */
  @Column('boolean', { name: 'legacy_contract' })
  legacyContract!: boolean;

  @Column('text', { name: 'scheduled_termination', nullable: true })
  scheduledTermination!: 'atExpiration' | 'atEngagementEnd' | null;

  @Column('text', { name: 'engagement_duration', nullable: true })
  engagementDuration!: string | null;

  @Column('date', { name: 'engaged_up_to', nullable: true })
  engagedUpTo!: string | null;

  @Column('uuid', { name: 'order_id', nullable: true })
  orderId!: string | null;

  @Column('uuid', { name: 'item_id', nullable: true })
  itemId!: string | null;

  @Column('text', { name: 'legacy_service_id', nullable: true })
  legacyServiceId!: string | null;

  /** when something ends the service on its own (the scheduler's work list), and why */
  @Column('date', { name: 'termination_due_date', nullable: true })
  terminationDueDate!: string | null;

  @Column('text', { name: 'termination_due_reason', nullable: true })
  terminationDueReason!: EndOfServiceReason | null;

  @Column('text', { name: 'end_reason', nullable: true })
  endReason!: EndOfServiceReason | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
