// The scheduler's queue keyed by due time, then customer: a claim takes a customer's terms due at
// the same instant together, so that his automatic renewals of one day are billed on one invoice
// (RenewalScheduler.invoiceGroups). Still partial: only rows with work left are in it. The build
// holds renewal_terms against writes (a migration runs in a transaction, so not CONCURRENTLY): on
// a large schedule, deploy it in a quiet hour; the scheduler and the reactions wait, nothing fails.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DueTermsByCustomer1780000001000 implements MigrationInterface {
  name = 'DueTermsByCustomer1780000001000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX renewal_terms_due`);
    await runner.query(`CREATE INDEX renewal_terms_due ON renewal_terms (next_due_at, customer_id) WHERE next_due_at IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX renewal_terms_due`);
    await runner.query(`CREATE INDEX renewal_terms_due ON renewal_terms (next_due_at) WHERE next_due_at IS NOT NULL`);
  }
}
