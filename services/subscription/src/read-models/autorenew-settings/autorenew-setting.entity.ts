// The account's renew day, as renewal announces it (AutorenewSettingsChanged): it moves a
// service's nextBillingDate from its expiration to the last renew day before it.
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'autorenew_settings' })
export class AutorenewSetting {
  @PrimaryColumn('text', { name: 'customer_id' })
  customerId!: string;

  @Column('boolean')
  active!: boolean;

  @Column('integer', { name: 'renew_day' })
  renewDay!: number;

  @Column('timestamptz', { name: 'changed_at' })
  changedAt!: Date;
}
