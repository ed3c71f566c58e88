// The services read model: a customer's services, and the partial index the termination
// scheduler reads (its cost follows the services due, not all services).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateServicesReadModel1780000000000 implements MigrationInterface {
  name = 'CreateServicesReadModel1780000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE services (
        service_id             uuid        PRIMARY KEY,
        customer_id            text        NOT NULL,
        subsidiary             text        NOT NULL,
        universe               text        NOT NULL,
        plan_code              text        NOT NULL,
        period                 text        NOT NULL,
        price                  bigint      NOT NULL,
        currency               text        NOT NULL,
        anchor_date            date        NOT NULL,
        expiration_date        date        NOT NULL,
        renew_mode             text        NOT NULL,
        status                 text        NOT NULL,
        legacy_contract        boolean     NOT NULL,
        scheduled_termination  text,
        engagement_duration    text,
        engaged_up_to          date,
        order_id               uuid,
        item_id                uuid,
        legacy_service_id      text,
        termination_due_date   date,
        termination_due_reason text,
        end_reason             text,
        created_at             timestamptz NOT NULL,
        updated_at             timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX services_of_customer ON services (customer_id, service_id)`);
    await runner.query(`CREATE INDEX services_termination_due ON services (termination_due_date) WHERE termination_due_date IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE services`);
  }
}
