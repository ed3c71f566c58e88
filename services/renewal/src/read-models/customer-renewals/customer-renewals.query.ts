// A customer's renewal terms as the schedule holds them: what is next for each of his services
// (reminders, invoice date, dunning), newest expiration first.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RenewalServiceRecord, RenewalTermRecord } from '../../schedule/schedule-records';

export type CustomerRenewal = {
  renewalTermId: string;
  serviceId: string;
  planCode: string;
  period: string;
  renewMode: string;
  /** the expiration the term renews */
  expirationDate: string;
  /** the expiration once renewed */
  newExpirationDate: string;
  status: string;
  amount: { currency: string; value: number };
  reminders: { daysBeforeExpiration: number; on: string; sent: boolean }[];
  invoiceOn: string | null;
  invoiceId: string | null;
  nextStep: string | null;
  nextStepAt: string | null;
};

@Injectable()
export class CustomerRenewalsQuery {
  constructor(private readonly dataSource: DataSource) {}

  async of(customerId: string, serviceId?: string): Promise<CustomerRenewal[]> {
    const terms = await this.dataSource.getRepository(RenewalTermRecord).find({
      where: { customerId, ...(serviceId ? { serviceId } : {}) },
      order: { termStart: 'DESC', serviceId: 'ASC' },
      take: 200,
    });
    if (terms.length === 0) return [];
    const services = new Map(
      (await this.dataSource.getRepository(RenewalServiceRecord).findBy(terms.map((term) => ({ serviceId: term.serviceId, customerId })))).map((service) => [service.serviceId, service]),
    );
    return terms.flatMap((term) => {
      const service = services.get(term.serviceId);
      if (!service) return [];
      const reminders = [
        ...(term.reminder40On ? [{ daysBeforeExpiration: 40, on: term.reminder40On, sent: term.remindersSent.includes(40) }] : []),
        ...(term.reminder15On ? [{ daysBeforeExpiration: 15, on: term.reminder15On, sent: term.remindersSent.includes(15) }] : []),
      ];
      return [
        {
          renewalTermId: term.renewalTermId,
          serviceId: term.serviceId,
          planCode: service.planCode,
          period: service.period,
          renewMode: service.renewMode,
          expirationDate: term.termStart,
          newExpirationDate: term.termEnd,
          status: term.status,
          amount: { currency: term.currency, value: term.requestedAmount ?? term.expectedAmount },
          reminders,
          invoiceOn: term.invoiceOn,
          invoiceId: term.invoiceId,
          nextStep: term.nextStep,
          nextStepAt: term.nextDueAt?.toISOString() ?? null,
        },
      ];
    });
  }
}
