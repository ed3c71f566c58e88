// The schedule's tables as TypeORM entities (reads through repositories; the scheduler's claim and
// batch updates are SQL, see schedule-rows.ts). Dates are YYYY-MM-DD strings in the subsidiary's
// calendar; amounts are integer minor units of the row's currency.
import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** bigint columns hold integer minor units; pg returns them as strings. */
const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'renewal_services' })
export class RenewalServiceRecord {
  @PrimaryColumn('uuid', { name: 'service_id' })
  serviceId!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  subsidiary!: string;

  @Column('text')
  universe!: string;

  @Column('text')
  currency!: string;

  @Column('text', { name: 'plan_code' })
  planCode!: string;

  @Column('text')
  period!: string;

  /** one term, tax excluded */
  @Column('bigint', { transformer: minorUnits })
  price!: number;

  @Column('date', { name: 'anchor_date' })
  anchorDate!: string;

  @Column('date', { name: 'expiration_date' })
  expirationDate!: string;

  @Column('text', { name: 'renew_mode' })
  renewMode!: string;

  @Column('boolean')
  legacy!: boolean;

  /** a confirmed termination takes effect that day */
  @Column('date', { name: 'termination_date', nullable: true })
  terminationDate!: string | null;

  /** active | terminated */
  @Column('text')
  state!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}

@Entity({ name: 'renewal_terms' })
export class RenewalTermRecord {
  @PrimaryColumn('uuid', { name: 'renewal_term_id' })
  renewalTermId!: string;

  @Column('uuid', { name: 'service_id' })
  serviceId!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  subsidiary!: string;

  /** the expiration date the term renews */
  @Column('date', { name: 'term_start' })
  termStart!: string;

  /** the expiration once renewed */
  @Column('date', { name: 'term_end' })
  termEnd!: string;

  @Column('date', { name: 'scheduled_on' })
  scheduledOn!: string;

  @Column('text')
  currency!: string;

  @Column('bigint', { name: 'expected_amount', transformer: minorUnits })
  expectedAmount!: number;

  @Column('bigint', { name: 'requested_amount', nullable: true, transformer: minorUnits })
  requestedAmount!: number | null;

  @Column('date', { name: 'reminder40_on', nullable: true })
  reminder40On!: string | null;

  @Column('date', { name: 'reminder15_on', nullable: true })
  reminder15On!: string | null;

  @Column('date', { name: 'invoice_on', nullable: true })
  invoiceOn!: string | null;

  @Column('date', { name: 'lapse_on' })
  lapseOn!: string;

  @Column('date', { name: 'deadline_on' })
  deadlineOn!: string;

  @Column('date', { name: 'termination_on' })
  terminationOn!: string;

  @Column('text')
  status!: string;

  @Column('smallint', { name: 'reminders_sent', array: true })
  remindersSent!: number[];

  @Column('uuid', { name: 'invoice_id', nullable: true })
  invoiceId!: string | null;

  @Column('integer', { name: 'next_retry_attempt', nullable: true })
  nextRetryAttempt!: number | null;

  @Column('date', { name: 'next_retry_on', nullable: true })
  nextRetryOn!: string | null;

  @Column('text', { name: 'next_step', nullable: true })
  nextStep!: string | null;

  @Column('timestamptz', { name: 'next_due_at', nullable: true })
  nextDueAt!: Date | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}

@Entity({ name: 'autorenew_settings' })
export class AutorenewSettingsRecord {
  @PrimaryColumn('text', { name: 'customer_id' })
  customerId!: string;

  @Column('boolean')
  active!: boolean;

  @Column('smallint', { name: 'renew_day' })
  renewDay!: number;

  @Column('timestamptz', { name: 'changed_at' })
  changedAt!: Date;
}

export const scheduleEntities = [RenewalServiceRecord, RenewalTermRecord, AutorenewSettingsRecord];
